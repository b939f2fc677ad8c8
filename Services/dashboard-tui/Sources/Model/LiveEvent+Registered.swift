import EDMEvents
import Foundation

extension LiveEvent {
    /// Properties the feed shows for a registered type's event (its label), at most.
    static let registeredLabelMembers = 3

    /// An event of a type registered at runtime (the stream sends it in the canonical envelope
    /// with `typeVersion`): counted under its own type and bucketed like stats buckets it. The
    /// feed's label is its scalar properties (`plan=pro seats=3`), in key order. Nil for an
    /// object that is not such an envelope.
    init?(registered object: [String: JSONValue]) {
        guard let type = object["type"]?.stringValue, !type.isEmpty,
            object[RegisteredEventParser.typeVersionKey]?.int64Value != nil,
            let id = object["id"]?.stringValue.flatMap(UUID.init(uuidString:)),
            let occurredAt = object["occurredAt"]?.stringValue.flatMap(EventTimestamp.date(from:)),
            let receivedAt = object["receivedAt"]?.stringValue.flatMap(EventTimestamp.date(from:)),
            let properties = object["properties"]?.objectValue
        else { return nil }
        let label = properties.sorted { $0.key < $1.key }.compactMap { key, value -> String? in
            switch value {
            case .string(let text): "\(key)=\(text)"
            case .integer(let number): "\(key)=\(number)"
            case .double(let number): "\(key)=\(number)"
            case .bool(let flag): "\(key)=\(flag)"
            case .null, .array, .object: nil
            }
        }.prefix(Self.registeredLabelMembers).joined(separator: " ")
        self.init(
            id: id, type: type, receivedAt: receivedAt,
            bucketTime: Self.bucketTime(occurredAt: occurredAt, receivedAt: receivedAt), label: label)
    }
}
