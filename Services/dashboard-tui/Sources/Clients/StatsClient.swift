import EDMCore
import AsyncHTTPClient
import EDMEvents
import EDMStatsAPI
import Foundation

/// Reads history from the stats API (`/v1/stats/*`) and classifies failures for the reconnect
/// machine: refused credentials, unknown paths and rejected parameters are permanent (retrying
/// soon will not help), everything else transient.
public struct StatsClient: Sendable {
    public let baseURL: String
    public let token: String?
    public let requestTimeout: Duration
    /// History shown by the chart: this many 10-second buckets back from now.
    public var seriesBuckets = 360
    /// Buttons asked for: more than the chart shows, so live clicks on a button outside the top
    /// rows still merge with its stored count.
    public var buttonLimit = 1000
    private let client: HTTPClient

    public init(baseURL: String, token: String?, requestTimeout: Duration = .seconds(5), client: HTTPClient = .shared) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.token = token
        self.requestTimeout = requestTimeout
        self.client = client
    }

    /// Loads summary, clicks, page loads and the time series together. The summary is the
    /// reference: when the per-type documents disagree with it (stats counted between the
    /// requests) the set is loaded again, up to `attempts` times.
    public func loadHistory(types: [String], now: Date, attempts: Int = 3) async throws(LinkFailure) -> HistorySnapshot {
        var snapshot: HistorySnapshot?
        for _ in 0..<max(1, attempts) {
            let loaded = try await loadOnce(types: types, now: now)
            snapshot = loaded
            if loaded.consistent { return loaded }
        }
        return snapshot!
    }

    func loadOnce(types: [String], now: Date) async throws(LinkFailure) -> HistorySnapshot {
        let from = EventTimestamp.string(from: now.addingTimeInterval(-Double(seriesBuckets) * 10))
        do {
            async let clicks = get("/v1/stats/clicks?limit=\(buttonLimit)", as: ClicksView.self)
            async let pageLoads = get("/v1/stats/pageloads?limit=1", as: PageLoadsView.self)
            // Every type the summary counted gets a series too (types registered at runtime).
            let summary = try await get("/v1/stats/summary", as: SummaryView.self)
            var series: [String: TimeseriesView] = [:]
            for type in types + summary.types.keys.sorted() where series[type] == nil {
                series[type] = try await self.series(of: type, from: from)
            }
            let loaded = HistorySnapshot(
                summary: summary, clicks: try await clicks, pageLoads: try await pageLoads,
                series: series, loadedAt: now)
            var result = loaded
            result.consistent = Self.isConsistent(loaded)
            return result
        } catch let failure as LinkFailure {
            throw failure
        } catch {
            throw LinkFailure(Self.describe(error))
        }
    }

    /// 10-second buckets of `type` from `from`: `/v1/stats/timeseries` for the built-in types,
    /// `/v1/stats/types/{type}` for types registered at runtime (the built-in route's `type`
    /// takes the built-in names only).
    func series(of type: String, from: String) async throws -> TimeseriesView {
        if EventRegistry.standard.kind(named: type) != nil {
            let query = "type=\(Self.escape(type))&bucket=10s&from=\(Self.escape(from))"
            return try await get("/v1/stats/timeseries?\(query)", as: TimeseriesView.self)
        }
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        let path = type.addingPercentEncoding(withAllowedCharacters: allowed) ?? type
        let view = try await get("/v1/stats/types/\(path)?bucket=10s&from=\(Self.escape(from))&limit=1", as: TypeStatsView.self)
        return TimeseriesView(
            type: view.type, bucket: view.bucket, from: view.from, to: view.to, points: view.points, timeBasis: view.timeBasis)
    }

    /// The per-type documents count what the summary counts.
    static func isConsistent(_ snapshot: HistorySnapshot) -> Bool {
        let types = snapshot.summary.types
        if let clicks = types["click"], clicks.count != snapshot.clicks.totalClicks { return false }
        if let pageLoads = types["pageload"], pageLoads.count != snapshot.pageLoads.totalPageLoads { return false }
        return true
    }

    /// GET `path` and decode its JSON; HTTP errors become ``LinkFailure``s naming the status and
    /// stats' own error message.
    public func get<Document: Decodable>(_ path: String, as type: Document.Type) async throws -> Document {
        var request = HTTPClientRequest(url: baseURL + path)
        request.headers.add(name: "Accept", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await client.execute(request, timeout: .milliseconds(requestTimeout.milliseconds))
        let body = try await response.body.collect(upTo: 16 << 20)
        let data = Data(body.readableBytesView)
        let status = Int(response.status.code)
        guard status == 200 else {
            let message = (try? JSONDecoder().decode(ErrorDocument.self, from: data))?.error.message
            let text = "HTTP \(status)" + (message.map { ": \($0)" } ?? "") + " from \(path)"
            throw LinkFailure(text, permanent: [400, 401, 403, 404].contains(status))
        }
        do {
            return try EventJSON.makeDecoder().decode(Document.self, from: data)
        } catch {
            throw LinkFailure("unexpected response from \(path): \(error)", permanent: true)
        }
    }

    static func escape(_ value: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "+&=?#")
        return value.addingPercentEncoding(withAllowedCharacters: allowed) ?? value
    }

    /// A short reason for the header ("connection refused"), not NIO's full error dump.
    static func describe(_ error: any Error) -> String {
        let text = String(describing: error)
        if text.localizedCaseInsensitiveContains("refused") { return "connection refused" }
        if text.localizedCaseInsensitiveContains("timeout") || text.localizedCaseInsensitiveContains("timedOut") {
            return "timed out"
        }
        if text.localizedCaseInsensitiveContains("resolve") || text.localizedCaseInsensitiveContains("dns") {
            return "host not found"
        }
        return text.count > 120 ? String(text.prefix(119)) + "…" : text
    }
}
