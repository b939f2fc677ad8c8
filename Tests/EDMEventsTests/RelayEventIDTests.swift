import Foundation
import Testing

@testable import EDMEvents

@Suite("Relay-assigned ids: the form that tells consumers an id never repeats")
struct RelayEventIDTests {
    @Test("made ids have the form; UUIDv4, derived and record ids never do")
    func form() {
        var generator = SystemRandomNumberGenerator()
        let made = (0..<500).map { _ in RelayEventID.make(using: &generator) }
        #expect(Set(made).count == made.count)
        #expect(made.allSatisfy(RelayEventID.isRelayAssigned))
        #expect(!(0..<500).contains { _ in RelayEventID.isRelayAssigned(UUID()) })
        let derived = (0..<500).map { DerivedEventID.make(namespace: "edm-idempotency-key", ["key-\($0)", "0", "{}"]) }
        #expect(!derived.contains(where: RelayEventID.isRelayAssigned))
        #expect(!RelayEventID.isRelayAssigned(RecordEventID.make(topic: "edm-ui-click", partition: 0, offset: 7)))
        // The prefix alone is not enough: version 8 and the RFC 9562 variant are part of the form.
        let v4WithPrefix = UUID(uuidString: "65646d72-1234-4abc-8abc-0123456789ab")!
        let wrongVariant = UUID(uuidString: "65646d72-1234-8abc-cabc-0123456789ab")!
        #expect(!RelayEventID.isRelayAssigned(v4WithPrefix))
        #expect(!RelayEventID.isRelayAssigned(wrongVariant))
        #expect(RelayEventID.isRelayAssigned(UUID(uuidString: "65646D72-1234-8ABC-BABC-0123456789AB")!))
    }

    @Test("a hash that happens to start like a relay-assigned id yields a derived id of another form")
    func derivedAvoidsTheForm() {
        let hash: [UInt8] = [0x65, 0x64, 0x6D, 0x72] + Array(repeating: 0xAB, count: 12)
        let id = DerivedEventID.uuid(hash: hash)
        #expect(!RelayEventID.isRelayAssigned(id))
        #expect(id.uuidString.lowercased().hasPrefix("65646d73-"))
        #expect(DerivedEventID.uuid(hash: hash) == id)
    }

    @Test("an envelope keeps a relay-assigned id through its canonical bytes and both decoder paths")
    func roundTrip() throws {
        let id = RelayEventID.make()
        let envelope = EventEnvelope(
            id: id, occurredAt: Date(), receivedAt: Date(), sessionId: "s",
            properties: ClickProperties(buttonId: "b", description: nil))
        let decoded = try EventEnvelope.decode(from: envelope.jsonData())
        #expect(decoded.id == id && RelayEventID.isRelayAssigned(decoded.id))
        let general = try EventEnvelope.decode(JSONValue.parse(envelope.jsonData()))
        #expect(general.id == id)
    }
}
