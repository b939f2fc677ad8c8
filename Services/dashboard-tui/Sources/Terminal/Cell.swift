/// One of the 8 basic ANSI colors (plus their bright variants), which every terminal renders;
/// the palette is small on purpose so the dashboard reads the same everywhere.
public enum TerminalColor: UInt8, Sendable, Hashable, CaseIterable {
    case black = 0, red, green, yellow, blue, magenta, cyan, white
    case gray = 60, brightRed, brightGreen, brightYellow, brightBlue, brightMagenta, brightCyan, brightWhite

    /// The SGR parameter for this color as foreground (30-37, 90-97).
    var foregroundCode: Int { Int(rawValue) + 30 }
}

/// How a cell is drawn. Attributes survive `NO_COLOR` (they are not colors); colors do not.
public struct CellStyle: Sendable, Hashable {
    public var foreground: TerminalColor?
    public var bold: Bool
    public var dim: Bool
    public var inverse: Bool

    public init(foreground: TerminalColor? = nil, bold: Bool = false, dim: Bool = false, inverse: Bool = false) {
        self.foreground = foreground
        self.bold = bold
        self.dim = dim
        self.inverse = inverse
    }

    public static let plain = CellStyle()
    public static let bold = CellStyle(bold: true)
    public static let dim = CellStyle(dim: true)
    public static let inverse = CellStyle(inverse: true)

    public static func color(_ color: TerminalColor, bold: Bool = false) -> CellStyle {
        CellStyle(foreground: color, bold: bold)
    }
}

/// One terminal column of one row. A double-width character occupies its cell and the next,
/// which holds ``continuation`` so the diff never writes into the second half.
public struct Cell: Sendable, Hashable {
    public var character: Character
    public var style: CellStyle

    public init(_ character: Character, style: CellStyle = .plain) {
        self.character = character
        self.style = style
    }

    public static let blank = Cell(" ")
    /// The right half of a double-width character.
    public static let continuation = Cell("\u{0}")

    public var isContinuation: Bool { character == "\u{0}" }
}
