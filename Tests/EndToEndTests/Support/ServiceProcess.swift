import AsyncHTTPClient
import Foundation
import TestSupport

/// One of the built service executables (relay, stats, stream) running as its own process on a
/// free port, as in production: configured only through environment variables.
struct ServiceProcess {
    let name: String
    let port: Int
    let child: ChildProcess

    var baseURL: String { "http://127.0.0.1:\(port)" }

    static func start(
        _ name: String, arguments: [String] = [], environment extra: [String: String], http: HTTPClient, port: Int? = nil
    ) async throws -> ServiceProcess {
        let port = try port ?? TestPostgres.freePort()
        var environment = ProcessInfo.processInfo.environment
        environment.merge(["PORT": String(port), "HOST": "127.0.0.1", "LOG_LEVEL": "warning"]) { _, new in new }
        environment.merge(extra) { _, new in new }
        let child = try ChildProcess(
            executable: BuiltProducts.executable(name), arguments: arguments, environment: environment)
        let service = ServiceProcess(name: name, port: port, child: child)
        let ready = try await eventually(timeout: .seconds(60)) {
            guard child.process.isRunning else { return true }
            return (try? await http.get(service.baseURL + "/ready").status) == 200
        }
        guard ready, child.process.isRunning else {
            throw EndToEndError("\(name) did not become ready (exit \(child.process.isRunning ? "none" : String(child.process.terminationStatus))): \(child.standardError.suffix(2000))")
        }
        return service
    }

    /// SIGTERM, as Heroku and `make run` stop a process; returns the exit status.
    func terminate() async throws -> Int32 {
        child.signal(SIGTERM)
        return try await child.waitForExit(timeout: .seconds(30))
    }
}
