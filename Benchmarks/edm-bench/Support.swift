import Foundation

/// One figure of the report, with its same-run baseline when there is one.
struct BenchRow {
    var name: String
    var ours: Double
    var baseline: Double? = nil
    var baselineName: String? = nil
    /// The target this figure is held to (a project issue's aim), when it has one.
    var goal: BenchGoal? = nil

    var ratio: Double? { baseline.map { ours / $0 } }
    /// Whether the goal is met (nil without a goal, or without the baseline a ratio goal needs).
    var met: Bool? { goal.flatMap { $0.isMet(by: self) } }
}

/// A target for one figure: the ratio to its same-run baseline, or the figure itself.
enum BenchGoal: CustomStringConvertible {
    case ratioAtLeast(Double)
    case atLeast(Double)
    case below(Double)

    func isMet(by row: BenchRow) -> Bool? {
        switch self {
        case .ratioAtLeast(let aim): row.ratio.map { $0 >= aim }
        case .atLeast(let aim): row.ours >= aim
        case .below(let aim): row.ours < aim
        }
    }

    var description: String {
        func number(_ value: Double) -> String { value == value.rounded() ? String(Int(value)) : String(value) }
        switch self {
        case .ratioAtLeast(let aim): return "ratio >= \(number(aim))"
        case .atLeast(let aim): return ">= \(number(aim))"
        case .below(let aim): return "< \(number(aim))"
        }
    }
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
        let header = ["figure", "ours", "baseline", "baseline value", "ratio", "goal", "met"]
        let cells = rows.map { [
            $0.name, format($0.ours), $0.baselineName ?? "-", format($0.baseline), $0.ratio.map { String(format: "%.2f", $0) } ?? "-",
            $0.goal.map(\.description) ?? "-", $0.met.map { $0 ? "met" : "missed" } ?? "-",
        ] }
        let widths = (0..<header.count).map { column in ([header] + cells).map { $0[column].count }.max()! }
        func line(_ row: [String]) -> String {
            zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }.joined(separator: " | ")
        }
        return ([line(header), widths.map { String(repeating: "-", count: $0) }.joined(separator: "-|-")] + cells.map(line))
            .joined(separator: "\n")
    }
}

/// Figures read from /proc for benchmarked processes.
enum ProcessStats {
    /// VmRSS from /proc/<pid>/status, in bytes (0 when unreadable). `pid` 0 means this process.
    static func residentBytes(pid: Int32 = 0) -> Int {
        let path = pid == 0 ? "/proc/self/status" : "/proc/\(pid)/status"
        guard let status = try? String(contentsOfFile: path, encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmRSS:") }),
            let kilobytes = Int(line.split(whereSeparator: { $0 == " " || $0 == "\t" }).dropFirst().first ?? "")
        else { return 0 }
        return kilobytes * 1024
    }
}

/// A service executable from the same build, started on a free port (PORT=0) with its log in a
/// file; `listeningPort` reads the port from the log once the service says it is ready.
struct ServiceProcess {
    let process: Process
    let port: Int
    let log: URL

    var pid: Int32 { process.processIdentifier }

    static func start(
        _ name: String, arguments: [String] = [], environment: [String: String], timeout: Duration,
        listeningPort: (String) -> Int?
    ) async throws -> ServiceProcess {
        let directory = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let log = FileManager.default.temporaryDirectory.appendingPathComponent(
            "edm-bench-\(URL(fileURLWithPath: name).lastPathComponent)-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).log")
        guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
            throw BenchError("cannot create \(log.path)")
        }
        let process = Process()
        process.executableURL = name.hasPrefix("/") ? URL(fileURLWithPath: name) : directory.appendingPathComponent(name)
        process.arguments = arguments
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardInput = FileHandle.nullDevice
        do {
            try process.run()
        } catch {
            throw BenchError("cannot start \(process.executableURL!.path) (build it with --product \(name)): \(error)")
        }
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let port = listeningPort(text) {
                return ServiceProcess(process: process, port: port, log: log)
            }
            guard process.isRunning else { throw BenchError("\(name) exited: \(text)") }
            try await Task.sleep(for: .milliseconds(20))
        }
        process.terminate()
        throw BenchError("\(name) did not start within \(timeout)")
    }

    /// The `port=` field of the first log line containing `marker`.
    static func port(in log: String, lineContaining marker: String) -> Int? {
        guard let line = log.split(separator: "\n").first(where: { $0.contains(marker) }),
            let field = line.split(separator: " ").first(where: { $0.hasPrefix("port=") })
        else { return nil }
        return Int(field.dropFirst(5))
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
        try? FileManager.default.removeItem(at: log)
    }
}

/// The open-file limit: 10,000 WebSocket clients need more descriptors than many shells allow
/// by default, in this process (the swarm) and in the stream it starts (which inherits it).
enum OpenFiles {
    /// Raises the soft limit to the hard limit; returns the limit now in force.
    @discardableResult
    static func raiseLimit() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 0 }
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
            _ = getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
        }
        return Int(limit.rlim_cur)
    }
}
