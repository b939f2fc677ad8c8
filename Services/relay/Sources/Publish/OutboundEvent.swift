import EDMEvents
import EDMKafka
import Foundation

/// What ``EventPublisher`` needs of an event: the built-in kinds' ``EncodedEvent`` and a
/// registered type's ``RegisteredEvent`` both provide it, so one publisher (and one 503
/// answer) serves both, specialised per kind at compile time.
protocol PublishableEvent: Sendable {
    var type: String { get }
    var id: UUID { get }
    var key: [UInt8] { get }
    var json: [UInt8] { get }
    /// The registered schema version (written as the `type-version` header); nil for built-ins.
    var registeredVersion: Int? { get }
    func topic(in names: KafkaNames) -> String
}

extension EncodedEvent: PublishableEvent {
    var registeredVersion: Int? { nil }
    func topic(in names: KafkaNames) -> String { names.topic(for: kind) }
}

extension RegisteredEvent: PublishableEvent {
    var registeredVersion: Int? { typeVersion }
    func topic(in names: KafkaNames) -> String { names.prefix + RegisteredType.topicBase(for: type) }
}

/// One event of a request that names a registered type (possibly mixed with built-in ones).
enum OutboundEvent: PublishableEvent {
    case builtIn(EncodedEvent)
    case registered(RegisteredEvent)

    var type: String {
        switch self {
        case .builtIn(let event): event.type
        case .registered(let event): event.type
        }
    }

    var id: UUID {
        switch self {
        case .builtIn(let event): event.id
        case .registered(let event): event.id
        }
    }

    var key: [UInt8] {
        switch self {
        case .builtIn(let event): event.key
        case .registered(let event): event.key
        }
    }

    var json: [UInt8] {
        switch self {
        case .builtIn(let event): event.json
        case .registered(let event): event.json
        }
    }

    var registeredVersion: Int? {
        switch self {
        case .builtIn: nil
        case .registered(let event): event.typeVersion
        }
    }

    func topic(in names: KafkaNames) -> String {
        switch self {
        case .builtIn(let event): event.topic(in: names)
        case .registered(let event): event.topic(in: names)
        }
    }
}
