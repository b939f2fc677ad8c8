import EDMHTTP
import EDMPostgres

/// Maps "the database cannot be reached right now" to a 503 the client can retry, and retries
/// once first when a pooled connection turns out to have died while idle (after a database
/// restart the first use of each old connection fails that way).
enum DatabaseAvailability {
    static let retryAfterSeconds = 5

    static func run<T: Sendable>(_ read: () async throws -> T) async throws -> T {
        do {
            return try await read()
        } catch let error as PostgresError where error.kind == .connectionLost || error.kind == .connectionClosed {
            do {
                return try await read()
            } catch let error as PostgresError where error.isUnavailable {
                throw unavailable
            }
        } catch let error as PostgresError where error.isUnavailable {
            throw unavailable
        }
    }

    static var unavailable: APIError {
        .unavailable("the stats database is unavailable; try again shortly", retryAfterSeconds: retryAfterSeconds)
    }
}

extension PostgresError {
    /// The database, not the request, is at fault: down, restarting, refusing connections,
    /// out of connections, or the pool is exhausted or closing.
    var isUnavailable: Bool {
        switch kind {
        case .connectionFailed, .connectionLost, .connectionClosed, .poolTimeout, .poolClosed: return true
        case .server, .client:
            guard let sqlState else { return false }
            return isConnectionError || sqlState.hasPrefix("53") || sqlState == "57014"
        }
    }
}
