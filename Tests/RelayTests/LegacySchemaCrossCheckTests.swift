import EDMEvents
import Foundation
import HummingbirdTesting
import TestSupport
import Testing

@testable import RelayService

/// The legacy routes' schemas in `/openapi.json` accept exactly what the legacy validator
/// accepts, on the cases where the two are easiest to get apart: numeric-string timestamps,
/// the time window's lower bound and `null` for optional fields. Each payload goes to the relay
/// and to python3-jsonschema with the served schema; the verdicts must agree with each other
/// and with the expected one.
@Suite("Legacy schemas cross-checked with python3-jsonschema")
struct LegacySchemaCrossCheckTests {
    static let script = #"""
        import json, sys
        from jsonschema import Draft202012Validator
        data = json.load(open(sys.argv[1], encoding="utf-8"))
        root = {"components": data["components"], "$ref": "#/components/schemas/click.legacy"}
        validator = Draft202012Validator(root)
        json.dump([validator.is_valid(document) for document in data["documents"]], sys.stdout)
        """#

    static func payload(timestamp: JSONValue = 1_714_564_800_123, description: JSONValue = "Add to cart", buttonId: JSONValue = "b")
        -> JSONValue
    {
        [
            "topic": "edm-ui-click", "uuid": "s1", "event_timestamp": timestamp,
            "properties": ["button_id": buttonId, "description": description],
        ]
    }

    static let cases: [(name: String, document: JSONValue, accepted: Bool)] = [
        ("number", payload(), true),
        ("numeric string", payload(timestamp: "1714564800123"), true),
        ("JSON whitespace around", payload(timestamp: " 1714564800123\n"), true),
        ("byte order mark", payload(timestamp: "\u{FEFF}1714564800123"), true),
        ("exponent", payload(timestamp: "1.714564800123e12"), true),
        ("fraction", payload(timestamp: 1_714_564_800_123.7), true),
        ("leading zero", payload(timestamp: "01714564800123"), false),
        ("plus sign", payload(timestamp: "+1714564800123"), false),
        ("trailing dot", payload(timestamp: "1714564800123."), false),
        ("non-breaking space", payload(timestamp: "1714564800123\u{00A0}"), false),
        ("empty string", payload(timestamp: ""), false),
        ("before 2000", payload(timestamp: 946_684_799_999), false),
        ("2000 exactly", payload(timestamp: 946_684_800_000), true),
        ("null description", payload(description: .null), true),
        ("null button id", payload(buttonId: .null), false),
        ("control character", payload(description: "a\u{7}b"), false),
    ]

    @Test("python3-jsonschema and the relay give every legacy payload the same verdict")
    func verdictsAgree() async throws {
        let harness = try RelayHarness()
        let served = try await harness.run { client in
            var statuses: [Int] = []
            for sample in Self.cases {
                let body = String(decoding: sample.document.serialized(), as: UTF8.self)
                statuses.append(Int(try await client.post("/produceClickMessage", body).status.code))
            }
            return (document: try await client.get("/openapi.json").json, statuses: statuses)
        }
        for (sample, status) in zip(Self.cases, served.statuses) {
            #expect((status == 202) == sample.accepted, "relay on \(sample.name): \(status)")
        }

        let input: JSONValue = [
            "components": served.document["components"] ?? [:],
            "documents": .array(Self.cases.map(\.document)),
        ]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("legacy-\(UUID().uuidString).json")
        try input.serialized().write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        let result = try await runCommand("/usr/bin/python3", ["-c", Self.script, file.path])
        try #require(result.status == 0, "python3-jsonschema failed: \(result.stderr)")
        let verdicts = try #require(try JSONValue.parse(result.stdout).arrayValue)
        try #require(verdicts.count == Self.cases.count)
        for (sample, verdict) in zip(Self.cases, verdicts) {
            #expect(verdict == .bool(sample.accepted), "jsonschema on \(sample.name)")
        }
    }
}
