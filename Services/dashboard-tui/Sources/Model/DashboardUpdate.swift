import Foundation

extension DashboardModel {
    /// How long a notice stays in the footer.
    public static let noticeSeconds: TimeInterval = 10

    /// Applies one message; returns what the program must do besides redrawing.
    public mutating func update(_ message: DashboardMessage) -> [DashboardEffect] {
        switch message {
        case .frame(let frame):
            return receive(frame)
        case .streamStatus(let status):
            if case .connected = status {} else { replaying = false }
            stream = status
            return []
        case .streamResumed(let generation, let cursor):
            streamGeneration = generation
            replaying = cursor != nil
            return []
        case .statsStatus(let status):
            stats = status
            return []
        case .historyLoaded(let snapshot):
            history = snapshot
            historyGeneration += 1
            ledger = LiveLedger(rememberedIDs: ledger.rememberedIDs)
            cursor = snapshot.cursor
            eventsSinceCursor = 0
            missedRecords = 0
            for type in snapshot.summary.types.keys.sorted() where !knownTypes.contains(type) {
                knownTypes.append(type)
            }
            reloadRequestedAt = nil
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
            return []
        }
    }

    private mutating func receive(_ frame: StreamFrame) -> [DashboardEffect] {
        // Frames of a connection that resumed from an older history are about events that
        // history may not hold (or already holds): the stream is being moved to the new one.
        guard streamGeneration == historyGeneration else { return [] }
        switch frame {
        case .event(let event):
            // A type first seen live (registered after the history loaded) gets its own lines.
            if !knownTypes.contains(event.type) { knownTypes.append(event.type) }
            if ledger.add(event) && !replaying { rate.record(atSecond: monotonicSecond) }
            eventsSinceCursor += 1
            feed.append(event)
            return []
        case .alert(let entry):
            alerts.add([entry])
            return []
        case .live(_, let cursor):
            replaying = false
            if let cursor {
                self.cursor = cursor
                eventsSinceCursor = 0
            }
            return []
        case .checkpoint(let cursor):
            self.cursor = cursor
            eventsSinceCursor = 0
            return []
        case .gap(let missed):
            missedRecords += missed
            notice = ("\(missed) events were gone from Kafka before stats counted them (retention)", now)
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
