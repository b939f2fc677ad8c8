import Foundation

/// The state of one connection (stats or stream) as the header shows it.
public enum LinkStatus: Sendable, Equatable {
    /// Not tried yet.
    case idle
    /// Not used in this mode (`--snapshot` without a stream read).
    case off
    case connecting(attempt: Int)
    case connected(since: Date)
    /// A transient failure; the next try is at `at` ("reconnecting in 3s").
    case retrying(at: Date, attempt: Int, reason: String)
    /// A failure retrying soon will not fix (refused credentials, wrong URL): shown as an error,
    /// still retried slowly in case the operator fixes the server side.
    case failed(reason: String, retryAt: Date)

    public var isConnected: Bool {
        if case .connected = self { return true }
        return false
    }
}

/// Why a connection attempt failed, and whether trying again soon can help.
public struct LinkFailure: Error, Sendable, Equatable, CustomStringConvertible {
    public var reason: String
    /// Auth refused (401/403), not found (404), bad request (400): back off to the longest delay.
    public var permanent: Bool

    public init(_ reason: String, permanent: Bool = false) {
        self.reason = reason
        self.permanent = permanent
    }

    public var description: String { reason }
}
