import EDMEvents

/// The topics the broker creates when none are named: one per event type on the cluster
/// (client events and the derived alerts).
enum BrokerTopics {
    static func defaultTopics(prefix: String) throws -> [String] {
        try KafkaNames(prefix: prefix, registry: .all).allTopics
    }
}
