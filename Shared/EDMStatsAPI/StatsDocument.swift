import OpenAPIKit

/// A JSON document the stats API answers with. Each conformer declares its JSON Schema next to
/// its fields, so the server's encoding, `/openapi.json` and the dashboard's decoding share one
/// definition; `StatsTests` encodes sample values and validates them against these schemas.
public protocol StatsDocument: Codable, Sendable, Equatable {
    /// The name under `#/components/schemas/` in stats' OpenAPI document.
    static var schemaName: String { get }
    /// What the document looks like on the wire (dates as RFC 3339 strings, see `EventJSON`).
    static var schema: JSONSchema { get }
}

/// Schema pieces every stats document uses.
enum StatsSchema {
    /// An RFC 3339 timestamp as `EventJSON.makeEncoder()` writes it.
    static func timestamp(required: Bool = true, _ description: String? = nil) -> JSONSchema {
        .string(format: .dateTime, required: required, description: description)
    }

    /// A count of events: never negative.
    static func count(_ description: String? = nil) -> JSONSchema {
        .integer(format: .int64, description: description, minimum: (0, exclusive: false))
    }

    /// A count the reference service wrote as a decimal string.
    static func legacyCount(_ description: String? = nil) -> JSONSchema {
        .string(description: description, pattern: "^[0-9]+$")
    }

    /// An object with exactly `properties` (a property's `required` flag decides `required`).
    static func closedObject(
        _ description: String? = nil, _ properties: OrderedDictionary<String, JSONSchema>
    ) -> JSONSchema {
        .object(description: description, properties: properties, additionalProperties: .a(false))
    }

    /// A JSON object used as a map from names to `value`.
    static func map(_ description: String? = nil, of value: JSONSchema) -> JSONSchema {
        .object(description: description, additionalProperties: .b(value))
    }
}
