import Foundation

/// A child process for integration tests: started with its own stdout captured line by line,
/// killed when the test drops it so nothing outlives the test.
public final class ChildProcess: @unchecked Sendable {
    public let process = Process()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()
    private let lock = NSLock()
    private var stdoutBuffer = Data()
    private var stderrBuffer = Data()

    public init(
        executable: URL, arguments: [String] = [], environment: [String: String]? = nil
    ) throws {
        process.executableURL = executable
        process.arguments = arguments
        if let environment {
            process.environment = environment
        }
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        process.standardInput = FileHandle.nullDevice
        stdoutPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.withLock { self.stdoutBuffer.append(data) }
        }
        stderrPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            guard let self else { return }
            self.lock.withLock { self.stderrBuffer.append(data) }
        }
        try process.run()
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        stdoutPipe.fileHandleForReading.readabilityHandler = nil
        stderrPipe.fileHandleForReading.readabilityHandler = nil
    }

    public var standardOutput: String {
        lock.withLock { String(decoding: stdoutBuffer, as: UTF8.self) }
    }

    public var standardError: String {
        lock.withLock { String(decoding: stderrBuffer, as: UTF8.self) }
    }

    /// Waits until stdout holds a complete first line and returns it.
    public func firstLine(timeout: Duration = .seconds(20)) async throws -> String {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let output = standardOutput
            if let newline = output.firstIndex(of: "\n") {
                return String(output[..<newline])
            }
            if !process.isRunning {
                throw ChildProcessError.exitedEarly(status: process.terminationStatus, stderr: standardError)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ChildProcessError.timedOut(what: "first stdout line", stderr: standardError)
    }

    public func signal(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for exit without blocking the cooperative pool; returns the exit status.
    public func waitForExit(timeout: Duration = .seconds(20)) async throws -> Int32 {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline {
                throw ChildProcessError.timedOut(what: "exit", stderr: standardError)
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        return process.terminationStatus
    }
}

public enum ChildProcessError: Error, CustomStringConvertible {
    case exitedEarly(status: Int32, stderr: String)
    case timedOut(what: String, stderr: String)

    public var description: String {
        switch self {
        case .exitedEarly(let status, let stderr): "child exited early with status \(status): \(stderr)"
        case .timedOut(let what, let stderr): "timed out waiting for \(what); stderr: \(stderr)"
        }
    }
}

/// Runs a command to completion (for tools such as kcat) and returns status and output.
public func runCommand(
    _ executable: String, _ arguments: [String], stdin: Data? = nil, environment: [String: String]? = nil,
    timeout: Duration = .seconds(30)
) async throws -> (status: Int32, stdout: Data, stderr: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    if let environment {
        // Added to this process's environment (PATH and friends stay).
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    }
    let output = try CapturedOutput()
    let handles = try output.attach(to: process)
    let input = Pipe()
    process.standardInput = stdin == nil ? FileHandle.nullDevice : input
    try process.run()
    try? handles.stdout.close()
    try? handles.stderr.close()
    if let stdin {
        input.fileHandleForWriting.write(stdin)
        try input.fileHandleForWriting.close()
    }
    let deadline = ContinuousClock.now + timeout
    while process.isRunning {
        if ContinuousClock.now >= deadline {
            process.terminate()
            throw ChildProcessError.timedOut(what: "\(executable) \(arguments)", stderr: output.stderr)
        }
        try await Task.sleep(for: .milliseconds(10))
    }
    return (process.terminationStatus, output.stdout, output.stderr)
}
