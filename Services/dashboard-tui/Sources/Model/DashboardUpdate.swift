import Foundation

extension DashboardModel {
    /// Live events beyond this many since the last history make the ledger ask for a reload
    /// (which folds them into the stats totals), so memory stays bounded at any rate.
    public static let ledgerReloadThreshold = 100_000
    /// How long a notice stays in the footer.
    public static let noticeSeconds: TimeInterval = 10
    /// Delay of the settling reload after a history load (see ``LiveLedger/refusedSinceRebase``).
    public static let settleSeconds: TimeInterval = 5

    /// Applies one message; returns what the program must do besides redrawing.
    public mutating func update(_ message: DashboardMessage) -> [DashboardEffect] {
        switch message {
        case .frame(let frame):
            return receive(frame)
        case .streamStatus(let status):
            let reconnected = status.isConnected && hasStreamConnectedBefore
            if status.isConnected { hasStreamConnectedBefore = true }
            if case .connected = status { replaying = false }
            stream = status
            // Events may have been missed while disconnected: stats has them, so reload.
            return reconnected ? requestReload() : []
        case .replayStarted:
            replaying = true
            return []
        case .statsStatus(let status):
            stats = status
            return []
        case .historyLoaded(let snapshot):
            history = snapshot
            ledger.rebase(on: snapshot)
            for type in snapshot.summary.types.keys.sorted() where !knownTypes.contains(type) {
                knownTypes.append(type)
            }
            reloadRequestedAt = nil
            // One settling reload after each regular load, none after the settling one itself.
            settleReloadAt = nextLoadSettles ? nil : now.addingTimeInterval(Self.settleSeconds)
            nextLoadSettles = false
            return []
        case .alertsLoaded(let entries):
            alerts.add(entries)
            return []
        case .key(let key):
            return press(key)
        case .resize:
            return []
        case .tick(let now, let second):
            self.now = now
            monotonicSecond = second
            if let notice, now.timeIntervalSince(notice.at) > Self.noticeSeconds { self.notice = nil }
            return settleIfDue()
        }
    }

    private mutating func receive(_ frame: StreamFrame) -> [DashboardEffect] {
        switch frame {
        case .event(let event):
            if ledger.add(event) && !replaying { rate.record(atSecond: monotonicSecond) }
            feed.append(event)
            if ledger.count > Self.ledgerReloadThreshold { return requestReload() }
            return []
        case .alert(let entry):
            alerts.add([entry])
            return []
        case .live:
            replaying = false
            return []
        case .dropped(let count):
            notice = ("stream dropped \(count) events; reloading totals from stats", now)
            return requestReload()
        case .error(let code, let message):
            notice = ("stream: \(code): \(message)", now)
            return []
        case .otherControl:
            return []
        case .undecodable:
            undecodableFrames += 1
            return []
        }
    }

    private mutating func press(_ key: Key) -> [DashboardEffect] {
        switch key {
        case .character("q"), .character("Q"), .interrupt:
            return [.quit]
        case .character("p"), .character("P"), .character(" "):
            feed.togglePause()
        case .character("f"), .character("F"):
            typeFilter = Self.next(after: typeFilter, in: knownTypes)
        case .character("r"), .character("R"):
            reloadRequestedAt = nil
            return requestReload()
        case .character("?"), .character("h"):
            showHelp.toggle()
        case .escape:
            showHelp = false
        default:
            break
        }
        return []
    }

    /// Events at or before the watermark arrived after the history was read: stats may have
    /// been behind on some partition. A later history counts them; ask for it once.
    private mutating func settleIfDue() -> [DashboardEffect] {
        guard let due = settleReloadAt, now >= due else { return [] }
        settleReloadAt = nil
        guard ledger.refusedSinceRebase > 0 else { return [] }
        let effects = requestReload()
        if !effects.isEmpty { nextLoadSettles = true }
        return effects
    }

    /// One reload at a time: a request while one is outstanding (for up to 5 s) is dropped.
    private mutating func requestReload() -> [DashboardEffect] {
        if let requested = reloadRequestedAt, now.timeIntervalSince(requested) < 5 { return [] }
        reloadRequestedAt = now
        return [.reloadHistory]
    }

    /// all -> first type -> ... -> last type -> all.
    static func next(after current: String?, in types: [String]) -> String? {
        guard let current, let index = types.firstIndex(of: current) else { return types.first }
        return index + 1 < types.count ? types[index + 1] : nil
    }
}
