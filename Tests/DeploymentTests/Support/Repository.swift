import Foundation

/// The repository's files as deployed: found from this file's own path, so the tests read the
/// checkout they were built from whatever the working directory is.
enum Repository {
    static let root: URL = {
        // Resolve symlinks first: a private package may link Tests/DeploymentTests elsewhere.
        var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent()
        while url.path != "/" {
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url
            }
            url.deleteLastPathComponent()
        }
        fatalError("no Package.swift above \(#filePath)")
    }()

    static func url(_ relativePath: String) -> URL {
        root.appendingPathComponent(relativePath)
    }

    static func exists(_ relativePath: String) -> Bool {
        FileManager.default.fileExists(atPath: url(relativePath).path)
    }

    static func isExecutable(_ relativePath: String) -> Bool {
        FileManager.default.isExecutableFile(atPath: url(relativePath).path)
    }

    static func text(_ relativePath: String) throws -> String {
        try String(contentsOf: url(relativePath), encoding: .utf8)
    }

    /// Every file under a folder whose name ends with `suffix`, sorted.
    static func files(under relativePath: String, endingWith suffix: String) -> [URL] {
        let base = url(relativePath)
        guard let enumerator = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else {
            return []
        }
        return enumerator.compactMap { $0 as? URL }
            .filter { $0.lastPathComponent.hasSuffix(suffix) && !$0.path.contains("/.terraform/") }
            .sorted { $0.path < $1.path }
    }
}
