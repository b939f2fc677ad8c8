import EDMEvents
import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import RelayService

@Suite("Idempotency-Key: a retried request gets the same ids")
struct IdempotencyKeyTests {
    static func headers(_ key: String) -> HTTPFields {
        var headers = jsonHeaders
        headers[IdempotencyKey.header] = key
        return headers
    }

    @Test("v1 events without an id and legacy events get ids derived from the key; a retry gets the same")
    func retriesGetTheSameIDs() async throws {
        let harness = try RelayHarness()
        let own = UUID()
        let ownID = own.uuidString.lowercased()
        let batch = JSONValue.array([Payloads.click(), Payloads.click(id: own), Payloads.click()])
        try await harness.run { client in
            let first = try await client.post("/v1/events", batch.text, headers: Self.headers("order-1"))
            let retry = try await client.post("/v1/events", batch.text, headers: Self.headers("order-1"))
            #expect(first.status == .accepted && retry.status == .accepted)
            #expect(first.acceptedIDs == retry.acceptedIDs)
            #expect(first.acceptedIDs[1] == ownID)  // an event's own id always wins
            #expect(Set(first.acceptedIDs).count == 3)
            // Without a key every request gets fresh ids, as before.
            let plain = try await client.post("/v1/events", batch.text)
            #expect(Set(plain.acceptedIDs).isDisjoint(with: [first.acceptedIDs[0], first.acceptedIDs[2]]))
            // Another key: other ids.
            let other = try await client.post("/v1/events", batch.text, headers: Self.headers("order-2"))
            #expect(other.acceptedIDs[0] != first.acceptedIDs[0])

            let legacy = Payloads.legacyClick().text
            let legacyFirst = try await client.post("/produceClickMessage", legacy, headers: Self.headers("\"page-7\""))
            let legacyRetry = try await client.post("/produceClickMessage", legacy, headers: Self.headers("\"page-7\""))
            #expect(legacyFirst.status == .accepted && legacyRetry.status == .accepted)
            #expect(legacyFirst.acceptedIDs == legacyRetry.acceptedIDs)
        }
    }

    @Test("a retry read by the other parsing path gets the same ids and counts as a retry, not a reuse")
    func retryAcrossParsingPaths() async throws {
        let harness = try RelayHarness()
        let batch = JSONValue.array([Payloads.click(buttonId: "b/1"), Payloads.click(), Payloads.pageload()])
        // The compact body takes the byte-level fast path; the same JSON with an escaped slash
        // and whitespace only parses on the general path.
        let compact = batch.text
        let escaped = " " + compact.replacingOccurrences(of: "b/1", with: #"b\/1"#) + "\n"
        #expect(compact != escaped)
        try await harness.run { client in
            let first = try await client.post("/v1/events", compact, headers: Self.headers("order-9"))
            let retry = try await client.post("/v1/events", escaped, headers: Self.headers("order-9"))
            #expect(first.status == .accepted && retry.status == .accepted, "\(retry.text)")
            #expect(first.acceptedIDs.count == 3)
            #expect(first.acceptedIDs == retry.acceptedIDs)
        }
    }

    @Test("the same key with a different body is a 422; a malformed key is a 400")
    func reuseAndMalformedKeys() async throws {
        let harness = try RelayHarness()
        try await harness.run { client in
            #expect(try await client.post("/v1/events", Payloads.click().text, headers: Self.headers("k-1")).status == .accepted)
            let reused = try await client.post(
                "/v1/events", Payloads.click(sessionId: "another-session").text, headers: Self.headers("k-1"))
            #expect(reused.status == .unprocessableContent)
            #expect(reused.errorCode == "idempotency_key_reused")
            for bad in ["", "has space", String(repeating: "k", count: 256), "quote\"inside"] {
                let response = try await client.post("/v1/events", Payloads.click().text, headers: Self.headers(bad))
                #expect(response.status == .badRequest, "\(bad.debugDescription)")
                #expect(response.errorCode == "invalid_idempotency_key")
            }
        }
    }

    @Test("the ledger is bounded and forgets keys after their lifetime")
    func ledgerBounded() {
        let ledger = IdempotencyLedger(capacity: 3, lifetime: .seconds(60))
        let start = ContinuousClock.now
        let digestA = UUID()
        for index in 0..<10 {
            #expect(ledger.admit(scope: "c", key: IdempotencyKey(value: "k\(index)"), digest: digestA, now: start))
        }
        #expect(ledger.count == 3)
        #expect(!ledger.admit(scope: "c", key: IdempotencyKey(value: "k9"), digest: UUID(), now: start))
        // Another client may use the same key; after the lifetime the key is free again.
        #expect(ledger.admit(scope: "d", key: IdempotencyKey(value: "k9"), digest: UUID(), now: start))
        #expect(ledger.admit(scope: "c", key: IdempotencyKey(value: "k9"), digest: UUID(), now: start + .seconds(61)))
    }
}
