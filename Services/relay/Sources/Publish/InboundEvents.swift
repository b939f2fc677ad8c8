import EDMEvents
import EDMRegistry
import EDMHTTP
import Foundation

/// Turns a request body into envelopes, or into the one error that tells the client everything
/// wrong with it: 400 for malformed JSON (with the byte offset), 422 listing every violation of
/// every event (batch paths prefixed by index), 413 for a batch with too many events.
///
/// A batch is all or nothing: one invalid event rejects the whole request, so a client never
/// has to work out which half of its batch was stored.
struct InboundEvents: Sendable {
    let parser: EventParser
    let limits: IngestLimits
    /// Types registered at runtime (nil: built-in types only); see `InboundEvents+Registered`.
    let registry: SchemaRegistry?
    let registeredParser: RegisteredEventParser

    init(limits: IngestLimits, registry: SchemaRegistry? = nil) {
        self.limits = limits
        self.registry = registry
        parser = EventParser(limits: limits.validation, makeID: EventIDs.random)
        registeredParser = RegisteredEventParser(limits: limits.validation, makeID: EventIDs.random)
    }

    /// A parsed request: its events, encoded for Kafka, and, when it carries an Idempotency-Key,
    /// a digest of the body to tell a retry from a reuse of the key (computed only then: it costs
    /// a serialization).
    struct Parsed: Sendable {
        let events: [EncodedEvent]
        let bodyDigest: UUID?
        /// Set instead of `events` when the request names a registered type: every event in
        /// request order, built-in or registered.
        var outbound: [OutboundEvent]? = nil
    }

    /// A `POST /v1/events` body: one event object or an array of them; `type` comes from each event.
    ///
    /// What clients usually send is read in one pass straight into envelope bytes
    /// (`EventParser.encodeRequest`); anything else, and every error, takes the general path
    /// below, which gives the same events wherever both accept.
    func parseV1(_ body: Data, receivedAt: Date, key: IdempotencyKey? = nil) throws(APIError) -> Parsed {
        let deriveID = key.map { key in { (index: Int, content: [UInt8]) in key.eventID(index: index, content: content) } }
        if let request = parser.encodeRequest(body, receivedAt: receivedAt, maxEvents: limits.maxBatchEvents, deriveID: deriveID) {
            return Parsed(events: request.events, bodyDigest: request.canonicalBody.map(IdempotencyKey.digest(of:)))
        }
        if key == nil, let registered = encodeRegistered(body, receivedAt: receivedAt) { return registered }
        let root: JSONValue
        do {
            // The batch limit holds while parsing: elements past it are never built.
            root = try JSONValue.parse(body, maxRootArrayElements: limits.maxBatchEvents)
        } catch {
            switch error {
            case .syntax(let syntax): throw Self.malformed(syntax, type: RelayMetrics.unknownType)
            case .tooManyElements(let limit):
                RelayMetrics.rejected(type: RelayMetrics.unknownType, reason: .tooLarge)
                throw APIError(
                    .contentTooLarge, code: "too_many_events",
                    message: "the batch has more than \(limit) events; the limit is \(limit)")
            }
        }
        if let registered = try parseRegistered(root, receivedAt: receivedAt, key: key) { return registered }
        switch root {
        case .array(let elements):
            guard !elements.isEmpty else {
                RelayMetrics.rejected(type: RelayMetrics.unknownType, reason: .invalid)
                throw Self.unprocessable([
                    Violation(path: "", code: .tooShort, message: "a batch needs at least one event")
                ])
            }
            guard elements.count <= limits.maxBatchEvents else {
                RelayMetrics.rejected(type: RelayMetrics.unknownType, reason: .tooLarge, count: elements.count)
                throw APIError(
                    .contentTooLarge, code: "too_many_events",
                    message: "the batch has \(elements.count) events; the limit is \(limits.maxBatchEvents)")
            }
            let events = try validate(elements, type: nil, source: .v1, receivedAt: receivedAt, batch: true, key: key)
            return Parsed(events: events, bodyDigest: key.map { _ in IdempotencyKey.digest(of: root.serializedBytes()) })
        default:
            let events = try validate([root], type: nil, source: .v1, receivedAt: receivedAt, batch: false, key: key)
            return Parsed(events: events, bodyDigest: key.map { _ in IdempotencyKey.digest(of: root.serializedBytes()) })
        }
    }

    /// A legacy body: one reference-relay payload; the route decides the type.
    func parseLegacy(_ body: Data, type: String, receivedAt: Date, key: IdempotencyKey? = nil) throws(APIError) -> Parsed {
        let root = try parseJSON(body, type: type)
        let events = try validate([root], type: type, source: .legacy, receivedAt: receivedAt, batch: false, key: key)
        return Parsed(events: events, bodyDigest: key.map { _ in IdempotencyKey.digest(of: root.serializedBytes()) })
    }

    private func parseJSON(_ body: Data, type: String) throws(APIError) -> JSONValue {
        do {
            return try JSONValue.parse(body)
        } catch {
            throw Self.malformed(error, type: type)
        }
    }

    private static func malformed(_ error: JSONSyntaxError, type: String) -> APIError {
        RelayMetrics.rejected(type: type, reason: .malformedJSON)
        return APIError(
            .badRequest, code: "malformed_json", message: error.description,
            details: [APIError.Detail(path: "", message: error.description, code: Violation.Code.malformedJSON.rawValue)])
    }

    /// Validates every element and checks each resulting event fits one Kafka message.
    func validate(
        _ elements: [JSONValue], type: String?, source: EventSource, receivedAt: Date, batch: Bool,
        key: IdempotencyKey?
    ) throws(APIError) -> [EncodedEvent] {
        var events: [EncodedEvent] = []
        var violations: [Violation] = []
        var rejectedTypes: [String] = []
        for (index, element) in elements.enumerated() {
            var found: [Violation] = []
            switch parser.parse(element, type: type, source: source, receivedAt: receivedAt) {
            case .success(var envelope):
                // An event without its own id gets one derived from the key: the same on a retry.
                if let key, source == .legacy || element["id"] == nil {
                    envelope = envelope.withID(key.eventID(index: index, content: element.serializedBytes()))
                }
                let event = EncodedEvent(envelope)
                if source == .v1, element["id"] != nil, RelayEventID.isRelayAssigned(envelope.id) {
                    found = [Self.resentRelayID]
                } else if event.json.count > limits.validation.maxEventBytes {
                    found = [
                        Violation(
                            path: "", code: .tooLong,
                            message: "the event is \(event.json.count) bytes as stored; the limit is \(limits.validation.maxEventBytes)")
                    ]
                } else {
                    events.append(event)
                }
            case .failure(let failure):
                found = failure.violations.map(namingRegisteredTypes)
            }
            guard !found.isEmpty else { continue }
            rejectedTypes.append(type ?? claimedType(of: element))
            violations += batch ? found.map { $0.prefixed(byIndex: index) } : found
        }
        guard violations.isEmpty else {
            for rejected in rejectedTypes { RelayMetrics.rejected(type: rejected, reason: .invalid) }
            for event in events { RelayMetrics.rejected(type: event.type, reason: .batchRejected) }
            throw Self.unprocessable(violations)
        }
        return events
    }

    /// A client sending an id in the relay-assigned form (``RelayEventID``) resends an event
    /// already stored, which left no dedupe record: refused, or it would count twice.
    static let resentRelayID = Violation(
        path: "id", code: .notAllowed,
        message: "is an id the relay assigned to an event it already stored; resending it would count the event twice "
            + "(send a new event without an id, or with an id of your own)")

    /// The registered type an invalid event claims, for metric labels (never free text).
    func claimedType(of element: JSONValue) -> String {
        guard let claimed = element["type"]?.stringValue, parser.registry.kind(named: claimed) != nil else {
            return RelayMetrics.unknownType
        }
        return claimed
    }

    /// An unknown type's violation lists the built-in types (the shared parser knows only
    /// those); the relay adds the registered types it accepts now.
    func namingRegisteredTypes(_ violation: Violation) -> Violation {
        guard violation.code == .unknownType, let names = registry?.readyNames, !names.isEmpty else { return violation }
        return Violation(path: violation.path, code: .unknownType, message: violation.message + ", " + names.joined(separator: ", "))
    }

    static func unprocessable(_ violations: [Violation]) -> APIError {
        let count = violations.count
        return APIError(
            .unprocessableContent, code: "invalid_event",
            message: "\(count) problem\(count == 1 ? "" : "s") found: " + violations.prefix(3).map(\.description)
                .joined(separator: "; ") + (count > 3 ? "; ..." : ""),
            details: violations.map { APIError.Detail(path: $0.path, message: $0.message, code: $0.code.rawValue) })
    }
}
