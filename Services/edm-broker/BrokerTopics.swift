import EDMEvents

/// The topics the broker creates when none are named: one per registered event type.
enum BrokerTopics {
    static func defaultTopics(prefix: String) throws -> [String] {
        try KafkaNames(prefix: prefix).allTopics
    }
}
