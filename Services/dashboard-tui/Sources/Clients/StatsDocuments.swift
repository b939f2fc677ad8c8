import Foundation

/// The stats API's documents as the dashboard reads them (`GET /v1/stats/*`, see stats'
/// `/openapi.json`). Our own structs, not the service's types: the dashboard depends on the
/// wire contract, not on the stats module. Fields the dashboard does not use are left out, so
/// an added field never breaks it.
public enum StatsDocuments {
    /// `GET /v1/stats/summary`.
    public struct Summary: Codable, Sendable, Equatable {
        public struct TypeTotal: Codable, Sendable, Equatable {
            public var count: Int64
            public var lastEventAt: Date?
            /// The newest `receivedAt` stats counted for this type: the watermark live events are
            /// compared with.
            public var lastReceivedAt: Date?

            public init(count: Int64, lastEventAt: Date? = nil, lastReceivedAt: Date? = nil) {
                self.count = count
                self.lastEventAt = lastEventAt
                self.lastReceivedAt = lastReceivedAt
            }
        }

        public var totalEvents: Int64
        public var types: [String: TypeTotal]
        public var lastEventAt: Date?
        public var lastReceivedAt: Date?

        public init(totalEvents: Int64, types: [String: TypeTotal], lastEventAt: Date? = nil, lastReceivedAt: Date? = nil) {
            self.totalEvents = totalEvents
            self.types = types
            self.lastEventAt = lastEventAt
            self.lastReceivedAt = lastReceivedAt
        }
    }

    /// `GET /v1/stats/clicks?limit=N`.
    public struct Clicks: Codable, Sendable, Equatable {
        public struct Button: Codable, Sendable, Equatable {
            public var buttonId: String
            public var clicks: Int64

            public init(buttonId: String, clicks: Int64) {
                self.buttonId = buttonId
                self.clicks = clicks
            }
        }

        public var buttons: [Button]
        public var totalClicks: Int64
        public var distinctButtons: Int64

        public init(buttons: [Button], totalClicks: Int64, distinctButtons: Int64) {
            self.buttons = buttons
            self.totalClicks = totalClicks
            self.distinctButtons = distinctButtons
        }
    }

    /// `GET /v1/stats/pageloads?limit=N`.
    public struct PageLoads: Codable, Sendable, Equatable {
        public var totalPageLoads: Int64
        public var byDeviceType: [String: Int64]

        public init(totalPageLoads: Int64, byDeviceType: [String: Int64]) {
            self.totalPageLoads = totalPageLoads
            self.byDeviceType = byDeviceType
        }
    }

    /// `GET /v1/stats/timeseries?type=T&bucket=10s&from=&to=`.
    public struct Timeseries: Codable, Sendable, Equatable {
        public struct Point: Codable, Sendable, Equatable {
            public var start: Date
            public var count: Int64

            public init(start: Date, count: Int64) {
                self.start = start
                self.count = count
            }
        }

        public var type: String
        public var bucket: String
        public var from: Date
        public var to: Date
        public var points: [Point]

        public init(type: String, bucket: String, from: Date, to: Date, points: [Point]) {
            self.type = type
            self.bucket = bucket
            self.from = from
            self.to = to
            self.points = points
        }
    }

    /// `{"error": {"code", "message"}}`, what every stats error answers.
    public struct ErrorBody: Codable, Sendable {
        public struct Detail: Codable, Sendable {
            public var code: String
            public var message: String
        }

        public var error: Detail
    }
}
