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

    public struct Payload: Codable, Sendable, Equatable {
        public var code: String
        public var message: String
        public var details: [Detail]?

        public init(code: String, message: String, details: [Detail]? = nil) {
            self.code = code
            self.message = message
            self.details = details
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
            ])
        ])
}
