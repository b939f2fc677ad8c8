import Foundation
import TestSupport

/// A child process with exactly the environment given (nothing inherited), its output captured
/// in files (see `CapturedOutput`), that can be stopped early once its stderr says enough.
final class Spawned: @unchecked Sendable {
    enum Outcome {
        case exited(status: Int32, stdout: String, stderr: String)
        /// Still running at the deadline (then stopped); the output it had written by then.
        case stillRunning(stdout: String, stderr: String)
    }

    private let process = Process()
    private let captured: CapturedOutput

    private init(executable: URL, arguments: [String], environment: [String: String]) throws {
        captured = try CapturedOutput()
        let handles = try captured.attach(to: process)
        defer {
            try? handles.stdout.close()
            try? handles.stderr.close()
        }
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }

    private var output: (stdout: String, stderr: String) {
        (String(decoding: captured.stdout, as: UTF8.self), captured.stderr)
    }

    /// Runs `executable` with exactly `environment` until it exits, `timeout` passes, or its
    /// standard error satisfies `stopWhen`; a process still running then gets SIGTERM (SIGKILL
    /// 5 s later).
    static func run(
        _ executable: URL, arguments: [String] = [], environment: [String: String], timeout: Duration,
        stopWhen: (_ stderr: String) -> Bool = { _ in false }
    ) async throws -> Outcome {
        let child = try Spawned(executable: executable, arguments: arguments, environment: environment)
        let deadline = ContinuousClock.now + timeout
        while child.process.isRunning && ContinuousClock.now < deadline && !stopWhen(child.output.stderr) {
            try await Task.sleep(for: .milliseconds(20))
        }
        if child.process.isRunning {
            let (stdout, stderr) = child.output
            kill(child.process.processIdentifier, SIGTERM)
            let killDeadline = ContinuousClock.now + .seconds(5)
            while child.process.isRunning && ContinuousClock.now < killDeadline {
                try await Task.sleep(for: .milliseconds(20))
            }
            return .stillRunning(stdout: stdout, stderr: stderr)
        }
        let (stdout, stderr) = child.output
        return .exited(status: child.process.terminationStatus, stdout: stdout, stderr: stderr)
    }
}

extension Spawned.Outcome: CustomStringConvertible {
    var status: Int32? {
        if case .exited(let status, _, _) = self { return status }
        return nil
    }

    var stderr: String {
        switch self {
        case .exited(_, _, let stderr), .stillRunning(_, let stderr): stderr
        }
    }

    var description: String {
        switch self {
        case .exited(let status, let stdout, let stderr):
            "exited \(status); stdout: \(stdout.debugDescription); stderr: \(stderr.debugDescription)"
        case .stillRunning(_, let stderr):
            "still running at the deadline; stderr: \(stderr.debugDescription)"
        }
    }
}
