import EDMCore
import EDMEvents
import EDMHTTP
import EDMRegistry
import Hummingbird
import HummingbirdCore

/// The query string of `GET /v1/stream`, checked before the upgrade so a mistake gets a 400
/// listing every problem instead of a connection that silently shows nothing.
///
/// - `types=click,pageload` (comma list, or repeated)
/// - `buttonId=<id>` (repeated for several; taken verbatim because ids contain commas)
/// - `deviceType=mobile,tablet` (comma list, or repeated)
/// - `sessionId=<id>`
/// - `level=warning,critical` (alerts of these levels; use with `types=alert`)
/// - `last=<N>`, `since=<RFC 3339>` or `resume=<cursor>` (one of them): history first, then live
/// - `where=properties.plan:pro` (repeated: ANDed; see `WhereCondition`), on registered types
/// - `token=<token>` (for browsers, which cannot set headers on WebSocket requests)
///
/// A token limited to types (`scope`) gets 403 `type_not_allowed` for `types=` outside them, and
/// only its types without `types=`.
struct StreamQuery: Sendable, Equatable {
    var filter: StreamFilter
    var replay: ReplayRequest?

    static let parameters: Set<String> = [
        "types", "buttonId", "deviceType", "sessionId", "level", "last", "since", "resume", "token", "where",
    ]

    init(filter: StreamFilter = .all, replay: ReplayRequest? = nil) {
        self.filter = filter
        self.replay = replay
    }

    /// - Parameters:
    ///   - registry: types registered at runtime (`types=` and `where=` accept them).
    ///   - scope: the types the client's token may read (nil: every type).
    /// - Throws: `APIError.badRequest` with one detail per problem; 403 `type_not_allowed`.
    init(
        parameters: FlatDictionary<Substring, Substring>, maxLast: Int, registry: SchemaRegistry? = nil,
        scope: Set<String>? = nil
    ) throws(APIError) {
        var builder = FilterBuilder(registered: registry)
        var details: [APIError.Detail] = []
        for (key, _) in parameters where !Self.parameters.contains(String(key)) {
            details.append(.init(
                path: String(key),
                message: "unknown parameter; known: " + Self.parameters.sorted().joined(separator: ", ")))
        }
        let types = Self.commaList(parameters[values: "types"], name: "types")
        if !types.isEmpty { builder.setTypes(types) }
        let buttonIds = parameters[values: "buttonId"].enumerated().map { (path: "buttonId[\($0.offset)]", value: String($0.element)) }
        if !buttonIds.isEmpty { builder.setButtonIds(buttonIds) }
        let devices = Self.commaList(parameters[values: "deviceType"], name: "deviceType")
        if !devices.isEmpty { builder.setDeviceTypes(devices) }
        let levels = Self.commaList(parameters[values: "level"], name: "level")
        if !levels.isEmpty { builder.setAlertLevels(levels) }
        let sessions = parameters[values: "sessionId"]
        if sessions.count > 1 {
            builder.addViolation(path: "sessionId", message: "give at most one session id")
        } else if let sessionId = sessions.first {
            builder.setSessionId(String(sessionId), path: "sessionId")
        }
        details += builder.violations.map { APIError.Detail(path: $0.path, message: $0.message) }
        var filter = builder.filter
        let wheres = parameters[values: "where"].map(String.init)
        if !wheres.isEmpty {
            switch WhereSelection.resolve(wheres, types: filter.types, scope: scope, registry: registry) {
            case .success(let selection):
                filter.types = selection.types
                filter.condition = selection.condition
            case .failure(let problems):
                details += problems.details
            }
        }

        var replay: ReplayRequest?
        let last = parameters[values: "last"]
        let since = parameters[values: "since"]
        let resume = parameters[values: "resume"]
        let given = [("last", last), ("since", since), ("resume", resume)].filter { !$0.1.isEmpty }
        if given.count > 1 {
            details.append(.init(
                path: given[1].0, message: "use one of last, since and resume, not " + given.map(\.0).joined(separator: " and ")))
        } else if let repeated = given.first(where: { $0.1.count > 1 }) {
            details.append(.init(path: repeated.0, message: "give it once"))
        } else if let raw = resume.first {
            do {
                replay = .resume(try StreamCursor(parsing: String(raw)))
            } catch {
                details.append(.init(path: "resume", message: error.description))
            }
        } else if let raw = last.first {
            if let count = Int(raw), (1...maxLast).contains(count) {
                replay = .last(count)
            } else {
                details.append(.init(path: "last", message: "expected an integer in 1...\(maxLast), got \(String(raw).debugDescription)"))
            }
        } else if let raw = since.first {
            if let date = EventTimestamp.date(from: String(raw)) {
                replay = .since(EventTimestamp.milliseconds(from: date))
            } else {
                details.append(.init(
                    path: "since",
                    message: "expected an RFC 3339 timestamp such as 2024-05-01T12:00:00Z, got \(String(raw).debugDescription)"))
            }
        }
        guard details.isEmpty else {
            throw .badRequest("invalid stream parameters", details: details)
        }
        if let scope { filter.types = try Self.scoped(filter.types, to: scope) }
        self.init(filter: filter, replay: replay)
    }

    /// The types a scoped token reads: those asked for, all within `scope` (else 403), or its
    /// whole scope.
    static func scoped(_ types: Set<String>?, to scope: Set<String>) throws(APIError) -> Set<String> {
        guard let types else { return scope }
        let refused = types.subtracting(scope).sorted()
        guard refused.isEmpty else {
            throw APIError(
                .forbidden, code: "type_not_allowed",
                message: "this token may read only " + scope.sorted().joined(separator: ", ") + " events; asked for "
                    + refused.joined(separator: ", "),
                details: refused.map { APIError.Detail(path: "types", message: "\($0) is not allowed for this token", code: "type_not_allowed") })
        }
        return types
    }

    private static func commaList(_ values: [Substring], name: String) -> [(path: String, value: String)] {
        values.flatMap { $0.split(separator: ",", omittingEmptySubsequences: false) }
            .enumerated()
            .map { (path: "\(name)[\($0.offset)]", value: String($0.element).trimmingWhitespace) }
    }
}
