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
        abstract: "Benchmark the Kafka binding against kcat on a local edm-broker and print figures.",
        discussion: """
            Starts edm-broker (found next to this executable) with 64-partition topics, so the \
            mock's per-partition retention cap keeps every message. Baselines run on the same \
            broker in the same run: kcat -P for the producer, kcat -C for the consumer.
            """)

    @Option(help: "Messages per throughput run.")
    var messages: Int = 200_000

    @Option(help: "Payload size in bytes.")
    var payloadSize: Int = 200

    func run() async throws {
        var logger = Logger(label: "edm-bench")
        logger.logLevel = .error
        let broker = try BrokerProcess.start(topics: KafkaBenchmark.topics.map { "\($0):\(KafkaBenchmark.partitions)" })
        defer { broker.stop() }
        var rows: [BenchRow] = []
        try await KafkaBenchmark(bootstrap: broker.bootstrap, messageCount: messages, payloadSize: payloadSize, logger: logger)
            .run(report: &rows)
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
