/// One thing a visitor did, ready to post to the relay: a page load or a button click.
public struct StorefrontEvent: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case click, pageload

        /// The reference's topic name, used by legacy payloads.
        public var legacyTopic: String {
            switch self {
            case .click: "edm-ui-click"
            case .pageload: "edm-ui-pageload"
            }
        }

        /// The relay's legacy route for this kind.
        public var legacyPath: String {
            switch self {
            case .click: "/produceClickMessage"
            case .pageload: "/producePageLoad"
            }
        }
    }

    public enum Payload: Sendable, Equatable {
        case click(buttonID: String, description: String)
        case pageload(url: String, userAgent: String, description: String)
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
        self.legacy = legacy
    }

    public var kind: Kind {
        switch payload {
        case .click: .click
        case .pageload: .pageload
        }
    }
}
