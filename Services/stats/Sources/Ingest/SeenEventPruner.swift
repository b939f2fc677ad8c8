import EDMHTTP
import EDMPostgres
import Logging
import Metrics
import ServiceLifecycle

/// Deletes dedupe ids older than the retention window, every `pruneInterval`, so the table
/// stays the size of the window (`stats_seen_events_pruned_total` counts the deletions).
/// Several instances pruning at once is harmless.
public struct SeenEventPruner: Service {
    private let store: IngestStore
    private let settings: IngestSettings
    private let logger: Logger
    private let pruned: Counter

    public init(pool: PostgresPool, settings: IngestSettings, logger: Logger = Logger(label: "stats.prune")) {
        self.store = IngestStore(pool: pool)
        self.settings = settings
        self.logger = logger
        self.pruned = Counter(label: "stats_seen_events_pruned_total")
    }

    public func run() async throws {
        while !Task.isShuttingDownGracefully {
            do {
                let deleted = try await store.pruneSeenEvents(olderThan: settings.dedupeRetention)
                if deleted > 0 { pruned.increment(by: deleted) }
                if deleted > 0 { logger.info("pruned expired event ids", metadata: ["deleted": "\(deleted)"]) }
            } catch {
                logger.warning("pruning expired event ids failed; will retry", metadata: ["error": "\(error)"])
            }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: settings.pruneInterval) }
            } catch {
                return
            }
        }
    }
}
