import EDMEvents
import Foundation
import Testing

/// Hostile and broken input must end in an error value, never a trap: one bad message must not
/// crash-loop a consumer (the reference stats service did exactly that).
@Suite("Garbage input never traps")
struct RobustnessTests {
    let parser = Fixture.parser

    /// Runs every entry point on `data`; returns true when any accepted it.
    @discardableResult
    func feed(_ data: Data) -> Bool {
        var accepted = false
        for source in EventSource.allCases {
            for type in ["click", "pageload", nil] as [String?] {
                if parser.parse(json: data, type: type, source: source, receivedAt: Fixture.receivedAt).success != nil {
                    accepted = true
                }
            }
        }
        if (try? EventEnvelope.decode(from: data)) != nil { accepted = true }
        return accepted
    }

    @Test("random bytes are rejected")
    func randomBytes() {
        var generator = SeededGenerator(seed: 0xED5)
        for _ in 0..<1500 {
            let count = Int.random(in: 0...200, using: &generator)
            let bytes = (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(!feed(Data(bytes)))
        }
    }

    @Test("random JSON-ish token soup is rejected or parsed, never trapped on")
    func tokenSoup() {
        let tokens = ["{", "}", "[", "]", ",", ":", "\"a\"", "\"type\"", "\"click\"", "1", "-0.5e3", "true", "null", " ", "\"\\u", "\\", "\u{FF}"]
        var generator = SeededGenerator(seed: 7)
        for _ in 0..<1500 {
            let text = (0..<Int.random(in: 1...40, using: &generator)).map { _ in tokens.randomElement(using: &generator)! }.joined()
            feed(Data(text.utf8))
        }
    }

    @Test("every truncation and single-byte corruption of valid events is handled")
    func mutations() throws {
        let valid = [
            Fixture.click().jsonData(), Fixture.pageLoad().jsonData(),
            LegacyMappingTests.legacyClick("the-camper's-kit").serialized(),
        ]
        var generator = SeededGenerator(seed: 99)
        for data in valid {
            #expect(feed(data))
            for length in 0..<data.count {
                #expect(!feed(data.prefix(length)))
            }
            for _ in 0..<300 {
                var bytes = [UInt8](data)
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
                feed(Data(bytes))
            }
        }
    }

    @Test("non-UTF-8 inside strings is a syntax error with its offset")
    func nonUTF8() {
        var body = Array(#"{"occurredAt":"2024-05-01T12:00:00Z","sessionId":"s","properties":{"buttonId":"b"#.utf8)
        let offset = body.count
        body += [0xC3, 0x28] + Array(#""}}"#.utf8)
        guard case .malformedJSON(let error)? = parser.parse(json: Data(body), type: "click", source: .v1, receivedAt: Fixture.receivedAt).failure
        else {
            Issue.record("expected malformedJSON")
            return
        }
        #expect(error.offset == offset)
        #expect(throws: EventDecodingError.self) { try EventEnvelope.decode(from: Data(body)) }
    }

    @Test("deep nesting is rejected quickly", arguments: [65, 10_000, 1_000_000])
    func nested(depth: Int) {
        let arrays = Data(repeating: UInt8(ascii: "["), count: depth)
        #expect(!feed(arrays))
        let objects = Data(String(repeating: #"{"a":"#, count: depth).utf8)
        #expect(!feed(objects))
        var extras = Array(#"{"topic":"edm-ui-click","uuid":"s","event_timestamp":1714564800123,"x":"#.utf8)
        extras += Array(repeating: UInt8(ascii: "["), count: depth) + Array(repeating: UInt8(ascii: "]"), count: depth)
        extras += Array(#","properties":{"button_id":"b"}}"#.utf8)
        #expect(parser.parse(json: Data(extras), type: "click", source: .legacy, receivedAt: Fixture.receivedAt).success == nil)
    }

    /// Numbers by name, so the test log stays readable.
    static let namedNumbers: [String: String] = [
        "overflowing exponent": "1e999999", "negative overflowing exponent": "-1e999999",
        "5000 nines": String(repeating: "9", count: 5000), "401 digits with fraction": "1" + String(repeating: "0", count: 400) + ".5",
        "Int64.max + 1": "9223372036854775808", "Int64.min - 1": "-9223372036854775809",
        "underflowing exponent": "1e-999999", "tiny": "0.0000000001",
    ]

    @Test("huge and odd numbers are errors or violations", arguments: namedNumbers.keys.sorted())
    func hugeNumbers(name: String) {
        let number = Self.namedNumbers[name] ?? ""
        for field in ["occurredAt", "sessionId", "schemaVersion", "properties"] {
            var members = Fixture.clickRequest.mapValues { $0.serialized() }
            members[field] = Data(number.utf8)
            let body = "{" + members.map { "\"\($0.key)\":" + String(decoding: $0.value, as: UTF8.self) }.joined(separator: ",") + "}"
            #expect(parser.parse(json: Data(body.utf8), type: "click", source: .v1, receivedAt: Fixture.receivedAt).success == nil)
        }
        let legacy = #"{"topic":"edm-ui-click","uuid":"s","event_timestamp":"# + number + #","properties":{"button_id":"b"}}"#
        #expect(parser.parse(json: Data(legacy.utf8), type: "click", source: .legacy, receivedAt: Fixture.receivedAt).success == nil)
        let quoted = #"{"topic":"edm-ui-click","uuid":"s","event_timestamp":""# + number + #"","properties":{"button_id":"b"}}"#
        #expect(parser.parse(json: Data(quoted.utf8), type: "click", source: .legacy, receivedAt: Fixture.receivedAt).success == nil)
    }

    @Test("wrong JSON types in every envelope field are violations")
    func wrongTypes() {
        let base = Fixture.click().jsonValue.objectValue!
        for key in base.keys {
            for replacement: JSONValue in [nil, true, 1, 1.5, "x", [], [:]] {
                var value = base
                value[key] = replacement
                if value == base || (key == "sessionId" && replacement.stringValue != nil) { continue }
                #expect((try? EventEnvelope.decode(.object(value))) == nil, "\(key) = \(replacement)")
            }
        }
    }
}
