import Foundation

/// Running totals of a traffic run, shared by the posting tasks. The final summary is printed
/// as one JSON line so scripts and tests can compare it with what stats counted.
public final class TrafficTally: @unchecked Sendable {
    public struct Snapshot: Sendable, Equatable, Codable {
        public var generated = 0
        public var accepted: [String: Int] = [:]
        public var refused: [String: Int] = [:]
        public var failed = 0
        public var retries = 0
        /// Last refusal or failure, to show what went wrong.
        public var lastProblem: String?

        public var acceptedTotal: Int { accepted.values.reduce(0, +) }
        public var settled: Int { acceptedTotal + refused.values.reduce(0, +) + failed }
    }

    private let lock = NSLock()
    private var state = Snapshot()

    public init() {}

    public var snapshot: Snapshot { lock.withLock { state } }

    func recordGenerated() {
        lock.withLock { state.generated += 1 }
    }

    func record(kind: StorefrontEvent.Kind, outcome: PostOutcome, retries: Int) {
        lock.withLock {
            state.retries += retries
            switch outcome {
            case .accepted:
                state.accepted[kind.rawValue, default: 0] += 1
            case .refused(let status, let message):
                state.refused[String(status), default: 0] += 1
                state.lastProblem = "HTTP \(status): \(message.prefix(300))"
            case .failed(let reason):
                state.failed += 1
                state.lastProblem = String(reason.prefix(300))
            }
        }
    }
}

extension TrafficTally.Snapshot {
    /// `{"generated":N,"accepted":{"click":a,"pageload":b},"acceptedTotal":..,...}` on one line.
    public var summaryJSON: String {
        struct Summary: Encodable {
            var generated: Int
            var accepted: [String: Int]
            var acceptedTotal: Int
            var refused: [String: Int]
            var failed: Int
            var retries: Int
            var lastProblem: String?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let summary = Summary(
            generated: generated, accepted: accepted, acceptedTotal: acceptedTotal, refused: refused,
            failed: failed, retries: retries, lastProblem: lastProblem)
        return (try? encoder.encode(summary)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
