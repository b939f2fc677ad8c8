import Foundation

/// A child process with a chosen environment, its output captured in temporary files (not
/// pipes: a sibling process spawned concurrently by another test can inherit a pipe's write end
/// and hold back its end-of-file, while a file is complete the moment the child exits).
final class Spawned: @unchecked Sendable {
    enum Outcome {
        case exited(status: Int32, stdout: String, stderr: String)
        /// Still running at the deadline (then stopped); the output it had written by then.
        case stillRunning(stdout: String, stderr: String)
    }

    private let process = Process()
    private let stdoutFile: URL
    private let stderrFile: URL

    private init(executable: URL, arguments: [String], environment: [String: String]) throws {
        let base = FileManager.default.temporaryDirectory
            .appendingPathComponent("deployment-tests-\(UUID().uuidString)")
        stdoutFile = base.appendingPathExtension("stdout")
        stderrFile = base.appendingPathExtension("stderr")
        for file in [stdoutFile, stderrFile] {
            guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path])
            }
        }
        let out = try FileHandle(forWritingTo: stdoutFile)
        let err = try FileHandle(forWritingTo: stderrFile)
        defer {
            try? out.close()
            try? err.close()
        }
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(at: stdoutFile)
        try? FileManager.default.removeItem(at: stderrFile)
    }

    private var output: (stdout: String, stderr: String) {
        let read = { (file: URL) in String(decoding: (try? Data(contentsOf: file)) ?? Data(), as: UTF8.self) }
        return (read(stdoutFile), read(stderrFile))
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
