/// Many visitors at once: each call advances one of them by one action, so sessions interleave
/// like real traffic. A finished visit is replaced by a new visitor. Pure and seeded: the same
/// seed gives the same events, which keeps tests exact.
public struct TrafficModel: Sendable {
    public var catalog: StorefrontCatalog
    public var legacyShare: Double
    public var signupShare: Double
    private var random: SeededRandom
    private var sessions: [VisitorSession]

    public init(catalog: StorefrontCatalog = .reference, concurrentSessions: Int, legacyShare: Double, signupShare: Double = 0, seed: UInt64) {
        precondition(concurrentSessions > 0, "at least one session")
        self.catalog = catalog
        self.legacyShare = legacyShare
        self.signupShare = signupShare
        random = SeededRandom(seed: seed)
        var random = random
        sessions = (0..<concurrentSessions).map { _ in VisitorSession(random: &random, legacyShare: legacyShare, signupShare: signupShare) }
        self.random = random
    }

    /// The next event of some visitor, stamped with the client clock `nowMilliseconds`.
    public mutating func nextEvent(nowMilliseconds: Int64) -> StorefrontEvent {
        let index = Int(random.next() % UInt64(sessions.count))
        while true {
            if let payload = sessions[index].next(catalog: catalog, random: &random) {
                let session = sessions[index]
                return StorefrontEvent(
                    id: random.uuidString(), sessionID: session.id, occurredAtMilliseconds: nowMilliseconds,
                    payload: payload, legacy: session.legacy)
            }
            sessions[index] = VisitorSession(random: &random, legacyShare: legacyShare, signupShare: signupShare)
        }
    }

    /// Seconds until the next event for a Poisson stream at `eventsPerSecond`.
    public mutating func gap(eventsPerSecond: Double) -> Double {
        random.exponential(mean: 1 / max(eventsPerSecond, 0.001))
    }
}
