import Foundation
import Testing
import TestSupport

/// `make run` itself (scripts/run.sh), in its timed mode: it must bring the system up, show
/// counted traffic on the dashboard, and leave nothing running when it ends.
@Suite("make run", .serialized)
struct LocalRunTests {
    @Test("scripts/run.sh starts everything, the dashboard shows simulated traffic, every process it started is gone afterwards, and a second run adds to the counts")
    func runScriptStartsAndStopsTheSystem() async throws {
        let root = BuiltProducts.repositoryRoot
        let devDirectory = "/tmp/" + uniqueName("edm-e2e-run")
        defer { try? FileManager.default.removeItem(atPath: devDirectory) }
        let ports = try (0..<5).map { _ in try TestPostgres.freePort() }
        let environment = [
            "EDM_DEV_DIR": devDirectory, "RUN_SKIP_BUILD": "1", "RUN_SECONDS": "8", "TRAFFIC_RATE": "40",
            "RELAY_PORT": String(ports[0]), "STATS_PORT": String(ports[1]), "STREAM_PORT": String(ports[2]),
            "PG_PORT": String(ports[3]), "ALERTS_PORT": String(ports[4]),
            "RUN_BUILD": BuiltProducts.directory.lastPathComponent, "TRAFFIC_SIGNUP_SHARE": "1",
        ]
        let run = try await runCommand(
            root.appendingPathComponent("scripts/run.sh").path, [], environment: environment, timeout: .seconds(180))
        let output = String(decoding: run.stdout, as: UTF8.self)
        #expect(run.status == 0, "run.sh exited \(run.status): \(run.stderr.suffix(3000))")

        // It printed where everything listens.
        #expect(run.stderr.contains("http://127.0.0.1:\(ports[0])"))
        #expect(run.stderr.contains("ws://127.0.0.1:\(ports[2])/v1/stream"))
        // The dashboard frame shows counted traffic of both built-in kinds and of the signup
        // type traffic-sim registered at runtime.
        let totals = try #require(output.split(separator: "\n").first { $0.hasPrefix("Totals") }, "no Totals line in: \(output)")
        let numbers = totals.split(separator: " ").compactMap { Int($0.replacingOccurrences(of: ",", with: "")) }
        #expect(numbers.count == 3 && numbers.allSatisfy { $0 > 0 } && totals.contains("signup"), "\(totals)")
        // traffic-sim's closing summary: everything it sent was accepted.
        let summaryLine = try #require(run.stderr.split(separator: "\n").last { $0.hasPrefix("traffic-sim summary:") })
        #expect(summaryLine.contains("\"failed\":0"), "\(summaryLine)")
        // It registered the signup type with the run's admin key, and its signups were accepted.
        #expect(summaryLine.contains("\"signup\":"), "\(summaryLine)")
        #expect(run.stderr.contains("stopped everything"))

        // Nothing it started is still running: its services, and PostgreSQL.
        let pidsLine = try #require(run.stderr.split(separator: "\n").first { $0.contains("pids") })
        let pids = pidsLine.split(separator: " ").compactMap { $0.split(separator: "=").last.flatMap { Int32($0) } }
        #expect(pids.count == 6, "\(pidsLine)")
        for pid in pids { #expect(kill(pid, 0) != 0, "process \(pid) is still running") }
        let status = try await runCommand(
            root.appendingPathComponent("scripts/dev-postgres.sh").path, ["status", devDirectory + "/postgres"])
        #expect(status.status != 0, "PostgreSQL is still running")
        for port in ports {
            #expect(!(try await isListening(port)), "something still listens on \(port)")
        }

        // Again on the same database with a new broker: the counts carry over and grow, because
        // stats itself moves the previous broker's stored positions (logged and recorded);
        // nothing deletes them behind its back.
        let again = try await runCommand(
            root.appendingPathComponent("scripts/run.sh").path, [], environment: environment, timeout: .seconds(180))
        #expect(again.status == 0, "the second run exited \(again.status): \(again.stderr.suffix(3000))")
        let secondOutput = String(decoding: again.stdout, as: UTF8.self)
        let secondTotals = try #require(secondOutput.split(separator: "\n").first { $0.hasPrefix("Totals") }, "\(secondOutput)")
        let secondNumbers = secondTotals.split(separator: " ").compactMap { Int($0.replacingOccurrences(of: ",", with: "")) }
        #expect(secondNumbers.reduce(0, +) > numbers.reduce(0, +), "\(totals) then \(secondTotals)")
        let statsLog = try String(contentsOfFile: devDirectory + "/logs/stats.log", encoding: .utf8)
        #expect(statsLog.contains("kind=beyond_end"), "no position reset in stats.log")
    }

    @Test("a port already in use is refused with the variable named, before anything starts")
    func busyPortIsNamed() async throws {
        let root = BuiltProducts.repositoryRoot
        let listener = try ChildProcess(
            executable: URL(fileURLWithPath: "/usr/bin/python3"),
            arguments: ["-c", "import socket,sys,time; s=socket.socket(); s.bind(('127.0.0.1',0)); s.listen(); print(s.getsockname()[1]); sys.stdout.flush(); time.sleep(60)"])
        let busy = try await listener.firstLine()
        let devDirectory = "/tmp/" + uniqueName("edm-e2e-busy")
        defer { try? FileManager.default.removeItem(atPath: devDirectory) }
        let run = try await runCommand(
            root.appendingPathComponent("scripts/run.sh").path, [],
            environment: ["EDM_DEV_DIR": devDirectory, "RUN_SKIP_BUILD": "1", "STATS_PORT": busy],
            timeout: .seconds(30))
        #expect(run.status != 0)
        #expect(run.stderr.contains("STATS_PORT"), "\(run.stderr)")
        let bad = try await runCommand(
            root.appendingPathComponent("scripts/run.sh").path, [], environment: ["RELAY_PORT": "http"], timeout: .seconds(30))
        #expect(bad.status != 0)
        #expect(bad.stderr.contains("RELAY_PORT"), "\(bad.stderr)")
    }

    private func isListening(_ port: Int) async throws -> Bool {
        let probe = try await runCommand(
            "/usr/bin/python3",
            ["-c", "import socket,sys; s=socket.socket(); sys.exit(0 if s.connect_ex(('127.0.0.1',\(port)))==0 else 1)"])
        return probe.status == 0
    }
}
