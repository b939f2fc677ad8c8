import EDMEvents
import EDMKafka
import EDMRegistry

/// Reading the topics of types registered while stats runs: the group's subscription grows by a
/// type's topic once the registry knows the type and the topic exists. The rebalance that
/// follows assigns the new partitions through the usual hook, which starts each at its stored
/// offset, or at the earliest one when none is stored (a new topic): every event of a new type
/// is counted from its first.
extension StatsIngestor {
    /// Registrations read together (a restart reads the whole registry at once) are gathered
    /// for this long, so they cost one rebalance, not one each.
    static let subscriptionSettle: Duration = .milliseconds(300)

    /// The built-in types' topics and those of every registered type whose topic exists.
    static func topics(names: KafkaNames, registry: SchemaRegistry?) -> [String] {
        let registered = (registry?.readyNames ?? []).map { names.prefix + RegisteredType.topicBase(for: $0) }
        return names.allTopics + registered.filter { !names.allTopics.contains($0) }
    }

    /// Re-subscribes whenever a registered type's topic becomes ready, until cancelled.
    func followRegisteredTopics(_ registry: SchemaRegistry) async {
        let names = decoder.records.names
        var subscribed = Set(initialTopics)
        let changes = registry.changes()
        func resubscribe() {
            let wanted = Self.topics(names: names, registry: registry)
            guard Set(wanted) != subscribed else { return }
            do {
                try consumer.subscribe(topics: wanted)
                logger.info(
                    "reading the topics of registered types",
                    metadata: ["topics": "\(wanted.filter { !subscribed.contains($0) }.sorted())"])
                subscribed = Set(wanted)
            } catch {
                logger.error("could not subscribe to registered types' topics", metadata: ["error": "\(error)"])
            }
        }
        resubscribe()
        for await change in changes {
            guard case .topicReady = change else { continue }
            try? await Task.sleep(for: Self.subscriptionSettle)
            if Task.isCancelled { return }
            resubscribe()
        }
    }
}
