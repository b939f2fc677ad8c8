import ArgumentParser
import EDMKafka
import Foundation
import Logging

/// `make bench`: measures our parts against baselines run in the same process and run, and
/// prints one table with ratios. Figures, not pass/fail: targets are read from the table.
@main
struct EDMBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edm-bench",
        abstract: "Benchmark the binding and the services against same-run baselines and print one table.",
        discussion: """
            Starts edm-broker (found next to this executable) and, for stats, a throwaway \
            PostgreSQL (scripts/test-postgres.sh). Baselines run on the same broker in the same \
            run: kcat -P/-C for the binding, the raw producer for the relay, a no-op route on the \
            same server for single requests, the raw consumer for stats ingest. Build everything \
            in release mode first (make bench does).
            """)

    @Option(help: "Messages per throughput run.")
    var messages: Int = 200_000

    @Option(help: "Payload size in bytes.")
    var payloadSize: Int = 200

    @Option(help: "Comma-separated parts to run: kafka, relay, stats, stream, alerts, dashboard, decode, registry, tracing (last: it bootstraps a tracer).")
    var only: String = "kafka,relay,stats,stream,alerts,dashboard,decode,registry,tracing"

    @Option(help: "A relay executable built without tracing, for the tracing part's before/after rows.")
    var baselineRelay: String?

    func run() async throws {
        var logger = Logger(label: "edm-bench")
        logger.logLevel = .error
        let broker = try BrokerProcess.start(
            topics: KafkaBenchmark.topics.map { "\($0):\(KafkaBenchmark.partitions)" } + StreamBenchmark.brokerTopics)
        defer { broker.stop() }
        let parts = Set(only.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) })
        var rows: [BenchRow] = []
        if parts.contains("kafka") {
            try await KafkaBenchmark(bootstrap: broker.bootstrap, messageCount: messages, payloadSize: payloadSize, logger: logger)
                .run(report: &rows)
        }
        if parts.contains("relay") {
            try await RelayBenchmark().run(bootstrap: broker.bootstrap, report: &rows)
        }
        if parts.contains("stats") {
            let database = try BenchPostgres.start()
            defer { database.stop() }
            try await StatsBenchmark().run(bootstrap: broker.bootstrap, databaseURL: database.url, report: &rows)
        }
        if parts.contains("stream") {
            try await StreamBenchmark().run(bootstrap: broker.bootstrap, report: &rows)
        }
        if parts.contains("alerts") {
            try await AlertsBenchmark().run(bootstrap: broker.bootstrap, report: &rows)
        }
        if parts.contains("dashboard") {
            try await DashboardBenchmark().run(report: &rows)
        }
        if parts.contains("decode") {
            try DecodeBenchmark().run(report: &rows)
        }
        if parts.contains("registry") {
            try RegistryBenchmark().run(report: &rows)
        }
        if parts.contains("tracing") {
            let database = try BenchPostgres.start()
            defer { database.stop() }
            try await TracingBenchmark(baselineRelay: baselineRelay)
                .run(bootstrap: broker.bootstrap, databaseURL: database.url, report: &rows)
        }
        print(Table.render(rows))
    }
}

/// The edm-broker child process the benchmark talks to.
struct BrokerProcess {
    let process: Process
    let bootstrap: String

    static func start(topics: [String]) throws -> BrokerProcess {
        let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("edm-broker")
        let process = Process()
        process.executableURL = executable
        process.arguments = topics.flatMap { ["--topic", $0] }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        var line = Data()
        while true {
            let byte = output.fileHandleForReading.readData(ofLength: 1)
            guard !byte.isEmpty else { throw BenchError("edm-broker exited before printing its address") }
            if byte == Data("\n".utf8) { break }
            line.append(byte)
        }
        return BrokerProcess(process: process, bootstrap: String(decoding: line, as: UTF8.self))
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

/// A throwaway PostgreSQL for the stats benchmark, via the repository's test script.
struct BenchPostgres {
    let directory: String
    let url: String
    let script: String

    static func start() throws -> BenchPostgres {
        // The repository root: the nearest folder above the executable holding Package.swift
        // (.build/release is a symlink to .build/<triple>/release).
        var root = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        while !FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path) {
            guard root.path != "/" else { throw BenchError("no Package.swift above \(CommandLine.arguments[0])") }
            root.deleteLastPathComponent()
        }
        let script = root.appendingPathComponent("scripts/test-postgres.sh").path
        let directory = "/tmp/edm-bench-pg-\(getpid())"
        let port = try freePort()
        let output = try capture(script, ["start", directory, String(port)])
        return BenchPostgres(directory: directory, url: output.trimmingCharacters(in: .whitespacesAndNewlines), script: script)
    }

    func stop() {
        _ = try? BenchPostgres.capture(script, ["stop", directory])
    }

    static func capture(_ executable: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.standardError
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("\(executable) \(arguments) failed") }
        return String(decoding: data, as: UTF8.self)
    }

    static func freePort() throws -> Int {
        let output = try capture("/usr/bin/python3", ["-c", "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"])
        guard let port = Int(output.trimmingCharacters(in: .whitespacesAndNewlines)) else { throw BenchError("no free port") }
        return port
    }
}
