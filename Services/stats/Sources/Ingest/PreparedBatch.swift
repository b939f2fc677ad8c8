import EDMEvents
import EDMKafka
import EDMPostgres
import Foundation

/// A decoded batch with its database writes built ahead, while the previous batch commits.
///
/// The writes assume the database will take every message as it is: none below its partition's
/// stored offset, no event id seen before. That holds for nearly every batch (the exceptions are
/// redelivery after a crash or rebalance, and client retries), and ``IngestStore`` checks it
/// inside the transaction: when it does not hold, it rebuilds the writes from ``messages``, so
/// the prepared parts only ever save time, never decide what is counted.
struct PreparedBatch: Sendable {
    let messages: [DecodedMessage]
    /// Distinct ids of the events whose id may repeat, in PostgreSQL's uuid order (rows are then
    /// inserted in index order); relay-assigned ids are never recorded (see ``CountableEvent``).
    let eventIDs: [UUID]
    /// Every aggregate increment and skipped-message count of the batch, as statements to be
    /// combined into one.
    let writes: [PostgresStatement]
    /// What committing the writes changes (without offsets and fencing, which only the
    /// transaction knows).
    let outcome: BatchOutcome

    init(_ messages: [DecodedMessage]) {
        self.messages = messages
        eventIDs = Self.distinctEventIDs(messages)
        (writes, outcome) = Self.writes(for: messages, isNew: { _ in true })
    }

    var count: Int { messages.count }

    /// The batch's first `count` messages, or the rest after them, prepared anew (for
    /// splitting a batch the database rejected).
    func prefix(_ count: Int) -> PreparedBatch { PreparedBatch(Array(messages.prefix(count))) }
    func dropFirst(_ count: Int) -> PreparedBatch { PreparedBatch(Array(messages.dropFirst(count))) }

    static func distinctEventIDs(_ messages: [DecodedMessage]) -> [UUID] {
        // Sized on the first id that needs it: batches of relay-assigned ids allocate nothing.
        var ids = Set<UUID>()
        for message in messages {
            guard case .event(let event) = message.item, event.mayRepeat else { continue }
            if ids.isEmpty { ids.reserveCapacity(messages.count) }
            ids.insert(event.id)
        }
        return ids.sorted { $0.sortKey < $1.sortKey }
    }

    /// The aggregate and skipped-message writes for `messages`, counting an event whose id may
    /// repeat only when `isNew` says its id was not seen before and it is its id's first message
    /// in the batch. A relay-assigned id always counts: its one message is fenced by offset.
    static func writes(
        for messages: [DecodedMessage], isNew: (UUID) -> Bool
    ) -> ([PostgresStatement], BatchOutcome) {
        var outcome = BatchOutcome()
        var counted: [CountableEvent] = []
        counted.reserveCapacity(messages.count)
        var skipped: [SkipReason: (count: Int64, last: DecodedMessage)] = [:]
        var claimed = Set<UUID>()
        for message in messages {
            switch message.item {
            case .event(let event):
                if event.mayRepeat, claimed.isEmpty { claimed.reserveCapacity(messages.count) }
                if !event.mayRepeat || (isNew(event.id) && claimed.insert(event.id).inserted) {
                    counted.append(event)
                } else {
                    outcome.duplicates += 1
                }
            case .skipped(let reason):
                skipped[reason] = ((skipped[reason]?.count ?? 0) + 1, message)
                outcome.skipped[reason, default: 0] += 1
            }
        }
        let aggregate = BatchAggregate(counted)
        outcome.counted = aggregate.types.mapValues { Int($0.count) }
        var writes = AggregateWriter.writes(for: aggregate)
        if let skippedWrite = AggregateWriter.skippedWrite(skipped) { writes.append(skippedWrite) }
        return (writes, outcome)
    }
}
