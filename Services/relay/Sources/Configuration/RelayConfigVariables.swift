import EDMCore

/// Every config var the relay reads, in one list, so `--help` cannot fall out of step with
/// `RelayConfiguration.fromEnvironment` (a test checks each name appears in both).
public enum RelayConfigVariables {
    public static let all: [ConfigVariable] =
        StandardConfigVariables.listen(defaultPort: 8080) + StandardConfigVariables.kafka + [
            ConfigVariable(
                "API_KEYS",
                "Comma list of accepted API keys (Authorization: Bearer <key>); several at once for rotation. "
                    + "KEY:type+type limits a key to those event types (403 for others). "
                    + "Empty: the relay runs open and logs a warning."),
            ConfigVariable(
                "ADMIN_API_KEYS",
                "Comma list of admin keys allowed to register event types (POST /v1/schemas/{type}). "
                    + "Empty: registration is disabled (403)."),
            ConfigVariable(
                "REGISTERED_TOPIC_PARTITIONS", default: "8",
                "Partitions asked for a registered type's topic when its registration names none."),
            ConfigVariable(
                "LEGACY_ROUTES_OPEN", default: "false",
                "true: /produceClickMessage and /producePageLoad accept requests without a key, so the "
                    + "reference storefront's browser code works unchanged while API_KEYS protects /v1/events."),
            ConfigVariable(
                "CORS_ALLOWED_ORIGINS",
                "Comma list of browser origins allowed to post (https://shop.example.com), or * for any. "
                    + "Empty: no CORS headers, browsers on other origins are refused."),
            ConfigVariable(
                "MAX_BODY_BYTES", default: String(IngestLimits.default.maxBodyBytes),
                "Largest request body accepted; larger bodies get 413."),
            ConfigVariable(
                "MAX_BATCH_EVENTS", default: String(IngestLimits.default.maxBatchEvents),
                "Most events in one POST /v1/events batch; more get 413."),
            ConfigVariable(
                "ACK_TIMEOUT_MS", default: "5000",
                "How long a request waits for the broker to acknowledge its events before answering 503 "
                    + "(the producer's message timeout; a full local queue adds at most 1 s)."),
            ConfigVariable(
                "KAFKA_LINGER_MS", default: "0",
                "How long the producer gathers messages into one broker request; it adds to every answer's "
                    + "latency, and messages that arrive while a broker request is in flight share the next one anyway."),
            ConfigVariable(
                "RATE_LIMIT_PER_MINUTE", default: "0",
                "Event POSTs allowed per minute per API key (per client address when no key is sent); "
                    + "over it: 429. 0 turns the limit off."),
            ConfigVariable(
                "RATE_LIMIT_BURST", default: "RATE_LIMIT_PER_MINUTE/6",
                "Requests a client may send at once before the per-minute rate applies."),
            StandardConfigVariables.logLevel,
        ] + StandardConfigVariables.tracing
}
