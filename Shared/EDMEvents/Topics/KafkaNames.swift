/// Topic and consumer-group names as they exist on the cluster.
///
/// Multi-tenant Heroku Kafka prefixes every topic and group with `KAFKA_PREFIX` (e.g.
/// `columbia-12345.`, trailing dot included, used verbatim). Only names *on the cluster* are
/// prefixed; event JSON and legacy payloads keep the bare names (`edm-ui-click`). Build one value
/// at start-up and ask it for every name, so no service concatenates prefixes by hand.
public struct KafkaNames: Sendable, Hashable {
    /// The prefix, `""` when none.
    public let prefix: String
    public let registry: EventRegistry

    /// - Throws: when the prefix has characters Kafka rejects in topic names (only
    ///   `[A-Za-z0-9._-]` are legal) or is too long to leave room for a topic.
    public init(prefix: String?, registry: EventRegistry = .standard) throws(KafkaNamesError) {
        let trimmed = prefix.map { $0.trimmingASCIIWhitespace } ?? ""
        guard trimmed.utf8.allSatisfy(Self.isLegal) else { throw .illegalPrefix(trimmed) }
        let longest = registry.kinds.map { $0.topicBase.utf8.count }.max() ?? 0
        guard trimmed.utf8.count + longest <= 249 else { throw .illegalPrefix(trimmed) }
        self.prefix = trimmed
        self.registry = registry
    }

    /// Reads `KAFKA_PREFIX` (unset or blank: no prefix).
    public init(environment: [String: String], registry: EventRegistry = .standard) throws(KafkaNamesError) {
        try self.init(prefix: environment["KAFKA_PREFIX"], registry: registry)
    }

    public func topic(for kind: any EventProperties.Type) -> String { prefix + kind.topicBase }

    /// The topic an envelope is produced to.
    public func topic(for event: EventEnvelope) -> String { topic(for: event.kind) }

    /// Every registered topic, for subscribing and for creating topics.
    public var allTopics: [String] { registry.kinds.map(topic(for:)) }

    public func consumerGroup(_ group: ConsumerGroup) -> String { prefix + group.rawValue }

    /// The bare name of a cluster topic, nil when it lacks this prefix.
    public func unprefixed(_ topic: String) -> String? {
        topic.hasPrefix(prefix) ? String(topic.dropFirst(prefix.count)) : nil
    }

    /// The event kind published on a cluster topic (as a consumer sees it in a message).
    public func kind(forTopic topic: String) -> (any EventProperties.Type)? {
        unprefixed(topic).flatMap(registry.kind(forTopicBase:))
    }

    public static func == (lhs: KafkaNames, rhs: KafkaNames) -> Bool {
        lhs.prefix == rhs.prefix && lhs.registry.typeNames == rhs.registry.typeNames
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(prefix)
        hasher.combine(registry.typeNames)
    }

    private static func isLegal(_ byte: UInt8) -> Bool {
        (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
    }
}

public enum KafkaNamesError: Error, Sendable, Hashable, CustomStringConvertible {
    case illegalPrefix(String)

    public var description: String {
        switch self {
        case .illegalPrefix(let prefix):
            "KAFKA_PREFIX \(JSONValue.string(prefix).compactText) is not usable: topic names allow only "
                + "A-Z a-z 0-9 . _ - and at most 249 characters"
        }
    }
}

extension String {
    var trimmingASCIIWhitespace: String {
        let bytes = Array(utf8)
        let isSpace: (UInt8) -> Bool = { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = bytes.firstIndex(where: { !isSpace($0) }),
            let last = bytes.lastIndex(where: { !isSpace($0) })
        else { return "" }
        return String(decoding: bytes[first...last], as: UTF8.self)
    }
}
