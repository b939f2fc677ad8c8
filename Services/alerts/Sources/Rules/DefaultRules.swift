/// The rules used when `ALERT_RULES` and `ALERT_RULES_FILE` are unset: what a storefront
/// operator wants to hear about, sized for `make run`'s traffic (about 20 events/s).
public enum DefaultRules {
    public static let json = """
        [
          {"name": "session-click-burst", "eventType": "click", "key": "sessionId",
           "window": "10s", "grace": "5s", "warning": 15, "critical": 30, "resolveAt": 5},
          {"name": "bot-pageloads", "eventType": "pageload", "where": {"deviceType": "bot"},
           "window": "1m", "slide": "10s", "grace": "5s", "warning": 200, "critical": 400, "resolveAt": 100},
          {"name": "hot-product", "eventType": "click", "key": "properties.buttonId",
           "window": "1m", "slide": "10s", "grace": "5s", "warning": 300, "critical": 600, "resolveAt": 150},
          {"name": "pageloads-stopped", "eventType": "pageload", "direction": "below",
           "window": "1m", "slide": "10s", "grace": "5s", "warning": 5, "critical": 0, "resolveAt": 20}
        ]
        """

    public static var rules: [AlertRule] {
        // Parsed by the same parser as configured rules; a test keeps this text valid.
        (try? RuleParser.parse(json)) ?? []
    }
}
