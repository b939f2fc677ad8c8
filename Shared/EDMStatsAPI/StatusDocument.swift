import OpenAPIKit

/// `/health` and `/ready` of every service (written by EDMHTTP's `OperationalRoutes`).
public enum StatusDocument {
    public static let schemaName = "Status"
    public static let schema = JSONSchema.object(
        description: "Status of the process and its dependencies.",
        properties: [
            "status": .string,
            "service": .string,
            "unavailable": .string(required: false, description: "Comma list of the dependencies that are down."),
        ])
}
