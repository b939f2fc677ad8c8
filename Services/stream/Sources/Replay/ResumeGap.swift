import EDMCore
import EDMEvents
import EDMKafka

/// Records a resume cursor asked for that Kafka no longer holds (retention removed them): the
/// client is told how many, per partition, instead of silently continuing after them.
struct ResumeGap: Sendable, Equatable {
    let partition: TopicPartition
    /// The cursor's position.
    let from: Int64
    /// The earliest offset still retained, where delivery continues.
    let to: Int64

    /// Offsets between the two: records gone (events, or garbage the stream would have skipped).
    var missed: Int64 { to.saturatingSubtracting(from) }

    var jsonValue: JSONValue {
        [
            "topic": .string(partition.topic), "partition": .integer(Int64(partition.partition)),
            "from": .integer(from), "to": .integer(to), "missed": .integer(missed),
        ]
    }
}
