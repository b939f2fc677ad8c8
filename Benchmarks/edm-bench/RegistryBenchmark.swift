import EDMCore
import EDMEvents
import Foundation

/// Validation of a type registered at runtime against the built-in click, on one core, same
/// run, same request bodies: the registered type `clicklike` declares exactly click's fields
/// and limits. Both sides go from request bytes to the canonical envelope bytes the relay
/// produces, each through its one-pass fast path: the built-in click through
/// `EventParser.encodeRequest`, the registered type through `RegisteredEventParser.encodeRequest`
/// (the type's flattened compiled schema checked while scanning). Measured on this machine: the
/// general path (`JSONValue.parse`, the compiled validator, the serializer) 0.24; the fast path
/// building the envelope through Strings 0.43-0.49; writing it from the scanned bytes 0.86-0.91.
struct RegistryBenchmark {
    var payloads = 20_000
    var passes = 10
    var rounds = 5
    /// Issue 17: a registered type validates at no less than 0.8 of the built-in click's rate.
    static let goal = BenchGoal.ratioAtLeast(0.8)

    func run(report: inout [BenchRow]) throws {
        let clicks = DecodeBenchmark.envelopes(count: payloads * 4 / 3).filter { $0.type == ClickProperties.eventType }
        let builtIn = clicks.map(DecodeBenchmark.requestBody)
        let registered = builtIn.map { body in
            Data(String(decoding: body, as: UTF8.self).replacingOccurrences(of: "\"type\":\"click\"", with: "\"type\":\"clicklike\"").utf8)
        }
        let compiled = CompiledType(try Self.clickLike())
        var ours: [Double] = [], baseline: [Double] = []
        for _ in 0..<rounds {
            ours.append(try rate(registered.count) { try registeredAll(registered, compiled) })
            baseline.append(try rate(builtIn.count) { try builtInAll(builtIn) })
        }
        report.append(
            BenchRow(
                name: "registered type validate+encode events/s (compiled schema, click's fields, 1 core)",
                ours: median(ours), baseline: median(baseline), baselineName: "built-in click, same bodies (fast path)",
                goal: Self.goal))
    }

    /// A registered type with click's fields: `buttonId` 1-200 characters, optional
    /// `description` up to 1024.
    static func clickLike() throws -> RegisteredType {
        let body: JSONValue = [
            "schema": [
                "type": "object", "required": ["buttonId"],
                "properties": [
                    "buttonId": ["type": "string", "minLength": 1, "maxLength": 200],
                    "description": ["type": "string", "maxLength": 1024],
                ],
            ],
            "owner": "bench", "description": "click's fields, registered at runtime",
        ]
        let registration = try TypeRegistration.parse(body, name: "clicklike", defaultPartitions: 1)
        return RegisteredType(
            name: "clicklike", version: 1, schema: registration.schema, owner: registration.owner,
            description: registration.description, keyField: nil, countBy: [], partitions: 1, registeredAt: Date())
    }

    private func registeredAll(_ bodies: [Data], _ compiled: CompiledType) throws {
        let parser = RegisteredEventParser()
        let received = Date()
        var valid = 0
        for body in bodies {
            let events = parser.encodeRequest(body, receivedAt: received, maxEvents: 1) { $0 == "clicklike" ? compiled : nil }
            if let events, !events[0].json.isEmpty { valid += 1 }
        }
        guard valid == bodies.count else { throw BenchError("\(bodies.count - valid) registered events did not validate") }
    }

    private func builtInAll(_ bodies: [Data]) throws {
        let parser = EventParser()
        let received = Date()
        var valid = 0
        for body in bodies {
            if let request = parser.encodeRequest(body, receivedAt: received, maxEvents: 1), !request.events[0].json.isEmpty {
                valid += 1
            }
        }
        guard valid == bodies.count else { throw BenchError("\(bodies.count - valid) clicks did not parse") }
    }

    private func rate(_ count: Int, _ body: () throws -> Void) throws -> Double {
        let started = ContinuousClock.now
        for _ in 0..<passes { try body() }
        return Double(count * passes) / (ContinuousClock.now - started).inSeconds
    }
}
