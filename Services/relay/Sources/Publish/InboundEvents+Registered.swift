import EDMEvents
import EDMHTTP
import Foundation

/// Requests naming a type registered at runtime: each such event is validated by its type's
/// compiled validator (``RegisteredEventParser``) with the same 422 paths as the built-in
/// types; built-in events of the same batch go through the built-in parser unchanged. A type
/// whose topic does not exist yet (`pending`) is refused with the command that creates it.
extension InboundEvents {
    /// The registered types' one-pass fast path (``RegisteredEventParser/encodeRequest``): only
    /// valid events of accepting types in the usual shape; nil sends the body to the general
    /// path, which gives the same events or every violation. Requests with an Idempotency-Key
    /// take the general path (it derives their ids and the body digest).
    func encodeRegistered(_ body: Data, receivedAt: Date) -> Parsed? {
        guard let registry,
            let events = registeredParser.encodeRequest(
                body, receivedAt: receivedAt, maxEvents: limits.maxBatchEvents, lookup: registry.accepting),
            events.allSatisfy({ $0.json.count <= limits.validation.maxEventBytes })
        else { return nil }
        return Parsed(events: [], bodyDigest: nil, outbound: events.map(OutboundEvent.registered))
    }

    /// nil when no event names a registered type (the built-in path goes on as before).
    func parseRegistered(_ root: JSONValue, receivedAt: Date, key: IdempotencyKey?) throws(APIError) -> Parsed? {
        guard let registry else { return nil }
        let elements: [JSONValue]
        let batch: Bool
        switch root {
        case .array(let array): (elements, batch) = (array, true)
        default: (elements, batch) = ([root], false)
        }
        guard !elements.isEmpty, elements.count <= limits.maxBatchEvents,
            elements.contains(where: { element in element["type"]?.stringValue.flatMap(registry.entry(named:)) != nil })
        else { return nil }

        var events: [OutboundEvent] = []
        var violations: [Violation] = []
        var rejectedTypes: [String] = []
        for (index, element) in elements.enumerated() {
            var found: [Violation] = []
            if let name = element["type"]?.stringValue, let entry = registry.entry(named: name) {
                if !entry.topicReady {
                    found = [
                        Violation(
                            path: "type", code: .notAllowed,
                            message: "\(name) is registered but pending: its topic does not exist yet (run: "
                                + TopicProvisioner.createCommand(for: entry.current.type) + ")")
                    ]
                } else {
                    let derive = key.map { key in { key.eventID(index: index, content: element.serializedBytes()) } }
                    switch registeredParser.parse(element, as: entry.current, receivedAt: receivedAt, deriveID: derive) {
                    case .success(let event):
                        found = storageProblems(id: event.id, sentOwnID: element["id"] != nil, bytes: event.json.count)
                        if found.isEmpty { events.append(.registered(event)) }
                    case .failure(let failure):
                        found = failure.violations.map(namingRegisteredTypes)
                    }
                }
                if !found.isEmpty { rejectedTypes.append(RelayMetrics.registeredType) }
            } else {
                // A built-in event of the same batch: the built-in parser, its id derived from
                // the key with the event's own place in the request (as the built-in path does).
                switch parser.parse(element, type: nil, source: .v1, receivedAt: receivedAt) {
                case .success(var envelope):
                    if let key, element["id"] == nil {
                        envelope = envelope.withID(key.eventID(index: index, content: element.serializedBytes()))
                    }
                    let event = EncodedEvent(envelope)
                    found = storageProblems(id: envelope.id, sentOwnID: element["id"] != nil, bytes: event.json.count)
                    if found.isEmpty { events.append(.builtIn(event)) }
                case .failure(let failure):
                    found = failure.violations.map(namingRegisteredTypes)
                }
                if !found.isEmpty { rejectedTypes.append(claimedType(of: element)) }
            }
            violations += batch ? found.map { $0.prefixed(byIndex: index) } : found
        }
        guard violations.isEmpty else {
            for rejected in rejectedTypes { RelayMetrics.rejected(type: rejected, reason: .invalid) }
            throw Self.unprocessable(violations)
        }
        return Parsed(
            events: [], bodyDigest: key.map { _ in IdempotencyKey.digest(of: root.serializedBytes()) }, outbound: events)
    }

    /// What can still be wrong with a valid event once encoded, as the built-in path checks it:
    /// a client resending an id of the relay-assigned form, or an event too large to store.
    private func storageProblems(id: UUID, sentOwnID: Bool, bytes: Int) -> [Violation] {
        if sentOwnID, RelayEventID.isRelayAssigned(id) { return [Self.resentRelayID] }
        guard bytes <= limits.validation.maxEventBytes else {
            return [
                Violation(
                    path: "", code: .tooLong,
                    message: "the event is \(bytes) bytes as stored; the limit is \(limits.validation.maxEventBytes)")
            ]
        }
        return []
    }
}
