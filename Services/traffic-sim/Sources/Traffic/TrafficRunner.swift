import EDMCore
import Foundation
import Logging
import ServiceLifecycle

/// Generates storefront traffic at the planned rate and posts it to the relay, until its
/// event or time limit, or a graceful shutdown (SIGINT/SIGTERM): then it stops generating,
/// waits for the requests in flight and returns.
public struct TrafficRunner: Service {
    public let settings: TrafficSettings
    public let tally: TrafficTally
    private let poster: RelayPoster
    private let logger: Logger

    public init(settings: TrafficSettings, poster: RelayPoster, tally: TrafficTally = TrafficTally(), logger: Logger) {
        self.settings = settings
        self.poster = poster
        self.tally = tally
        self.logger = logger
    }

    public func run() async throws {
        let stop = StopFlag()
        await withGracefulShutdownHandler {
            await generate(until: stop)
        } onGracefulShutdown: {
            stop.set()
        }
        logger.info("traffic stopped", metadata: metadata(tally.snapshot))
    }

    private func generate(until stop: StopFlag) async {
        var model = TrafficModel(
            concurrentSessions: settings.concurrentSessions, legacyShare: settings.legacyShare,
            signupShare: settings.signupShare, seed: settings.seed)
        let clock = ContinuousClock()
        let start = clock.now
        var dueSeconds = 0.0
        var nextReport = settings.reportIntervalSeconds
        let anomalies = AnomalyPlan()
        var anomalyRandom = SeededRandom(seed: settings.seed ^ 0x616e_6f6d_616c_7921)
        var anomalyDue = 0.0
        logger.info(
            "traffic starting",
            metadata: [
                "relay": "\(settings.relayURL)", "rate": "\(settings.plan.baseRate)",
                "sessions": "\(settings.concurrentSessions)", "legacy_share": "\(settings.legacyShare)",
                "anomalies": "\(settings.anomalies)", "signup_share": "\(settings.signupShare)",
            ])
        await withTaskGroup(of: Void.self) { group in
            var unreaped = 0
            while !stop.isSet && !Task.isCancelled {
                if let maxEvents = settings.maxEvents, tally.snapshot.generated >= maxEvents { break }
                if let duration = settings.durationSeconds, dueSeconds >= duration { break }
                let elapsed = start.duration(to: clock.now).inSeconds
                if elapsed >= nextReport {
                    nextReport += settings.reportIntervalSeconds
                    logger.info("traffic progress", metadata: metadata(tally.snapshot))
                }
                let phase = settings.anomalies ? anomalies.phase(atSeconds: elapsed) : .normal
                if phase == .silence {
                    // The silent minute: nothing is sent, and nothing piles up to send after it.
                    dueSeconds = elapsed
                    try? await Task.sleep(for: .milliseconds(100))
                    continue
                }
                if phase != .normal, anomalyDue <= elapsed,
                    let extra = anomalies.event(
                        phase, cycle: Int(elapsed / AnomalyPlan.cycleSeconds), catalog: model.catalog, random: &anomalyRandom,
                        nowMilliseconds: Int64(Date().timeIntervalSince1970 * 1000))
                {
                    anomalyDue = max(anomalyDue, elapsed - 1) + 1 / anomalies.extraRate(phase)
                    tally.recordGenerated()
                    group.addTask { [poster, tally] in
                        let (outcome, retries) = await poster.post(extra)
                        tally.record(kind: extra.kind, outcome: outcome, retries: retries)
                    }
                    unreaped += 1
                    continue
                }
                if dueSeconds > elapsed {
                    // Sleep in short slices so a shutdown is noticed promptly.
                    let nextAnomaly = phase == .normal ? dueSeconds : min(dueSeconds, anomalyDue)
                    try? await Task.sleep(for: .seconds(max(0, min(nextAnomaly - elapsed, 0.1))))
                    continue
                }
                while unreaped >= settings.maxInFlight {
                    await group.next()
                    unreaped -= 1
                }
                let nowMilliseconds = Int64(Date().timeIntervalSince1970 * 1000)
                let event = model.nextEvent(nowMilliseconds: nowMilliseconds)
                tally.recordGenerated()
                group.addTask { [poster, tally] in
                    let (outcome, retries) = await poster.post(event)
                    tally.record(kind: event.kind, outcome: outcome, retries: retries)
                }
                unreaped += 1
                dueSeconds += model.gap(eventsPerSecond: settings.plan.rate(atSeconds: dueSeconds))
                // Far behind schedule (a stalled relay): do not fire a backlog all at once.
                if elapsed - dueSeconds > 1 { dueSeconds = elapsed }
            }
            await group.waitForAll()
        }
    }

    private func metadata(_ snapshot: TrafficTally.Snapshot) -> Logger.Metadata {
        var metadata: Logger.Metadata = [
            "generated": "\(snapshot.generated)", "accepted": "\(snapshot.acceptedTotal)",
            "refused": "\(snapshot.refused.values.reduce(0, +))", "failed": "\(snapshot.failed)",
            "retries": "\(snapshot.retries)",
        ]
        if let problem = snapshot.lastProblem { metadata["last_problem"] = "\(problem)" }
        return metadata
    }
}

/// Set once by the shutdown handler, read by the generating loop.
private final class StopFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var stopped = false
    var isSet: Bool { lock.withLock { stopped } }
    func set() { lock.withLock { stopped = true } }
}
