import EDMEvents
import Foundation

/// A request's query string, checked strictly: unknown or repeated parameters are 400s, so a
/// typo (`?bukcet=1m`) fails loudly instead of silently returning the default.
struct QueryParameters {
    private var values: [String: String] = [:]

    /// `pairs` are the decoded query items in request order.
    init(_ pairs: [(String, String)], allowed: Set<String>) throws(APIParameterError) {
        for (name, value) in pairs {
            guard allowed.contains(name) else {
                throw APIParameterError(
                    parameter: name,
                    message: "unknown query parameter; allowed: \(allowed.isEmpty ? "none" : allowed.sorted().joined(separator: ", "))")
            }
            guard values[name] == nil else {
                throw APIParameterError(parameter: name, message: "given more than once")
            }
            values[name] = value
        }
    }

    subscript(name: String) -> String? { values[name] }

    func integer(_ name: String, default defaultValue: Int, range: ClosedRange<Int>) throws(APIParameterError) -> Int {
        guard let text = values[name] else { return defaultValue }
        guard let value = Int(text), range.contains(value) else {
            throw APIParameterError(
                parameter: name, message: "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return value
    }

    /// An RFC 3339 timestamp. A space where the offset's `+` was is accepted, because an
    /// unencoded `+` in a query string arrives as a space.
    func timestamp(_ name: String) throws(APIParameterError) -> Date? {
        guard let text = values[name] else { return nil }
        guard let date = EventTimestamp.date(from: text.replacingOccurrences(of: " ", with: "+")) else {
            throw APIParameterError(
                parameter: name, message: "must be an RFC 3339 timestamp such as 2024-05-01T12:00:00Z")
        }
        return date
    }

    func required(_ name: String, hint: String) throws(APIParameterError) -> String {
        guard let value = values[name], !value.isEmpty else {
            throw APIParameterError(parameter: name, message: "is required (\(hint))")
        }
        return value
    }
}

extension TimeseriesQuery {
    /// Parses `type`, `bucket`, `from`, `to` and `buttonId`.
    static func parse(_ pairs: [(String, String)], registry: EventRegistry, now: Date) throws(APIParameterError) -> TimeseriesQuery {
        let parameters = try QueryParameters(pairs, allowed: ["type", "bucket", "from", "to", "buttonId"])
        let known = registry.typeNames.joined(separator: ", ")
        let type = try parameters.required("type", hint: "one of \(known)")
        guard registry.kind(named: type) != nil else {
            throw APIParameterError(parameter: "type", message: "unknown event type; known types: \(known)")
        }
        let widths = BucketWidth.allCases.map(\.rawValue).joined(separator: ", ")
        let bucketName = try parameters.required("bucket", hint: "one of \(widths)")
        guard let bucket = BucketWidth(rawValue: bucketName) else {
            throw APIParameterError(parameter: "bucket", message: "must be one of \(widths)")
        }
        let buttonId = parameters["buttonId"]
        if let buttonId {
            guard type == ClickProperties.eventType else {
                throw APIParameterError(parameter: "buttonId", message: "only applies to type=\(ClickProperties.eventType)")
            }
            // Counted in Unicode scalars, as JSON Schema's maxLength counts (and the relay's rules).
            guard (1...TimeseriesQuery.maximumButtonIdLength).contains(buttonId.unicodeScalars.count) else {
                throw APIParameterError(
                    parameter: "buttonId", message: "must be 1 to \(TimeseriesQuery.maximumButtonIdLength) characters")
            }
        }
        return try TimeseriesQuery(
            type: type, buttonId: buttonId, bucket: bucket, from: try parameters.timestamp("from"),
            to: try parameters.timestamp("to"), now: now)
    }
}
