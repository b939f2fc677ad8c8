import EDMEvents
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import RelayService

@Suite("Event ids")
struct EventIDTests {
    @Test("assigned ids are in the relay-assigned form (UUIDv8, RFC 9562 variant, prefix edmr) and distinct")
    func randomIDs() {
        let ids = (0..<1000).map { _ in EventIDs.random() }
        #expect(Set(ids).count == 1000)
        for id in ids.prefix(50) {
            let text = id.uuidString.lowercased()
            #expect(text.hasPrefix("65646d72-"), "\(text)")
            #expect(Array(text)[14] == "8", "\(text)")
            #expect("89ab".contains(Array(text)[19]), "\(text)")
            #expect(RelayEventID.isRelayAssigned(id))
        }
    }

    @Test("the relay marks only the ids it assigned: not a client's id, not one derived from an Idempotency-Key")
    func onlyAssignedIDsAreMarked() async throws {
        let harness = try RelayHarness()
        try await harness.run { client in
            let own = UUID()
            let batch = JSONValue.array([Payloads.click(), Payloads.click(id: own)])
            let plain = try await client.post("/v1/events", batch.text)
            #expect(plain.status == .accepted)
            let plainIDs = plain.acceptedIDs.compactMap(UUID.init(uuidString:))
            #expect(plainIDs.count == 2)
            #expect(plainIDs.map(RelayEventID.isRelayAssigned) == [true, false])

            var headers = jsonHeaders
            headers[IdempotencyKey.header] = "order-9"
            let keyed = try await client.post("/v1/events", batch.text, headers: headers)
            #expect(keyed.status == .accepted)
            #expect(keyed.acceptedIDs.compactMap(UUID.init(uuidString:)).map(RelayEventID.isRelayAssigned) == [false, false])

            let legacy = try await client.post("/produceClickMessage", Payloads.legacyClick().text)
            #expect(legacy.status == .accepted)
            #expect(legacy.acceptedIDs.compactMap(UUID.init(uuidString:)).map(RelayEventID.isRelayAssigned) == [true])
        }
    }

    @Test("an id the relay assigned, sent back by a client, is refused (422 at id): it would be counted twice")
    func resentAssignedIDIsRefused() async throws {
        let harness = try RelayHarness()
        let topic = harness.topic(ClickProperties.self)
        try await harness.run { client in
            let first = try await client.post("/v1/events", Payloads.click().text)
            let assigned = try #require(first.acceptedIDs.first.flatMap(UUID.init(uuidString:)))
            let storedBefore = try await harness.storedCount(topic)

            let resent = try await client.post("/v1/events", Payloads.click(id: assigned).text)
            #expect(resent.status == .unprocessableContent)
            #expect(resent.errorPaths == ["id"])
            let inBatch = try await client.post("/v1/events", JSONValue.array([Payloads.click(), Payloads.click(id: assigned)]).text)
            #expect(inBatch.status == .unprocessableContent)
            #expect(inBatch.errorPaths == ["[1].id"])
            #expect(try await harness.storedCount(topic) == storedBefore)
            // Any other id of the client's own is taken as before.
            #expect(try await client.post("/v1/events", Payloads.click(id: UUID()).text).status == .accepted)
        }
    }
}

@Suite("Random pool")
struct RandomPoolTests {
    @Test("words drawn across several refills are distinct and not all zero")
    func distinctAcrossRefills() {
        let pool = RandomPool()
        let words = (0..<2_000).map { _ in pool.next() }
        #expect(Set(words).count == words.count)
        #expect(words.contains { $0 != 0 })
    }
}
