import Foundation

/// A child's stdout and stderr captured in temporary files rather than pipes. A sibling process
/// spawned at the same moment by a parallel test can inherit a pipe's write end and hold back
/// its end-of-file for as long as it lives; a file is complete the moment the child exits.
public final class CapturedOutput: @unchecked Sendable {
    private let stdoutFile: URL
    private let stderrFile: URL

    public init() throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("edm-test-output-\(UUID().uuidString)")
        stdoutFile = base.appendingPathExtension("stdout")
        stderrFile = base.appendingPathExtension("stderr")
        for file in [stdoutFile, stderrFile] {
            guard FileManager.default.createFile(atPath: file.path, contents: nil) else {
                throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: file.path])
            }
        }
    }

    deinit {
        try? FileManager.default.removeItem(at: stdoutFile)
        try? FileManager.default.removeItem(at: stderrFile)
    }

    /// Points `process`'s stdout and stderr at the files; call before `run()`. The handles are
    /// closed in this process once the child has its own copies.
    public func attach(to process: Process) throws -> (stdout: FileHandle, stderr: FileHandle) {
        let out = try FileHandle(forWritingTo: stdoutFile)
        let err = try FileHandle(forWritingTo: stderrFile)
        process.standardOutput = out
        process.standardError = err
        return (out, err)
    }

    public var stdout: Data { (try? Data(contentsOf: stdoutFile)) ?? Data() }
    public var stderr: String { String(decoding: (try? Data(contentsOf: stderrFile)) ?? Data(), as: UTF8.self) }
}
