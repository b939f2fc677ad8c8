/// Reading a record's headers by name, without touching its value: the way consumers learn an
/// event's type, schema version and trace before (or instead of) parsing the body.
extension Array where Element == KafkaHeader {
    /// The last header named `key` (Kafka allows repeats; the last one written wins), nil when
    /// there is none.
    public func header(named key: String) -> KafkaHeader? {
        last { $0.key == key }
    }

    /// The value of the last header named `key` as UTF-8 text; nil when absent, null or not UTF-8.
    public func string(named key: String) -> String? {
        header(named: key)?.stringValue
    }
}

extension KafkaHeader {
    /// The value as UTF-8 text; nil for a null value or bytes that are not valid UTF-8.
    public var stringValue: String? {
        value.flatMap { String(validating: $0, as: UTF8.self) }
    }
}
