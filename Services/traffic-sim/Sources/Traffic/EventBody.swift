#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The request bodies the relay accepts: the v1 document for `POST /v1/events` and the
/// reference's legacy payload for its two routes.
public enum EventBody {
    /// `{"id","type","sessionId","occurredAt","properties"}` (v1 request form).
    public static func v1(_ event: StorefrontEvent) -> String {
        var json = "{\"id\":" + quoted(event.id)
        json += ",\"type\":" + quoted(event.kind.rawValue)
        json += ",\"sessionId\":" + quoted(event.sessionID)
        json += ",\"occurredAt\":" + quoted(rfc3339(milliseconds: event.occurredAtMilliseconds))
        switch event.payload {
        case .click(let buttonID, let description):
            json += ",\"properties\":{\"buttonId\":" + quoted(buttonID) + ",\"description\":" + quoted(description) + "}"
        case .pageload(let url, let userAgent, let description):
            json += ",\"properties\":{\"url\":" + quoted(url) + ",\"userAgent\":" + quoted(userAgent)
                + ",\"description\":" + quoted(description) + "}"
        }
        return json + "}"
    }

    /// `{"topic","uuid","event_timestamp","properties"}` as the reference storefront sent it;
    /// its `uuid` was one per page view, here the session.
    public static func legacy(_ event: StorefrontEvent) -> String {
        var json = "{\"topic\":" + quoted(event.kind.legacyTopic)
        json += ",\"uuid\":" + quoted(event.sessionID)
        json += ",\"event_timestamp\":" + String(event.occurredAtMilliseconds)
        switch event.payload {
        case .click(let buttonID, let description):
            json += ",\"properties\":{\"button_id\":" + quoted(buttonID) + ",\"description\":" + quoted(description) + "}"
        case .pageload(let url, let userAgent, let description):
            json += ",\"properties\":{\"url\":" + quoted(url) + ",\"user_agent\":" + quoted(userAgent)
                + ",\"description\":" + quoted(description) + "}"
        }
        return json + "}"
    }

    /// A JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    /// `2026-11-23T10:15:30.123Z`.
    public static func rfc3339(milliseconds: Int64) -> String {
        var seconds = time_t(milliseconds / 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return pad(parts.tm_year + 1900, 4) + "-" + pad(parts.tm_mon + 1, 2) + "-" + pad(parts.tm_mday, 2) + "T"
            + pad(parts.tm_hour, 2) + ":" + pad(parts.tm_min, 2) + ":" + pad(parts.tm_sec, 2) + "."
            + pad(Int32(milliseconds % 1000), 3) + "Z"
    }
}
