import EDMEvents
import Foundation
import Synchronization

/// The registered types this relay knows: a snapshot rebuilt from the registry topic (the source
/// of truth) by ``RegistryFollower``, read by every request without waiting.
///
/// Records may arrive in any order across partitions and more than once; the snapshot keeps
/// each type's versions by number (the first record of a version wins, so a late duplicate
/// never changes what a version meant) and compiles the highest one.
final class SchemaRegistry: Sendable {
    struct Entry: Sendable {
        /// Every version, ascending.
        var versions: [RegisteredType]
        /// The current (highest) version, compiled.
        var current: CompiledType
        /// Whether the type's topic exists; false: `pending` until it does.
        var topicReady: Bool
    }

    private let entries = Mutex<[String: Entry]>([:])

    /// Adds one stored version; returns whether it was new.
    @discardableResult
    func apply(_ type: RegisteredType, topicReady: Bool? = nil) -> Bool {
        entries.withLock { entries in
            guard var entry = entries[type.name] else {
                entries[type.name] = Entry(versions: [type], current: CompiledType(type), topicReady: topicReady ?? false)
                return true
            }
            if let topicReady { entry.topicReady = topicReady }
            guard !entry.versions.contains(where: { $0.version == type.version }) else {
                entries[type.name] = entry
                return false
            }
            entry.versions.append(type)
            entry.versions.sort { $0.version < $1.version }
            if entry.versions.last?.version == type.version { entry.current = CompiledType(type) }
            entries[type.name] = entry
            return true
        }
    }

    func markTopicReady(_ name: String) {
        entries.withLock { entries in entries[name]?.topicReady = true }
    }

    func entry(named name: String) -> Entry? {
        entries.withLock { $0[name] }
    }

    /// The compiled current version of an active type (nil: unknown or pending).
    func compiled(named name: String) -> CompiledType? {
        entries.withLock { $0[name] }?.current
    }

    /// The compiled current version of a type whose events are accepted now (its topic exists).
    func accepting(_ name: String) -> CompiledType? {
        entries.withLock { entries in
            guard let entry = entries[name], entry.topicReady else { return nil }
            return entry.current
        }
    }

    var all: [String: Entry] { entries.withLock { $0 } }

    /// Names of types whose topic is not known to exist yet.
    var pendingNames: [String] {
        entries.withLock { $0.filter { !$0.value.topicReady }.map(\.key) }
    }

    func version(_ version: Int, of name: String) -> RegisteredType? {
        entries.withLock { $0[name]?.versions.first { $0.version == version } }
    }
}
