import OpenAPIKit

/// `{"error": {"code", "message", "details"}}`: what every error answer of our services looks
/// like (written by EDMHTTP's `APIError`; described by the relay's and stats' documents; read by
/// the dashboard for its status line).
public struct ErrorDocument: StatsDocument {
    public struct Detail: Codable, Sendable, Equatable {
        public var path: String
        public var message: String
        public var code: String?

        public init(path: String, message: String, code: String? = nil) {
            self.path = path
            self.message = message
            self.code = code
        }
    }

    /// An event of a request that was stored although the request as a whole failed.
    public struct StoredEvent: Codable, Sendable, Equatable {
        /// Its place in the request (0 for a single event).
        public var index: Int
        public var id: String

        public init(index: Int, id: String) {
            self.index = index
            self.id = id
        }
    }

    public struct Payload: Codable, Sendable, Equatable {
        public var code: String
        public var message: String
        public var details: [Detail]?
        /// On a 503 for a batch: the events the broker did acknowledge, so a client retries only
        /// the others (those listed in `details`).
        public var stored: [StoredEvent]?

        public init(code: String, message: String, details: [Detail]? = nil, stored: [StoredEvent]? = nil) {
            self.code = code
            self.message = message
            self.details = details
            self.stored = stored
        }
    }

    public var error: Payload

    public init(error: Payload) { self.error = error }

    public static let schemaName = "Error"
    public static let schema = StatsSchema.closedObject(
        nil,
        [
            "error": .object(properties: [
                "code": .string,
                "message": .string,
                "details": .array(
                    required: false,
                    items: .object(properties: [
                        "path": .string(
                        description: "The query parameter, or the JSON path of the field (such as [3].properties.buttonId)."),
                        "message": .string,
                        "code": .string(
                            required: false, description: "Violation code (required, wrong_type, too_long, ...)."),
                    ])),
                "stored": .array(
                    required: false,
                    description: "On a 503 for a batch: the events that were stored anyway (retry only the others).",
                    items: .object(properties: [
                        "index": .integer(minimum: (0, exclusive: false)),
                        "id": .string(format: .uuid),
                    ])),
            ])
        ])
}
