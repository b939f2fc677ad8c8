import EDMEvents

extension KafkaNames {
    /// Whether stats counts `topic`: a built-in type's, or a registered type's
    /// (`<prefix>edm-ui-<type>`, read once the registry knows the type). For the commands that
    /// act on stored positions and on the topics' logs, which must cover registered types too.
    func isCounted(_ topic: String) -> Bool {
        allTopics.contains(topic) || RegisteredRecordDecoder.typeName(forTopic: topic, prefix: prefix) != nil
    }
}
