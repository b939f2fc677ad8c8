import EDMEvents
import Testing

@Suite("Topic and consumer group names")
struct KafkaNamesTests {
    @Test("without a prefix the names are the reference's")
    func unprefixed() throws {
        let names = try KafkaNames(prefix: nil)
        #expect(names.allTopics == EventRegistry.standard.kinds.map { $0.topicBase })
        #expect(names.allTopics.starts(with: ["edm-ui-click", "edm-ui-pageload"]))
        #expect(names.consumerGroup(.stream) == "edm-consumer-group-1")
        #expect(names.consumerGroup(.stats) == "edm-consumer-group-2")
        #expect(names.topic(for: Fixture.click()) == "edm-ui-click")
    }

    @Test("KAFKA_PREFIX is applied verbatim to topics and groups, not to event JSON")
    func prefixed() throws {
        let names = try KafkaNames(environment: ["KAFKA_PREFIX": "columbia-12345."])
        #expect(names.prefix == "columbia-12345.")
        #expect(names.topic(for: PageLoadProperties.self) == "columbia-12345.edm-ui-pageload")
        #expect(names.allTopics == EventRegistry.standard.kinds.map { "columbia-12345." + $0.topicBase })
        #expect(names.consumerGroup(.stats) == "columbia-12345.edm-consumer-group-2")
        let event = Fixture.click()
        #expect(names.topic(for: event) == "columbia-12345.edm-ui-click")
        #expect(event.legacyPayload()["topic"] == "edm-ui-click")
    }

    @Test("prefixed topics map back to their kind; foreign topics do not")
    func reverseMapping() throws {
        let names = try KafkaNames(prefix: "columbia-12345.")
        #expect(names.kind(forTopic: "columbia-12345.edm-ui-click").map(ObjectIdentifier.init) == ObjectIdentifier(ClickProperties.self))
        #expect(names.kind(forTopic: "columbia-12345.edm-ui-pageload")?.eventType == "pageload")
        #expect(names.kind(forTopic: "edm-ui-click") == nil)
        #expect(names.kind(forTopic: "other-99.edm-ui-click") == nil)
        #expect(names.kind(forTopic: "columbia-12345.edm-ui-purchase") == nil)
        #expect(names.unprefixed("columbia-12345.edm-ui-click") == "edm-ui-click")
        #expect(try KafkaNames(prefix: "").kind(forTopic: "edm-ui-click")?.eventType == "click")
    }

    @Test("blank or whitespace-padded prefixes are normalized")
    func blank() throws {
        #expect(try KafkaNames(environment: ["KAFKA_PREFIX": "  "]).prefix == "")
        #expect(try KafkaNames(environment: [:]).prefix == "")
        #expect(try KafkaNames(prefix: " tenant-1.\n").prefix == "tenant-1.")
    }

    @Test("prefixes Kafka would reject fail at start-up", arguments: ["bad prefix.", "tenant/1.", "ü.", String(repeating: "a", count: 240)])
    func illegal(prefix: String) {
        #expect(throws: KafkaNamesError.self) { try KafkaNames(prefix: prefix) }
    }

    @Test("consumer groups are extensible constants")
    func groups() {
        #expect(ConsumerGroup.stream.rawValue == "edm-consumer-group-1")
        #expect(ConsumerGroup.stats.rawValue == "edm-consumer-group-2")
        #expect(ConsumerGroup(rawValue: "edm-archiver").description == "edm-archiver")
    }
}
