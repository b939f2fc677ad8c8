import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A PostgreSQL server for integration tests: `EDM_TEST_DATABASE_URL` when set (the Makefile
/// sets it), otherwise one throwaway cluster per test process, started on first use by
/// `scripts/test-postgres.sh` and stopped when the process exits.
public enum TestPostgres {
    /// URL of a server the tests may create databases on (its database is shared: prefer
    /// `freshDatabase()` for anything that creates tables).
    public static func databaseURL() async throws -> String {
        if let url = ProcessInfo.processInfo.environment["EDM_TEST_DATABASE_URL"], !url.isEmpty {
            return url
        }
        let startup = registry.withLock { registry in
            if let startup = registry.startup { return startup }
            let startup = Task { try await startCluster() }
            registry.startup = startup
            return startup
        }
        return try await startup.value
    }

    /// Creates an empty database with a unique name and returns its URL, so tests running in
    /// parallel never see each other's tables. Dropped at exit when the server is not ours.
    public static func freshDatabase() async throws -> String {
        let base = try await databaseURL()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        try await psql(base, ["-c", "CREATE DATABASE \(name)"])
        let registerHook = registry.withLock { registry in
            registry.createdDatabases.append(name)
            registry.serverURL = base
            defer { registry.exitHookRegistered = true }
            return !registry.exitHookRegistered
        }
        if registerHook { atexit { TestPostgres.cleanUpAtExit() } }
        guard var components = URLComponents(string: base) else {
            throw TestPostgresError.failed("cannot parse the test database URL")
        }
        components.path = "/" + name
        guard let url = components.string else {
            throw TestPostgresError.failed("cannot build the test database URL")
        }
        return url
    }

    /// Runs SQL through psql (for fixtures and for poking at the server from outside the
    /// binding under test).
    @discardableResult
    public static func psql(_ url: String, _ arguments: [String]) async throws -> String {
        let result = try await runCommand(
            "/usr/bin/env", ["psql", url, "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1"] + arguments)
        guard result.status == 0 else {
            throw TestPostgresError.failed("psql failed (status \(result.status)): \(result.stderr)")
        }
        return String(decoding: result.stdout, as: UTF8.self)
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago (bind to port 0, read it back).
    public static func freePort() throws -> Int {
        #if canImport(Glibc)
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        #else
        let descriptor = socket(AF_INET, SOCK_STREAM, 0)
        #endif
        guard descriptor >= 0 else { throw TestPostgresError.failed("socket() failed: errno \(errno)") }
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) }
        }
        guard bound == 0 else { throw TestPostgresError.failed("bind() failed: errno \(errno)") }
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        guard named == 0 else { throw TestPostgresError.failed("getsockname() failed: errno \(errno)") }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static var script: String {
        BuiltProducts.repositoryRoot.appendingPathComponent("scripts/test-postgres.sh").path
    }

    private static let directoryPrefix = "edm-test-pg-"

    private static func startCluster() async throws -> String {
        removeStaleClusters()
        var lastError = ""
        // A port found free can be taken before the server binds it: retry on a new one.
        for _ in 0..<3 {
            let port = try freePort()
            let directory = "/tmp/\(directoryPrefix)\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            registry.withLock { $0.directory = directory }
            let result = try await runCommand("/bin/bash", [script, "start", directory, String(port)], timeout: .seconds(60))
            if result.status == 0 {
                let registerHook = registry.withLock { registry in
                    defer { registry.exitHookRegistered = true }
                    return !registry.exitHookRegistered
                }
                if registerHook { atexit { TestPostgres.cleanUpAtExit() } }
                return String(decoding: result.stdout, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            }
            lastError = result.stderr
            _ = try? await runCommand("/bin/bash", [script, "stop", directory])
            registry.withLock { $0.directory = nil }
        }
        throw TestPostgresError.failed("could not start a test PostgreSQL cluster: \(lastError)")
    }

    /// Clusters left behind by test processes that crashed (their pid is in the name).
    private static func removeStaleClusters() {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/tmp") else { return }
        for entry in entries where entry.hasPrefix(directoryPrefix) {
            let rest = entry.dropFirst(directoryPrefix.count)
            guard let pid = rest.split(separator: "-").first.flatMap({ pid_t($0) }), pid != getpid() else { continue }
            if kill(pid, 0) == -1 && errno == ESRCH {
                spawnAndWait("/bin/bash", [script, "stop", "/tmp/\(entry)"])
            }
        }
    }

    /// Runs from `atexit`: synchronous, no Foundation Process (its monitoring thread may be
    /// gone by now).
    static func cleanUpAtExit() {
        let (directory, databases, serverURL) = registry.withLock { registry in
            let state = (registry.directory, registry.createdDatabases, registry.serverURL)
            registry.directory = nil
            registry.createdDatabases = []
            return state
        }
        if let directory {
            // Our own cluster: removing it removes its databases.
            spawnAndWait("/bin/bash", [script, "stop", directory])
        } else if let serverURL, !databases.isEmpty {
            let drops = databases.flatMap { ["-c", "DROP DATABASE IF EXISTS \($0) WITH (FORCE)"] }
            spawnAndWait("/usr/bin/env", ["psql", serverURL, "-X", "-q"] + drops)
        }
    }

    private static func spawnAndWait(_ path: String, _ arguments: [String]) {
        let argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var pid: pid_t = 0
        guard posix_spawn(&pid, path, nil, nil, argv, environ) == 0 else { return }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
    }
}

public enum TestPostgresError: Error, CustomStringConvertible {
    case failed(String)

    public var description: String {
        switch self {
        case .failed(let message): message
        }
    }
}

/// Process-wide state of the test cluster, shared by every test and read by the atexit hook.
private final class ClusterRegistry: @unchecked Sendable {
    private let lock = NSLock()
    var startup: Task<String, any Error>?
    var directory: String?
    var createdDatabases: [String] = []
    var serverURL: String?
    var exitHookRegistered = false

    func withLock<T>(_ body: (ClusterRegistry) throws -> T) rethrows -> T {
        try lock.withLock { try body(self) }
    }
}

private let registry = ClusterRegistry()
