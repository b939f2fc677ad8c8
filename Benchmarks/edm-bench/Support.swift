import Foundation

/// One figure of the report, with its same-run baseline when there is one.
struct BenchRow {
    var name: String
    var ours: Double
    var baseline: Double? = nil
    var baselineName: String? = nil

    var ratio: Double? { baseline.map { ours / $0 } }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

enum Shell {
    /// Runs a command to completion (blocking a Dispatch thread, not the cooperative pool).
    static func run(_ executable: String, _ arguments: [String], discardOutput: Bool = false) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, Error>) in
            DispatchQueue.global().async {
                do {
                    let process = Process()
                    process.executableURL = URL(fileURLWithPath: executable)
                    process.arguments = arguments
                    process.standardOutput = discardOutput ? FileHandle.nullDevice : FileHandle.standardError
                    process.standardInput = FileHandle.nullDevice
                    try process.run()
                    process.waitUntilExit()
                    guard process.terminationStatus == 0 else {
                        throw BenchError("\(executable) exited with \(process.terminationStatus)")
                    }
                    continuation.resume()
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}

enum Table {
    static func render(_ rows: [BenchRow]) -> String {
        func format(_ value: Double?) -> String {
            guard let value else { return "-" }
            if value >= 1000 { return String(format: "%.0f", value) }
            return String(format: "%.2f", value)
        }
        let header = ["figure", "ours", "baseline", "baseline value", "ratio"]
        let cells = rows.map { [
            $0.name, format($0.ours), $0.baselineName ?? "-", format($0.baseline), $0.ratio.map { String(format: "%.2f", $0) } ?? "-",
        ] }
        let widths = (0..<header.count).map { column in ([header] + cells).map { $0[column].count }.max()! }
        func line(_ row: [String]) -> String {
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: " | ")
        }
        return ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "-|-")] + cells.map(line))
            .joined(separator: "\n")
    }
}
