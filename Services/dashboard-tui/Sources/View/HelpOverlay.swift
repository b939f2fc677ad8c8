/// The `?` help: keys and what the figures mean, in a box over the middle of the screen.
enum HelpOverlay {
    static let lines = [
        "Keys",
        "q         quit",
        "p, space  pause or resume the live feed",
        "f         cycle the feed's type filter",
        "r         reload history from stats",
        "?, h      show or hide this help",
        "",
        "Totals are stats' counts plus live events stats had",
        "not counted yet; each event is counted once.",
    ]

    static func draw(in rect: Rect, into buffer: inout CellBuffer) {
        let contentWidth = lines.map { DisplayWidth.of($0) }.max() ?? 0
        let width = min(rect.width, contentWidth + 4)
        let height = min(rect.height, lines.count + 2)
        guard width >= 3, height >= 3 else { return }
        let top = rect.row + (rect.height - height) / 2
        let left = rect.column + (rect.width - width) / 2
        let border = CellStyle.color(.cyan, bold: true)
        buffer.put("┌" + String(repeating: "─", count: width - 2) + "┐", row: top, column: left, style: border)
        for index in 0..<(height - 2) {
            let row = top + 1 + index
            buffer.put("│", row: row, column: left, style: border)
            buffer.fill(row: row, column: left + 1, count: width - 2)
            buffer.put(DisplayWidth.truncate(" " + lines[index], to: width - 2), row: row, column: left + 1,
                       style: index == 0 ? .bold : .plain, limit: width - 2)
            buffer.put("│", row: row, column: left + width - 1, style: border)
        }
        buffer.put("└" + String(repeating: "─", count: width - 2) + "┘", row: top + height - 1, column: left, style: border)
    }
}
