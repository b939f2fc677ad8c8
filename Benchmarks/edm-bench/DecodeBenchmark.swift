import EDMCore
import EDMEvents
import Foundation

/// The event codec on one core, no broker or database: how fast consumers turn Kafka message
/// bytes into validated envelopes (`EventEnvelope.decode`, on every consumer's path), how fast
/// the relay validates a v1 request and writes its envelope (`EventParser.encodeRequest`), and how fast envelopes are written
/// (`jsonData`). The baseline is Foundation's `JSONSerialization` reading the same bytes into
/// untyped objects in the same run (no validation, no typed result), so a ratio near or above 1
/// means validation costs nothing beyond parsing.
///
/// Payloads are what the relay writes: 3 clicks to 1 page load, distinct ids, sessions and times
/// (about 250 and 420 bytes).
struct DecodeBenchmark {
    var payloads = 20_000
    /// Passes over the payloads per measurement; rounds alternate ours and the baseline.
    var passes = 10
    var rounds = 5

    func run(report: inout [BenchRow]) throws {
        let envelopes = Self.envelopes(count: payloads)
        let canonical = envelopes.map { $0.jsonData() }
        let requests = envelopes.map(Self.requestBody)
        let averageSize = canonical.reduce(0) { $0 + $1.count } / max(1, canonical.count)

        var decodeRates: [Double] = [], parseRates: [Double] = [], encodeRates: [Double] = []
        var canonicalBaseline: [Double] = [], requestBaseline: [Double] = []
        for _ in 0..<rounds {
            decodeRates.append(try rate(canonical.count) { try decodeAll(canonical) })
            canonicalBaseline.append(try rate(canonical.count) { try foundationAll(canonical) })
            parseRates.append(try rate(requests.count) { try parseAll(requests) })
            requestBaseline.append(try rate(requests.count) { try foundationAll(requests) })
            encodeRates.append(try rate(envelopes.count) { encodeAll(envelopes) })
        }
        report.append(BenchRow(
            name: "event decode events/s (EventEnvelope.decode, \(averageSize) B avg, 1 core)",
            ours: median(decodeRates), baseline: median(canonicalBaseline), baselineName: "JSONSerialization same bytes"))
        report.append(BenchRow(
            name: "relay request parse events/s (EventParser v1, 1 core)",
            ours: median(parseRates), baseline: median(requestBaseline), baselineName: "JSONSerialization same bytes",
            goal: .ratioAtLeast(3)))
        report.append(BenchRow(
            name: "event encode events/s (EventEnvelope.jsonData, 1 core)",
            ours: median(encodeRates), baseline: median(canonicalBaseline), baselineName: "JSONSerialization parse"))
    }

    /// Events per second of `body`, which handles `count` events per pass.
    private func rate(_ count: Int, _ body: () throws -> Void) throws -> Double {
        let started = ContinuousClock.now
        for _ in 0..<passes { try body() }
        let elapsed = ContinuousClock.now - started
        let seconds = elapsed.inSeconds
        return Double(count * passes) / seconds
    }

    private func decodeAll(_ payloads: [Data]) throws {
        var valid = 0
        for payload in payloads where (try? EventEnvelope.decode(from: payload)) != nil { valid += 1 }
        guard valid == payloads.count else { throw BenchError("\(payloads.count - valid) payloads did not decode") }
    }

    /// What the relay does with a request body: validate it and write the envelope bytes for
    /// Kafka (its fast path; the general path is only for what this refuses).
    private func parseAll(_ bodies: [Data]) throws {
        let parser = EventParser()
        let received = Date()
        var valid = 0
        for body in bodies {
            if let request = parser.encodeRequest(body, receivedAt: received, maxEvents: 1), !request.events[0].json.isEmpty {
                valid += 1
            }
        }
        guard valid == bodies.count else { throw BenchError("\(bodies.count - valid) requests did not parse") }
    }

    private func encodeAll(_ envelopes: [EventEnvelope]) {
        var bytes = 0
        for envelope in envelopes { bytes &+= envelope.jsonData().count }
        if bytes == 0 { print("no bytes") }  // keeps the work observable
    }

    private func foundationAll(_ payloads: [Data]) throws {
        var objects = 0
        for payload in payloads where (try? JSONSerialization.jsonObject(with: payload)) is NSDictionary { objects += 1 }
        guard objects == payloads.count else { throw BenchError("JSONSerialization rejected \(payloads.count - objects)") }
    }


    static func envelopes(count: Int) -> [EventEnvelope] {
        let start = Date().addingTimeInterval(-3600)
        return (0..<count).map { index in
            let time = start.addingTimeInterval(Double(index) * 0.1831)
            let received = time.addingTimeInterval(0.042)
            let session = UUID().uuidString.lowercased()
            if index % 4 == 3 {
                return EventEnvelope(
                    occurredAt: time, receivedAt: received, sessionId: session,
                    properties: PageLoadProperties(
                        url: "https://shop.example.com/products/item-\(index % 12)?ref=home",
                        userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
                            + "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1"))
            }
            return EventEnvelope(
                occurredAt: time, receivedAt: received, sessionId: session,
                properties: ClickProperties(buttonId: "the-campers-kit-\(index % 40)", description: "Add to cart"))
        }
    }

    /// The v1 request a client would have sent for `envelope` (no relay-set fields).
    static func requestBody(_ envelope: EventEnvelope) -> Data {
        var properties = envelope.jsonValue["properties"]?.objectValue ?? [:]
        properties["deviceType"] = nil
        let request: JSONValue = [
            "type": .string(envelope.type), "id": .string(envelope.id.uuidString.lowercased()),
            "occurredAt": .string(EventTimestamp.string(from: envelope.occurredAt)),
            "sessionId": .string(envelope.sessionId), "properties": .object(properties),
        ]
        return request.serialized()
    }
}
