/// The event types every service knows.
///
/// Services never list event types themselves: the relay serves one route per registered type,
/// consumers subscribe to every registered topic and decode by `type` through this list, and the
/// schemas are generated for each entry. Registering a type is the one line below.
public struct EventRegistry: Sendable {
    ///
    /// `standard` holds the events clients send (the relay accepts them, stats counts them);
    /// `all` adds the events services derive from them (alerts), for readers of every topic
    /// (stream) and for creating topics. Stats keeps counting `standard` only, so an alert is
    /// never counted as a storefront event.
    public static let standard = EventRegistry([
        ClickProperties.self,
        PageLoadProperties.self,
    ])

    /// Every kind on the cluster: the client events plus the derived ones.
    public static let all = EventRegistry(standard.kinds + derivedKinds)

    /// Events services publish (never accepted by the relay).
    public static let derivedKinds: [any EventProperties.Type] = [AlertProperties.self]

    /// In registration order. Type names and topics must be unique (the test suite checks the
    /// standard registry); lookups return the first match.
    public let kinds: [any EventProperties.Type]

    public init(_ kinds: [any EventProperties.Type]) {
        self.kinds = kinds
    }

    public var typeNames: [String] { kinds.map { $0.eventType } }

    public func kind(named type: String) -> (any EventProperties.Type)? {
        kinds.first { $0.eventType == type }
    }

    /// The kind published on an unprefixed topic; see ``KafkaNames/kind(forTopic:)`` for prefixed ones.
    public func kind(forTopicBase topic: String) -> (any EventProperties.Type)? {
        kinds.first { $0.topicBase == topic }
    }

    /// The violation for a `type` nobody registered; lists the known ones so the client can fix it.
    func unknownTypeViolation(_ type: String, at path: String) -> Violation {
        Violation(
            path: path, code: .unknownType,
            message: "unknown event type \(JSONValue.string(type).compactText); known types: "
                + typeNames.joined(separator: ", "))
    }
}

extension JSONValue {
    /// The value as compact JSON text, for messages.
    var compactText: String { description }
}
