import Foundation

/// The one JSON configuration of the system, so every service writes events and dates alike.
///
/// Events: use ``encode(_:)`` / ``decode(_:)`` (canonical bytes: sorted keys, RFC 3339 UTC
/// millisecond dates; strict decoding). Other documents a service publishes (stats API
/// responses, SSE frames): use ``makeEncoder()``/``makeDecoder()``, configured to match. They are
/// factories, not shared instances, because `JSONEncoder` is a mutable class.
public enum EventJSON {
    public static func encode(_ envelope: EventEnvelope) -> Data { envelope.jsonData() }

    public static func decode(_ data: Data) throws(EventDecodingError) -> EventEnvelope {
        try EventEnvelope.decode(from: data)
    }

    /// Sorted keys, unescaped slashes, dates as ``EventTimestamp`` strings.
    public static func makeEncoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(EventTimestamp.string(from: date))
        }
        return encoder
    }

    /// Dates as any RFC 3339 `date-time` (see ``EventTimestamp``).
    public static func makeDecoder() -> JSONDecoder {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            let text = try container.decode(String.self)
            guard let date = EventTimestamp.date(from: text) else {
                throw DecodingError.dataCorruptedError(
                    in: container, debugDescription: "expected an RFC 3339 timestamp, got \(text)")
            }
            return date
        }
        return decoder
    }
}
