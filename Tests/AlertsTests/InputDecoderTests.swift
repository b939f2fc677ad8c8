@testable import AlertsService
import EDMEvents
import EDMKafka
import Foundation
import Testing

/// Alerts projects each record straight to its rule keys (no envelope); it must decide every
/// record as the shared decoder's envelopes would: the same events, keys, times and skip reasons.
@Suite struct InputDecoderTests {
    let names: KafkaNames
    let rules: [AlertRule]
    let decoder: InputDecoder
    let records: EventRecordDecoder

    init() throws {
        names = try KafkaNames(prefix: "t.", registry: .all)
        rules = DefaultRules.rules + [
            Fixtures.rule(#"{"name": "by-source", "eventType": "click", "key": "source", "window": "10s", "warning": 1, "critical": 2}"#),
            Fixtures.rule(
                #"{"name": "described", "eventType": "click", "where": {"description": ["Add to cart", "Buy"]}, "key": "type", "window": "10s", "warning": 1, "critical": 2}"#),
            Fixtures.rule(#"{"name": "by-url", "eventType": "pageload", "key": "url", "window": "10s", "warning": 1, "critical": 2}"#),
        ]
        decoder = InputDecoder(names: names, rules: rules)
        records = EventRecordDecoder(names: names)
    }

    func message(_ topic: String, _ value: String?, offset: Int64 = 7) -> KafkaMessage {
        KafkaMessage(
            topic: topic, partition: 1, offset: offset, key: nil, value: value.map { Array($0.utf8) },
            timestampMilliseconds: Fixtures.base + 456, headers: [])
    }

    /// What the envelope path gives: the shared decoder's envelope, matched rule by rule.
    func expected(_ message: KafkaMessage) -> Result<MatchedEvent, SkipReason> {
        records.decode(
            EventRecord(
                topic: message.topic, partition: message.partition, offset: message.offset, value: message.value,
                timestampMilliseconds: message.timestampMilliseconds)
        ).map { envelope in
            let time = EventTimePolicy.standard.bucketTime(occurredAt: envelope.occurredAt, receivedAt: envelope.receivedAt)
            return MatchedEvent(
                eventTime: EventTimestamp.milliseconds(from: time),
                receivedAt: EventTimestamp.milliseconds(from: envelope.receivedAt), keys: rules.map { $0.key(of: envelope) })
        }
    }

    static func json(_ event: EventEnvelope) -> String { String(decoding: event.jsonData(), as: UTF8.self) }

    static let bot = "Googlebot/2.1 (+http://www.google.com/bot.html)"

    @Test func canonicalEventsGiveEachRuleItsKey() throws {
        let click = Fixtures.click(session: "s-1", button: "the-camper's-kit", at: Fixtures.base)
        let matched = try decoder.decode(message("t.edm-ui-click", Self.json(click))).get()
        #expect(matched.keys == ["s-1", nil, "the-camper's-kit", nil, "v1", nil, nil])
        #expect(matched.eventTime == Fixtures.base && matched.receivedAt == Fixtures.base)
        let bot = Fixtures.pageLoad(session: "s-2", userAgent: Self.bot, at: Fixtures.base)
        #expect(try decoder.decode(message("t.edm-ui-pageload", Self.json(bot))).get().keys == [
            nil, "*", nil, "*", nil, nil, "https://shop.example.com/",
        ])
        let human = Fixtures.pageLoad(session: "s-3", at: Fixtures.base)
        #expect(try decoder.decode(message("t.edm-ui-pageload", Self.json(human))).get().keys[1] == nil)
    }

    @Test func everyRecordIsDecidedAsTheEnvelopePathDecidesIt() throws {
        let described = EventEnvelope(
            occurredAt: EventTimestamp.date(fromMilliseconds: Fixtures.base - 10 * 86_400_000),  // too old: receivedAt places it
            receivedAt: EventTimestamp.date(fromMilliseconds: Fixtures.base), sessionId: "s-4",
            properties: ClickProperties(buttonId: #"say "hi" \ café"#, description: "Buy"))
        let canonical = Self.json(described)
        // Whitespace sends a record down the general path.
        let pretty = String(
            decoding: try JSONSerialization.data(
                withJSONObject: try JSONSerialization.jsonObject(with: Data(canonical.utf8)), options: [.prettyPrinted]),
            as: UTF8.self)
        let legacy = #"{"topic":"edm-ui-click","uuid":"s-5","event_timestamp":1796083200123,"properties":{"button_id":"b","description":"Buy"}}"#
        let cases = [
            message("t.edm-ui-click", canonical),
            message("t.edm-ui-click", pretty),
            message("t.edm-ui-click", legacy),
            message("t.edm-ui-pageload", Self.json(Fixtures.pageLoad(session: "s-6", userAgent: Self.bot, at: Fixtures.base))),
            message("t.edm-ui-pageload", canonical),  // topic mismatch
            message("edm-ui-click", canonical),  // unknown topic
            message("t.edm-ui-click", nil),
            message("t.edm-ui-click", "[1,2,"),
            message("t.edm-ui-click", #"{"type":"purchase"}"#),
            message("t.edm-ui-click", #"{"type":"click","schemaVersion":9}"#),
            message("t.edm-ui-click", canonical.replacingOccurrences(of: "\"s-4\"", with: "\"\"")),  // invalid session
        ]
        var accepted = 0
        for message in cases {
            let result = decoder.decode(message)
            #expect(result == expected(message), "\(message.valueString ?? "tombstone")")
            if case .success = result { accepted += 1 }
        }
        #expect(accepted == 4)
        let skipped = cases.map { decoder.decode($0) }.compactMap { result -> SkipReason? in
            if case .failure(let reason) = result { return reason }
            return nil
        }
        #expect(skipped == [.topicMismatch, .unknownTopic, .tombstone, .malformedJSON, .unknownType, .unsupportedSchemaVersion, .invalidEvent])
        let general = try decoder.decode(message("t.edm-ui-click", pretty)).get()
        #expect(general.keys == ["s-4", nil, #"say "hi" \ café"#, nil, "v1", "click", nil])
        #expect(general.eventTime == Fixtures.base)
        #expect(try decoder.decode(message("t.edm-ui-click", legacy)).get().keys[4] == "legacy")
    }

    @Test func largeBatchesAreDecodedInHalvesInOrder() async throws {
        let batch = (0..<1_200).map { index in
            message("t.edm-ui-click", Self.json(Fixtures.click(session: "s-\(index)", at: Fixtures.base + Int64(index))), offset: Int64(index))
        }
        let results = await decoder.decode(batch)
        #expect(try results.map { try $0.get().keys[0] } == (0..<1_200).map { "s-\($0)" })
    }
}
