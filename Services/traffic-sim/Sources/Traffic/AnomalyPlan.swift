/// Anomaly mode (`--anomalies`): a three-minute cycle of the situations the default alert
/// rules watch for, on top of the normal traffic, so `make run` shows alerts firing and
/// resolving on the dashboard:
///
/// | seconds in the cycle | what happens | default rule |
/// |---|---|---|
/// | 20-25 | one session clicks one button 10 times a second (a bot or a stuck button) | session-click-burst |
/// | 45-60 | a wave of 30 crawler page loads a second | bot-pageloads |
/// | 100-175 | silence: no events at all | pageloads-stopped |
public struct AnomalyPlan: Sendable, Equatable {
    public enum Phase: String, Sendable, Equatable {
        case normal
        case clickBurst = "click_burst"
        case botWave = "bot_wave"
        case silence
    }

    public static let cycleSeconds = 180.0

    public init() {}

    public func phase(atSeconds seconds: Double) -> Phase {
        let at = seconds.truncatingRemainder(dividingBy: Self.cycleSeconds)
        switch at {
        case 20..<25: return .clickBurst
        case 45..<60: return .botWave
        case 100..<175: return .silence
        default: return .normal
        }
    }

    /// Extra events per second the phase adds.
    public func extraRate(_ phase: Phase) -> Double {
        switch phase {
        case .clickBurst: 10
        case .botWave: 30
        case .normal, .silence: 0
        }
    }

    /// The next extra event of `phase`, in cycle `cycle` (one bursting session per cycle).
    public func event(
        _ phase: Phase, cycle: Int, catalog: StorefrontCatalog, random: inout SeededRandom, nowMilliseconds: Int64
    ) -> StorefrontEvent? {
        switch phase {
        case .clickBurst:
            let product = catalog.products[0]
            return StorefrontEvent(
                id: random.uuidString(), sessionID: "anomaly-burst-\(cycle)", occurredAtMilliseconds: nowMilliseconds,
                payload: .click(buttonID: product.buttonID, description: "Anomaly: stuck button"), legacy: false)
        case .botWave:
            return StorefrontEvent(
                id: random.uuidString(), sessionID: random.uuidString(), occurredAtMilliseconds: nowMilliseconds,
                payload: .pageload(url: catalog.homeURL, userAgent: VisitorAgent.crawler.userAgent, description: "Anomaly: bot wave"),
                legacy: false)
        case .normal, .silence:
            return nil
        }
    }
}
