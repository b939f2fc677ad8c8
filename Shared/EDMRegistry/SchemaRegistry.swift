import EDMEvents
import Foundation
import Synchronization

/// The registered types a process knows: a snapshot rebuilt from the registry topic (the source
/// of truth) by ``RegistryFollower``, read by every request or record without waiting.
///
/// Records may arrive in any order across partitions and more than once; the snapshot keeps
/// each type's versions by number (the first record of a version wins, so a late duplicate
/// never changes what a version meant) and compiles the highest one.
public final class SchemaRegistry: Sendable {
    public struct Entry: Sendable {
        /// Every version, ascending.
        public var versions: [RegisteredType]
        /// The current (highest) version, compiled.
        public var current: CompiledType
        /// Whether the type's topic exists; false: `pending` until it does.
        public var topicReady: Bool
    }

    /// What changed, for readers that act on new types (stream and stats subscribe to the
    /// type's topic once it is ready).
    public enum Change: Sendable, Equatable {
        /// A new version was stored (the type may still be pending).
        case registered(RegisteredType)
        /// The type's topic exists now.
        case topicReady(String)
    }

    /// Where a stored version came from in the registry topic.
    public struct Origin: Sendable, Hashable {
        public let partition: Int32
        public let offset: Int64

        public init(partition: Int32, offset: Int64) {
            self.partition = partition
            self.offset = offset
        }
    }

    private let entries = Mutex<[String: Entry]>([:])
    /// The record that won each `type/version` (the first one read; see ``apply(_:topicReady:origin:)``).
    private let origins = Mutex<[String: Origin]>([:])
    /// The next offset the follower has not applied yet, per registry partition.
    private let readUpTo = Mutex<[Int32: Int64]>([:])
    private let followed = Atomic<Bool>(false)
    private let watchers = Mutex<[UInt64: AsyncStream<Change>.Continuation]>([:])
    private let nextWatcher = Atomic<UInt64>(0)

    public init() {}

    /// Adds one stored version; returns whether it was new. `origin`: the record it was read
    /// from (the follower passes it), so a registering request can tell whether its own record
    /// or a concurrent one became that version.
    @discardableResult
    public func apply(_ type: RegisteredType, topicReady: Bool? = nil, origin: Origin? = nil) -> Bool {
        let (isNew, becameReady): (Bool, Bool) = entries.withLock { entries in
            guard var entry = entries[type.name] else {
                entries[type.name] = Entry(versions: [type], current: CompiledType(type), topicReady: topicReady ?? false)
                return (true, topicReady == true)
            }
            let wasReady = entry.topicReady
            if let topicReady { entry.topicReady = topicReady }
            defer { entries[type.name] = entry }
            guard !entry.versions.contains(where: { $0.version == type.version }) else {
                return (false, !wasReady && entry.topicReady)
            }
            entry.versions.append(type)
            entry.versions.sort { $0.version < $1.version }
            if entry.versions.last?.version == type.version { entry.current = CompiledType(type) }
            return (true, !wasReady && entry.topicReady)
        }
        if isNew, let origin { origins.withLock { $0["\(type.name)/\(type.version)"] = origin } }
        if isNew { publish(.registered(type)) }
        if becameReady { publish(.topicReady(type.name)) }
        return isNew
    }

    /// The record a version was read from (nil: applied locally, or unknown).
    public func origin(of name: String, version: Int) -> Origin? {
        origins.withLock { $0["\(name)/\(version)"] }
    }

    /// Whether a ``RegistryFollower`` keeps this snapshot current (then a registration waits to
    /// read its own record back instead of applying it directly).
    public var isFollowed: Bool {
        get { followed.load(ordering: .acquiring) }
        set { followed.store(newValue, ordering: .releasing) }
    }

    /// Called by the follower after applying every record before `next` in `partition`.
    public func markRead(partition: Int32, next: Int64) {
        readUpTo.withLock { $0[partition] = max($0[partition] ?? 0, next) }
    }

    /// Whether the record at `offset` in `partition` has been applied.
    public func hasRead(partition: Int32, offset: Int64) -> Bool {
        readUpTo.withLock { ($0[partition] ?? 0) > offset }
    }

    public func markTopicReady(_ name: String) {
        let becameReady = entries.withLock { entries in
            guard let ready = entries[name]?.topicReady, !ready else { return false }
            entries[name]?.topicReady = true
            return true
        }
        if becameReady { publish(.topicReady(name)) }
    }

    public func entry(named name: String) -> Entry? {
        entries.withLock { $0[name] }
    }

    /// The compiled current version of a known type (nil: unknown; may be pending).
    public func compiled(named name: String) -> CompiledType? {
        entries.withLock { $0[name] }?.current
    }

    /// The compiled current version of a type whose events are accepted now (its topic exists).
    public func accepting(_ name: String) -> CompiledType? {
        entries.withLock { entries in
            guard let entry = entries[name], entry.topicReady else { return nil }
            return entry.current
        }
    }

    public var all: [String: Entry] { entries.withLock { $0 } }

    /// Names of types whose topic is not known to exist yet.
    public var pendingNames: [String] {
        entries.withLock { $0.filter { !$0.value.topicReady }.map(\.key) }
    }

    /// Names of types whose topic exists.
    public var readyNames: [String] {
        entries.withLock { $0.filter { $0.value.topicReady }.map(\.key) }.sorted()
    }

    public func version(_ version: Int, of name: String) -> RegisteredType? {
        entries.withLock { $0[name]?.versions.first { $0.version == version } }
    }

    /// Every change from now on, in order (unbounded: changes are rare, one per registration).
    /// What is already known is read from ``all`` first; the stream ends when the caller's task
    /// stops iterating.
    public func changes() -> AsyncStream<Change> {
        let (stream, continuation) = AsyncStream<Change>.makeStream()
        let id = nextWatcher.add(1, ordering: .relaxed).newValue
        watchers.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.watchers.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    private func publish(_ change: Change) {
        for continuation in watchers.withLock({ Array($0.values) }) { continuation.yield(change) }
    }
}
