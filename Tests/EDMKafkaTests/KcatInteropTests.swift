import EDMKafka
import Foundation
import Testing
import TestSupport

/// Interoperability with a Kafka client we did not write (kcat, librdkafka's CLI).
@Suite("kcat interoperability")
struct KcatInteropTests {
    static let kcat = "/usr/bin/kcat"

    @Test("messages from our producer are read by kcat with exact keys and values")
    func ourProducerKcatConsumer() async throws {
        let broker = try await TestBroker(topics: ["interop-out:2"])
        let producer = try producer(broker.bootstrapServers)
        let outgoing = (0..<50).map {
            KafkaOutgoingMessage(topic: "interop-out", key: "k\($0)", value: "v\($0) with spaces, commas & ünïcödé")
        }
        let results = await producer.send(outgoing)
        #expect(results.allSatisfy { (try? $0.get()) != nil })
        await producer.close()

        let (status, output, stderr) = try await runCommand(
            Self.kcat, ["-C", "-b", broker.bootstrapServers, "-t", "interop-out", "-o", "beginning", "-e", "-q", "-f", "%k\t%s\n"])
        #expect(status == 0, "\(stderr)")
        let lines = Set(String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init))
        #expect(lines == Set((0..<50).map { "k\($0)\tv\($0) with spaces, commas & ünïcödé" }))
    }

    @Test("messages from kcat are read by our consumer")
    func kcatProducerOurConsumer() async throws {
        let broker = try await TestBroker(topics: ["interop-in:3"])
        let input = (0..<30).map { "key\($0)|payload \($0) {\"json\": true}" }.joined(separator: "\n") + "\n"
        let (status, _, stderr) = try await runCommand(
            Self.kcat, ["-P", "-b", broker.bootstrapServers, "-t", "interop-in", "-K", "|"], stdin: Data(input.utf8))
        #expect(status == 0, "\(stderr)")
        let consumer = try groupConsumer(broker.bootstrapServers, group: uniqueName("g"), topics: ["interop-in"])
        let received = try await collect(consumer, count: 30)
        #expect(Set(received.map { "\($0.keyString!)|\($0.valueString!)" })
            == Set((0..<30).map { "key\($0)|payload \($0) {\"json\": true}" }))
        await consumer.close()
    }
}
