import EDMEvents

/// The topics the broker creates when none are named: one per event type on the cluster
/// (client events and the derived alerts), and the schema registry's topic.
enum BrokerTopics {
    static func defaultTopics(prefix: String) throws -> [String] {
        let names = try KafkaNames(prefix: prefix, registry: .all)
        return names.allTopics + [names.prefix + RegisteredType.registryTopicBase]
    }
}
