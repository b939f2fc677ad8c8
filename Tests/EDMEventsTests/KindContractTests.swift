import EDMEvents
import Foundation
import Testing

/// The contract of `EventProperties` (see its doc comment), checked for every registered kind so
/// a newly added kind is held to it without new tests.
@Suite("Event kind contract")
struct KindContractTests {
    static let kinds = EventRegistry.standard.typeNames

    static func kind(_ name: String) -> any EventProperties.Type { EventRegistry.standard.kind(named: name)! }

    @Test("the example populates every field and nothing else", arguments: kinds)
    func exampleComplete(name: String) {
        let kind = Self.kind(name)
        #expect(Set(kind.example.fieldValues.keys) == Set(kind.fieldRules.map(\.name)))
    }

    @Test("names are unique and well formed", arguments: kinds)
    func names(name: String) {
        let kind = Self.kind(name)
        #expect(kind.eventType == kind.eventType.lowercased() && !kind.eventType.isEmpty)
        #expect(kind.topicBase.utf8.allSatisfy { $0 == 0x2D || $0 == 0x2E || $0 == 0x5F || (0x30...0x39).contains($0) || (0x61...0x7A).contains($0) })
        let legacyNames = kind.fieldRules.compactMap(\.legacyName)
        #expect(Set(legacyNames).count == legacyNames.count)
        #expect(Set(kind.fieldRules.map(\.name)).count == kind.fieldRules.count)
    }

    @Test("the example survives encode/decode and the legacy round trip", arguments: kinds)
    func exampleRoundTrip(name: String) throws {
        let kind = Self.kind(name)
        let request = EventSchemas.example(for: kind, form: .request)
        let event = try EventParser().parse(request, type: name, source: .v1, receivedAt: Fixture.receivedAt).get()
        #expect(event.properties.isEqualTo(kind.example))
        #expect(try EventEnvelope.decode(from: event.jsonData()) == event)
        let legacy = event.legacyPayload()
        let back = try EventParser().parse(legacy, type: name, source: .legacy, receivedAt: Fixture.receivedAt).get()
        #expect(back.legacyPayload() == legacy)
        // Only kinds whose client fields all have a legacy name can come back whole from the legacy form.
        if kind.fieldRules.allSatisfy({ $0.request == .forbidden || $0.legacyName != nil }) {
            #expect(back.properties.isEqualTo(kind.example))
        }
    }

    @Test("the standard registry has unique type names and topics, starting with the reference's")
    func registry() {
        let registry = EventRegistry.standard
        #expect(Set(registry.typeNames).count == registry.kinds.count)
        #expect(Set(registry.kinds.map { $0.topicBase }).count == registry.kinds.count)
        #expect(registry.typeNames.starts(with: ["click", "pageload"]))
        #expect(registry.kinds.map { $0.topicBase }.starts(with: ["edm-ui-click", "edm-ui-pageload"]))
        #expect(registry.kind(forTopicBase: "edm-ui-pageload")?.eventType == "pageload")
        #expect(registry.kind(named: "purchase") == nil)
    }
}

extension EventProperties {
    fileprivate func isEqualTo(_ other: any EventProperties) -> Bool { (other as? Self) == self }
}
