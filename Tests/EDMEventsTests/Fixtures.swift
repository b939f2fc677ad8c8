import EDMEvents
import Foundation

/// Fixed instants and parsers so tests are deterministic.
enum Fixture {
    /// 2024-05-01T12:00:00.456Z, the relay's "now". Built from milliseconds because that is the
    /// `Date` an envelope holds (`Date(timeIntervalSince1970: x.456)` differs in the last bit).
    static let receivedAt = EventTimestamp.date(fromMilliseconds: 1_714_564_800_456)
    /// 2024-05-01T12:00:00.123Z, the client's clock.
    static let occurredAt = EventTimestamp.date(fromMilliseconds: occurredAtMilliseconds)
    static let occurredAtMilliseconds: Int64 = 1_714_564_800_123
    static let id = UUID(uuidString: "3F2A6C1E-8B4D-4F0A-9C7E-5D1B2A3C4E5F")!
    static let sessionId = "b7e0c7a0-07a8-11ef-9a3e-0242ac120002"

    static let parser = EventParser(makeID: { id })

    /// The button ids of the reference storefront that broke naive handling.
    static let trickyButtonIds = [
        "the-camper's-kit", "bunum-wo-aa,-papua-new-guinea", "msr-reactor-2.5l-stove-system",
    ]

    static let iPhoneUserAgent =
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
        + "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"

    static func click(_ buttonId: String = "the-camper's-kit", description: String? = "Add to cart") -> EventEnvelope {
        EventEnvelope(
            id: id, occurredAt: occurredAt, receivedAt: receivedAt, sessionId: sessionId,
            properties: ClickProperties(buttonId: buttonId, description: description))
    }

    static func pageLoad(userAgent: String = iPhoneUserAgent) -> EventEnvelope {
        EventEnvelope(
            id: id, occurredAt: occurredAt, receivedAt: receivedAt, sessionId: sessionId,
            properties: PageLoadProperties(
                url: "https://shop.example.com/products/1", userAgent: userAgent, description: "Product page"))
    }

    /// A valid v1 click request body.
    static var clickRequest: [String: JSONValue] {
        [
            "occurredAt": "2024-05-01T12:00:00.123Z",
            "sessionId": .string(sessionId),
            "properties": ["buttonId": "the-camper's-kit", "description": "Add to cart"],
        ]
    }

    static func json(_ text: String) -> Data { Data(text.utf8) }
}

/// Deterministic pseudo-random numbers (SplitMix64) so a failing fuzz case can be replayed.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }

    var success: Success? {
        if case .success(let value) = self { return value }
        return nil
    }
}
