import EDMKafka
import Foundation
import Testing
import TestSupport

/// Record headers through edm-broker: our consumer and kafka-python (a client we did not write)
/// read exactly what our producer wrote, and our consumer reads kafka-python's headers.
@Suite("Record headers")
struct HeaderInteropTests {
    static let python = "/usr/bin/python3"
    static let headers = [
        KafkaHeader(key: "event-type", value: "click"),
        KafkaHeader(key: "empty", value: []),
        KafkaHeader(key: "null", value: nil),
        KafkaHeader(key: "binary", value: [0x00, 0xFF, 0x10]),
        KafkaHeader(key: "repeated", value: "1"),
        KafkaHeader(key: "repeated", value: "2"),
    ]

    @Test("headers are read back exactly, values that are not JSON untouched; records without headers have none")
    func roundTrip() async throws {
        let broker = try await TestBroker(topics: ["hdr:2"])
        let producer = try producer(broker.bootstrapServers)
        let results = await producer.send([
            KafkaOutgoingMessage(topic: "hdr", key: Array("k1".utf8), value: [0xFF, 0x00], headers: Self.headers),
            KafkaOutgoingMessage(topic: "hdr", key: "k2", value: "plain"),
        ])
        #expect(results.allSatisfy { (try? $0.get()) != nil })
        await producer.close()
        let consumer = try groupConsumer(broker.bootstrapServers, group: uniqueName("g"), topics: ["hdr"])
        let received = try await collect(consumer, count: 2)
        await consumer.close()
        let withHeaders = try #require(received.first { $0.keyString == "k1" })
        #expect(withHeaders.headers == Self.headers)
        #expect(withHeaders.value == [0xFF, 0x00])
        #expect(withHeaders.headers.string(named: "repeated") == "2")
        #expect(withHeaders.headers.header(named: "null")?.value == nil)
        #expect(withHeaders.headers.header(named: "null") != nil)
        #expect(withHeaders.headers.string(named: "binary") == nil)
        #expect(received.first { $0.keyString == "k2" }?.headers == [])
    }

    static let pythonReader = """
        import json, sys
        from kafka import KafkaConsumer
        consumer = KafkaConsumer(sys.argv[2], bootstrap_servers=sys.argv[1], auto_offset_reset="earliest",
                                 consumer_timeout_ms=15000, group_id=None)
        out = []
        for record in consumer:
            out.append({"key": record.key.decode(), "headers": [[k, None if v is None else list(v)] for k, v in record.headers]})
            if len(out) == int(sys.argv[3]):
                break
        print(json.dumps(out))
        """

    @Test("kafka-python reads our headers, byte for byte and in order")
    func kafkaPythonReads() async throws {
        let broker = try await TestBroker(topics: ["hdr-py:1"])
        let producer = try producer(broker.bootstrapServers)
        _ = try await producer.send(KafkaOutgoingMessage(topic: "hdr-py", key: "k1", value: "v", headers: Self.headers))
        await producer.close()
        let result = try await runCommand(Self.python, ["-c", Self.pythonReader, broker.bootstrapServers, "hdr-py", "1"])
        try #require(result.status == 0, "kafka-python failed: \(result.stderr)")
        let records = try JSONDecoder().decode([ReadRecord].self, from: result.stdout)
        #expect(records.count == 1)
        #expect(records.first?.headers == Self.headers)
    }
}

/// One record as the Python script prints it: headers as `[name, bytes-or-null]` pairs.
struct ReadRecord: Decodable {
    let key: String
    let headers: [KafkaHeader]

    enum CodingKeys: CodingKey { case key, headers }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decode(String.self, forKey: .key)
        var pairs = try container.nestedUnkeyedContainer(forKey: .headers)
        var headers: [KafkaHeader] = []
        while !pairs.isAtEnd {
            var pair = try pairs.nestedUnkeyedContainer()
            let name = try pair.decode(String.self)
            let value = try pair.decodeIfPresent([UInt8].self)
            headers.append(KafkaHeader(key: name, value: value))
        }
        self.headers = headers
    }
}
