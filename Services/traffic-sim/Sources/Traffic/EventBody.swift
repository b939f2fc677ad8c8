import EDMEvents
import Foundation

/// The request bodies the relay accepts: the v1 document for `POST /v1/events` and the
/// reference's legacy payload for its two routes. Written with the shared JSON serializer and
/// timestamp format, so the simulator speaks exactly the contract the services parse.
public enum EventBody {
    /// `{"id","type","sessionId","occurredAt","properties"}` (v1 request form).
    public static func v1(_ event: StorefrontEvent) -> String {
        let properties: [String: JSONValue] =
            switch event.payload {
            case .click(let buttonID, let description):
                ["buttonId": .string(buttonID), "description": .string(description)]
            case .pageload(let url, let userAgent, let description):
                ["url": .string(url), "userAgent": .string(userAgent), "description": .string(description)]
            case .signup(let accountID, let plan, let seats):
                ["accountId": .string(accountID), "plan": .string(plan), "seats": .integer(Int64(seats))]
            }
        return text(.object([
            "id": .string(event.id), "type": .string(event.kind.rawValue), "sessionId": .string(event.sessionID),
            "occurredAt": .string(rfc3339(milliseconds: event.occurredAtMilliseconds)), "properties": .object(properties),
        ]))
    }

    /// `{"topic","uuid","event_timestamp","properties"}` as the reference storefront sent it;
    /// its `uuid` was one per page view, here the session. nil for a type without a legacy form.
    public static func legacy(_ event: StorefrontEvent) -> String? {
        let properties: [String: JSONValue]
        switch event.payload {
        case .click(let buttonID, let description):
            properties = ["button_id": .string(buttonID), "description": .string(description)]
        case .pageload(let url, let userAgent, let description):
            properties = ["url": .string(url), "user_agent": .string(userAgent), "description": .string(description)]
        case .signup:
            return nil
        }
        guard let topic = event.kind.legacyTopic else { return nil }
        return text(.object([
            "topic": .string(topic), "uuid": .string(event.sessionID),
            "event_timestamp": .integer(event.occurredAtMilliseconds), "properties": .object(properties),
        ]))
    }

    /// `2026-11-23T10:15:30.123Z`.
    public static func rfc3339(milliseconds: Int64) -> String {
        EventTimestamp.string(from: EventTimestamp.date(fromMilliseconds: milliseconds))
    }

    private static func text(_ value: JSONValue) -> String {
        String(decoding: value.serialized(), as: UTF8.self)
    }
}
