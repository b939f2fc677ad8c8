import EDMKafka
import Foundation
import Testing
import TestSupport

@Suite("edm-broker executable")
struct EDMBrokerTests {
    @Test("publishes its address on stdout and in the bootstrap file, creates topics, exits 0 on SIGTERM")
    func lifecycle() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("bootstrap")).path
        let broker = try await TestBroker(
            topics: ["orders:3", "audit:1"], brokers: 2, extraArguments: ["--bootstrap-file", file])
        #expect(broker.bootstrapServers.split(separator: ",").count == 2)
        #expect(try String(contentsOfFile: file, encoding: .utf8) == broker.bootstrapServers + "\n")

        let producer = try producer(broker.bootstrapServers)
        let counts = try await producer.partitionCounts(topics: ["orders", "audit"])
        #expect(counts == ["orders": 3, "audit": 1])
        await producer.close()

        #expect(try await broker.stop() == 0)
        #expect(!FileManager.default.fileExists(atPath: file))
    }

    @Test("the default topics are every event topic and the schema registry's, prefixed when asked")
    func defaultTopics() async throws {
        let broker = try await TestBroker(extraArguments: ["--prefix", "tenant-7."])
        let producer = try producer(broker.bootstrapServers)
        let counts = try await producer.partitionCounts()
        #expect(counts["tenant-7.edm-ui-click"] == 8)
        #expect(counts["tenant-7.edm-ui-pageload"] == 8)
        #expect(counts["tenant-7.edm-schemas"] == 8)
        await producer.close()
    }

    @Test("--help says data lives in memory with a retention cap and production uses KAFKA_URL")
    func help() async throws {
        let (status, output, _) = try await runCommand(BuiltProducts.executable("edm-broker").path, ["--help"])
        // Help text is wrapped to the terminal width: compare with whitespace folded.
        let text = String(decoding: output, as: UTF8.self).split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(status == 0)
        #expect(text.contains("in memory"))
        #expect(text.contains("5 MiB"))
        #expect(text.contains("KAFKA_URL"))
    }

    @Test("a malformed --topic is refused with a non-zero exit")
    func badTopic() async throws {
        let (status, _, stderr) = try await runCommand(BuiltProducts.executable("edm-broker").path, ["--topic", "nopartitions"])
        #expect(status != 0)
        #expect(stderr.contains("--topic"))
    }
}
