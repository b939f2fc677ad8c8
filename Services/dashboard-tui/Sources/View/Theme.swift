/// Colors and glyphs: one place decides what clicks and page loads look like.
public struct Theme: Sendable {
    /// Offset of the local time zone from UTC, for the clock and the feed's times.
    public var utcOffsetSeconds: Int

    public init(utcOffsetSeconds: Int = 0) {
        self.utcOffsetSeconds = utcOffsetSeconds
    }

    public static let typeColors: [String: TerminalColor] = ["click": .cyan, "pageload": .magenta]
    static let otherTypeColors: [TerminalColor] = [.yellow, .green, .blue, .brightRed]

    /// A stable color per event type (registered types fixed, others from a small palette).
    public func color(forType type: String) -> TerminalColor {
        if let color = Self.typeColors[type] { return color }
        let hash = type.unicodeScalars.reduce(0) { ($0 &* 31 &+ Int($1.value)) & 0xFFFF }
        return Self.otherTypeColors[hash % Self.otherTypeColors.count]
    }

    public func style(for status: LinkStatus) -> CellStyle {
        switch status {
        case .connected: .color(.green)
        case .connecting, .idle: .color(.yellow)
        case .off: .dim
        case .retrying: .color(.yellow)
        case .failed: .color(.red, bold: true)
        }
    }

    /// Eighth blocks for bars: index n is n/8 of a cell.
    static let eighths: [Character] = [" ", "▏", "▎", "▍", "▌", "▋", "▊", "▉", "█"]
    /// Sparkline levels: index n is n/8 of a cell's height.
    static let levels: [Character] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
}
