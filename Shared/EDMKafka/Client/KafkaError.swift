import CRdKafka

/// A failure reported by librdkafka or by the binding, with the broker's error code kept so
/// callers can decide whether to retry.
public struct KafkaError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// A property was rejected when the client was created.
        case configuration
        /// The message could not be handed to librdkafka.
        case enqueue
        /// librdkafka's local queue stayed full for the whole enqueue timeout.
        case queueFull
        /// The broker did not acknowledge the message (timed out, rejected, purged on close).
        case delivery
        /// A blocking operation (commit, seek, metadata, offsets) failed or timed out.
        case operation
        /// The client is closed.
        case closed
        /// The idempotent producer hit a fatal error (lost its epoch, sequence out of order):
        /// it can never produce again and must be replaced.
        case fatal
    }

    public let kind: Kind
    /// librdkafka's `rd_kafka_resp_err_t` value (0 when the failure is the binding's own).
    public let code: Int32
    /// librdkafka's symbolic name for `code`, such as `_MSG_TIMED_OUT`.
    public let codeName: String
    public let message: String

    public init(kind: Kind, code: Int32 = 0, codeName: String = "", message: String) {
        self.kind = kind
        self.code = code
        self.codeName = codeName
        self.message = message
    }

    init(kind: Kind, error: rd_kafka_resp_err_t, context: String? = nil) {
        let detail = String(cString: rd_kafka_err2str(error))
        self.init(
            kind: kind, code: error.rawValue, codeName: String(cString: rd_kafka_err2name(error)),
            message: context.map { "\($0): \(detail)" } ?? detail)
    }

    /// Takes ownership of an `rd_kafka_error_t` and destroys it.
    init(kind: Kind, consuming error: OpaquePointer, context: String? = nil) {
        let code = rd_kafka_error_code(error)
        let detail = String(cString: rd_kafka_error_string(error))
        rd_kafka_error_destroy(error)
        self.init(
            kind: kind, code: code.rawValue, codeName: String(cString: rd_kafka_err2name(code)),
            message: context.map { "\($0): \(detail)" } ?? detail)
    }

    /// True for the local timeout a broker outage produces (`_MSG_TIMED_OUT`, `_TIMED_OUT`).
    public var isTimeout: Bool {
        code == RD_KAFKA_RESP_ERR__MSG_TIMED_OUT.rawValue || code == RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue
            || code == RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT.rawValue
    }

    public var description: String {
        codeName.isEmpty ? "kafka \(kind): \(message)" : "kafka \(kind) [\(codeName)]: \(message)"
    }

    public static let closedError = KafkaError(kind: .closed, message: "the client is closed")
}
