import EDMEvents
import EDMKafka
import Logging
import Synchronization

/// Makes sure a registered type's topic exists before its events are accepted.
///
/// On registration (``create(for:)``): a topic that already exists is used as it is; otherwise
/// it is created through the Kafka admin API (CreateTopics) with the type's partition count. A
/// cluster that refuses clients topic administration (authorization errors, as on Heroku's
/// multi-tenant plans) leaves the type `pending`: the registration answers with the
/// `heroku kafka:topics:create` command to run, and ``RegistryFollower`` re-checks pending
/// types every few seconds and activates them once the topic exists. A cluster without the
/// admin API (librdkafka 2.0.2's mock cluster, used by the tests and the local run, never
/// answers CreateTopics) is asked about the topic alone instead, which creates it where the
/// cluster allows that (the mock does, with 4 partitions); after one such failure the admin API
/// is not tried again by this process.
struct TopicProvisioner: Sendable {
    let producer: KafkaProducer
    let names: KafkaNames
    var adminTimeout: Duration = .seconds(2)
    var logger = Logger(label: "relay.registry")
    private let adminUnavailable = AdminAvailability()

    init(producer: KafkaProducer, names: KafkaNames) {
        self.producer = producer
        self.names = names
    }

    enum State: Sendable, Equatable {
        case ready
        case missing
    }

    func topic(for type: RegisteredType) -> String { names.prefix + type.topicBase }

    /// Whether the topic exists now (cluster metadata; never creates it).
    func check(_ type: RegisteredType) async -> State {
        let topic = topic(for: type)
        guard let counts = try? await producer.partitionCounts(topics: [topic], timeout: .seconds(3)), counts[topic] != nil else {
            return .missing
        }
        return .ready
    }

    /// Creates the topic where the cluster lets the relay; `.missing` where it does not.
    func create(for type: RegisteredType) async -> State {
        if await check(type) == .ready { return .ready }
        let topic = topic(for: type)
        if !adminUnavailable.value {
            do {
                try await producer.createTopic(topic, partitions: Int32(type.partitions), timeout: adminTimeout)
                return .ready
            } catch let error as KafkaError where Self.authorizationCodes.contains(error.code) {
                logger.warning(
                    "the cluster refuses to create topics; the type stays pending until the topic exists",
                    metadata: ["topic": "\(topic)", "error": "\(error.codeName)"])
                return .missing
            } catch {
                adminUnavailable.value = true
                logger.notice(
                    "the cluster did not answer CreateTopics; asking about the topic alone instead (creates it where allowed)",
                    metadata: ["topic": "\(topic)", "error": "\(error)"])
            }
        }
        let partitions = try? await producer.topicPartitionCount(topic, timeout: .seconds(3))
        return partitions == nil ? .missing : .ready
    }

    /// TOPIC_AUTHORIZATION_FAILED, CLUSTER_AUTHORIZATION_FAILED, POLICY_VIOLATION.
    static let authorizationCodes: Set<Int32> = [29, 31, 44]

    /// The command an operator runs where clients cannot create topics (the Heroku CLI adds
    /// the app's `KAFKA_PREFIX` itself).
    static func createCommand(for type: RegisteredType) -> String {
        "heroku kafka:topics:create \(type.topicBase) --partitions \(type.partitions)"
    }
}

/// Whether this process found the cluster without a working admin API (then never asked again).
private final class AdminAvailability: Sendable {
    private let unavailable = Mutex(false)

    var value: Bool {
        get { unavailable.withLock { $0 } }
        set { unavailable.withLock { $0 = newValue } }
    }
}
