/// A frame: a grid of cells the view draws into and the backend diffs against the previous
/// frame. Drawing is clipped to the grid, so a view never has to check the terminal's size to
/// stay safe; it checks only to choose a layout.
public struct CellBuffer: Sendable, Equatable {
    public let width: Int
    public let height: Int
    public private(set) var cells: [Cell]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: .blank, count: self.width * self.height)
    }

    public subscript(row: Int, column: Int) -> Cell {
        get { cells[row * width + column] }
        set { cells[row * width + column] = newValue }
    }

    /// Writes `text` from (`row`, `column`), at most `limit` columns (and never past the right
    /// edge). Control characters show as `?`; a double-width character that would be cut in half
    /// is replaced by a space. Returns the columns written.
    @discardableResult
    public mutating func put(_ text: String, row: Int, column: Int, style: CellStyle = .plain, limit: Int? = nil) -> Int {
        guard row >= 0, row < height, column < width else { return 0 }
        let end = min(width, column + (limit ?? width))
        var x = column
        for character in text {
            if x >= end { break }
            var shown = character
            var columns = DisplayWidth.of(character)
            if let scalar = character.unicodeScalars.first, scalar.value < 0x20 || (0x7F..<0xA0).contains(scalar.value) {
                shown = "?"
                columns = 1
            }
            if columns == 0 { continue }
            if x + columns > end {
                if x >= 0 { self[row, x] = Cell(" ", style: style) }
                x += 1
                break
            }
            if x >= 0 {
                clearWideNeighbours(row: row, column: x)
                self[row, x] = Cell(shown, style: style)
                if columns == 2 {
                    clearWideNeighbours(row: row, column: x + 1)
                    self[row, x + 1] = .continuation
                }
            }
            x += columns
        }
        return max(0, x - max(column, 0))
    }

    /// Sets `count` cells of `row` from `column` to `cell` (clipped).
    public mutating func fill(row: Int, column: Int, count: Int, with cell: Cell = .blank) {
        guard row >= 0, row < height else { return }
        let start = max(0, column)
        let end = min(width, column + count)
        guard start < end else { return }
        for x in start..<end {
            clearWideNeighbours(row: row, column: x)
            self[row, x] = cell
        }
    }

    /// The frame as plain text: one line per row, trailing spaces removed (what `--snapshot`
    /// prints and what tests compare).
    public var lines: [String] {
        (0..<height).map { row in
            var line = ""
            line.reserveCapacity(width)
            for x in 0..<width {
                let cell = self[row, x]
                if !cell.isContinuation { line.append(cell.character) }
            }
            while line.last == " " { line.removeLast() }
            return line
        }
    }

    public var text: String { lines.joined(separator: "\n") }

    /// Overwriting half of a double-width character blanks its other half, so no orphan half
    /// is ever left in the grid.
    private mutating func clearWideNeighbours(row: Int, column: Int) {
        let cell = self[row, column]
        if cell.isContinuation, column > 0 {
            self[row, column - 1] = Cell(" ", style: self[row, column - 1].style)
        } else if column + 1 < width, self[row, column + 1].isContinuation, DisplayWidth.of(cell.character) == 2 {
            self[row, column + 1] = .blank
        }
    }
}
