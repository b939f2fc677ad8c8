import Foundation

/// Where `swift build` put the executables: the folder of the running test binary.
public enum BuiltProducts {
    public static var directory: URL {
        let executable = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        return executable.deletingLastPathComponent()
    }

    public static func executable(_ name: String) -> URL {
        directory.appendingPathComponent(name)
    }

    /// The repository root (for scripts under `scripts/`).
    public static var repositoryRoot: URL {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url
    }
}
