import EDMEvents
import Foundation
import NIOCore

/// The `where=` conditions of one connection, all of which must hold (ANDed), compiled once for
/// the types they were checked against. Clients with the same canonical ``key`` share one
/// evaluation per event (the hub groups them: see `ClientHub.publish`).
final class WhereFilter: Sendable, Equatable {
    let conditions: [WhereCondition]
    /// The types whose schemas declare every field; events of other types never match (and
    /// cost one set lookup).
    let types: Set<String>
    /// The types, then the conditions' canonical texts (sorted, deduplicated, joined by `&`).
    let key: String

    init(_ conditions: [WhereCondition], types: Set<String>) {
        var seen: Set<String> = []
        let unique = conditions.sorted { $0.text < $1.text }.filter { seen.insert($0.text).inserted }
        self.conditions = unique
        self.types = types
        key = types.sorted().joined(separator: ",") + "|" + unique.map(\.text).joined(separator: "&")
    }

    /// Whether the event is of one of ``types`` and satisfies every condition.
    func matches(_ event: StreamEvent) -> Bool {
        guard types.contains(event.type), let properties = event.properties ?? Self.properties(ofFrame: event.frame) else {
            return false
        }
        for condition in conditions where !condition.matches(properties) { return false }
        return true
    }

    /// A built-in event's `properties`, read back from its frame: built-in events are not kept
    /// as JSON trees, and only clients with conditions on built-in types need them.
    static func properties(ofFrame frame: ByteBuffer) -> JSONValue? {
        guard frame.readableBytes >= 2, let second = frame.getInteger(at: frame.readerIndex + 1, as: UInt8.self) else { return nil }
        let header = second & 0x7F == 126 ? 4 : second & 0x7F == 127 ? 10 : 2
        guard let payload = frame.getBytes(at: frame.readerIndex + header, length: frame.readableBytes - header),
            let value = try? JSONValue.parse(Data(payload))
        else { return nil }
        return value["properties"]
    }

    static func == (lhs: WhereFilter, rhs: WhereFilter) -> Bool { lhs.key == rhs.key }
}
