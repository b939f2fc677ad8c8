import EDMEvents
import EDMKafka

/// Makes sure a registered type's topic exists before its events are accepted.
///
/// It asks the cluster about the topic alone, from the relay's producer: a cluster that lets
/// clients create topics on first use creates it then (librdkafka's mock cluster, used by the
/// tests and the local run, does so with its default of 4 partitions). On a cluster that does not
/// (Heroku's multi-tenant plans refuse clients any topic administration), the type stays
/// `pending` and the registration answers with the `heroku kafka:topics:create` command to run;
/// ``RegistryFollower`` re-checks pending types every few seconds and activates them once the
/// topic exists. The Kafka admin API (CreateTopics with the type's partition count) is not
/// bound in EDMKafka yet: the mock does not implement it.
struct TopicProvisioner: Sendable {
    let producer: KafkaProducer
    let names: KafkaNames

    enum State: Sendable, Equatable {
        case ready(partitions: Int32)
        case missing
    }

    func topic(for type: RegisteredType) -> String { names.prefix + type.topicBase }

    func check(_ type: RegisteredType) async -> State {
        guard let partitions = try? await producer.topicPartitionCount(topic(for: type), timeout: .seconds(3)) else {
            return .missing
        }
        return .ready(partitions: partitions)
    }

    /// The command an operator runs where clients cannot create topics (the Heroku CLI adds
    /// the app's `KAFKA_PREFIX` itself).
    static func createCommand(for type: RegisteredType) -> String {
        "heroku kafka:topics:create \(type.topicBase) --partitions \(type.partitions)"
    }
}
