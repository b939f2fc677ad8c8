/// One thing a visitor did, ready to post to the relay: a page load, a button click, or (with
/// `--signup-share`) an account created at the cart, a type registered at runtime.
public struct StorefrontEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case click, pageload, signup

        /// The reference's topic name, used by legacy payloads (nil: the type has no legacy form).
        public var legacyTopic: String? {
            switch self {
            case .click: "edm-ui-click"
            case .pageload: "edm-ui-pageload"
            case .signup: nil
            }
        }

        /// The relay's legacy route for this kind (nil: v1 only).
        public var legacyPath: String? {
            switch self {
            case .click: "/produceClickMessage"
            case .pageload: "/producePageLoad"
            case .signup: nil
            }
        }
    }

    public enum Payload: Sendable, Equatable {
        case click(buttonID: String, description: String)
        case pageload(url: String, userAgent: String, description: String)
        /// The registered `signup` type (``SignupType``).
        case signup(accountID: String, plan: String, seats: Int)
    }

    /// Client-chosen id (v1 only) so a retried POST is counted once by stats.
    public var id: String
    public var sessionID: String
    /// Client clock, milliseconds since 1970.
    public var occurredAtMilliseconds: Int64
    public var payload: Payload
    /// Send through the reference's legacy route and payload instead of `POST /v1/events`.
    public var legacy: Bool

    public init(id: String, sessionID: String, occurredAtMilliseconds: Int64, payload: Payload, legacy: Bool) {
        self.id = id
        self.sessionID = sessionID
        self.occurredAtMilliseconds = occurredAtMilliseconds
        self.payload = payload
        // Only the reference's two types have a legacy form.
        self.legacy = legacy && payload.kind.legacyPath != nil
    }

    public var kind: Kind { payload.kind }
}

extension StorefrontEvent.Payload {
    public var kind: StorefrontEvent.Kind {
        switch self {
        case .click: .click
        case .pageload: .pageload
        case .signup: .signup
        }
    }
}
