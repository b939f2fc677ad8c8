/// Turns frames into the bytes a terminal needs: the whole frame the first time or after a
/// resize, afterwards only the cells that changed (cursor moves, style changes and text), so a
/// redraw at 5,000 events/s costs a few hundred bytes, not a screenful.
public struct ANSIRenderer: Sendable {
    /// False for `NO_COLOR`: attributes (bold, dim, inverse) stay, colors go.
    public var colors: Bool

    public init(colors: Bool) {
        self.colors = colors
    }

    static let escape = "\u{1B}["

    /// The bytes that turn the screen showing `previous` into one showing `next`. Without a
    /// comparable previous frame the screen is cleared and painted in full.
    public func render(from previous: CellBuffer?, to next: CellBuffer) -> String {
        var output = ""
        output.reserveCapacity(256)
        let full = previous == nil || previous!.width != next.width || previous!.height != next.height
        if full { output += Self.escape + "0m" + Self.escape + "2J" }
        var cursor: (row: Int, column: Int)? = nil
        // Every render ends in the default style, so the terminal starts each one there.
        var style = CellStyle.plain
        for row in 0..<next.height {
            var column = 0
            while column < next.width {
                let cell = next[row, column]
                let changed = full || cell != previous![row, column]
                    || (column + 1 < next.width && next[row, column + 1].isContinuation
                        && next[row, column + 1] != previous![row, column + 1])
                if !changed || cell.isContinuation {
                    column += 1
                    continue
                }
                if cursor == nil || cursor! != (row, column) {
                    output += Self.escape + "\(row + 1);\(column + 1)H"
                }
                if style != cell.style {
                    output += sgr(cell.style)
                    style = cell.style
                }
                output.append(cell.character)
                let columns = max(1, DisplayWidth.of(cell.character))
                column += columns
                cursor = (row, column)
            }
        }
        if style != .plain { output += Self.escape + "0m" }
        return output
    }

    /// Select Graphic Rendition: reset, then the style's attributes and color.
    func sgr(_ style: CellStyle) -> String {
        var codes = ["0"]
        if style.bold { codes.append("1") }
        if style.dim { codes.append("2") }
        if style.inverse { codes.append("7") }
        if colors, let color = style.foreground { codes.append(String(color.foregroundCode)) }
        return Self.escape + codes.joined(separator: ";") + "m"
    }

    /// Alternate screen, hidden cursor, cleared: how a full-screen program starts.
    public static let enterFullScreen = "\u{1B}[?1049h\u{1B}[?25l\u{1B}[2J\u{1B}[H"
    /// Visible cursor, normal screen, default style: how the user's shell gets its terminal back.
    public static let leaveFullScreen = "\u{1B}[0m\u{1B}[?25h\u{1B}[?1049l"
}
