import EDMEvents

/// The part of a rule that decides whether an event counts and under which key, held by
/// reference: matching each event against every rule then copies no ``AlertRule`` (a large
/// struct; copying it per event and rule was a tenth of decoding in a profile of the bench).
final class RuleMatcher: Sendable {
    let eventType: String
    let conditions: [FieldCondition]
    let keyField: FieldPath?

    init(_ rule: AlertRule) {
        eventType = rule.eventType
        conditions = rule.conditions
        keyField = rule.keyField
    }

    /// ``AlertRule/key(of:)`` of the rule it was made from.
    func key(of event: EventFields) -> String? {
        AlertRule.key(of: event, eventType: eventType, conditions: conditions, keyField: keyField)
    }
}
