import CRdKafka
import Logging
import Synchronization

/// State that librdkafka's C callbacks reach through the client's opaque pointer: the logger,
/// the latest broker-level error, and (for consumers) the rebalance coordinator.
final class ClientContext: Sendable {
    let logger: Logger
    private let lastError = Mutex<KafkaError?>(nil)
    let rebalance: RebalanceCoordinator?

    init(logger: Logger, rebalance: RebalanceCoordinator? = nil) {
        self.logger = logger
        self.rebalance = rebalance
    }

    var latestError: KafkaError? { lastError.withLock { $0 } }

    func record(error: KafkaError) {
        lastError.withLock { $0 = error }
    }

    func clearError() {
        lastError.withLock { $0 = nil }
    }

    /// Installs the log and error callbacks; `self` must outlive the rd_kafka_t.
    func install(on configuration: NativeConfiguration) {
        rd_kafka_conf_set_opaque(configuration.pointer, Unmanaged.passUnretained(self).toOpaque())
        rd_kafka_conf_set_log_cb(configuration.pointer) { handle, level, facility, message in
            guard let handle, let context = ClientContext.from(handle) else { return }
            let text = message.map { String(cString: $0) } ?? ""
            let facilityText = facility.map { String(cString: $0) } ?? ""
            context.logger.log(
                level: ClientContext.logLevel(syslog: level), "librdkafka",
                metadata: ["facility": .string(facilityText), "detail": .string(text)])
        }
        rd_kafka_conf_set_error_cb(configuration.pointer) { _, code, reason, opaque in
            guard let opaque else { return }
            let context = Unmanaged<ClientContext>.fromOpaque(opaque).takeUnretainedValue()
            let error = KafkaError(
                kind: .operation, code: code,
                codeName: String(cString: rd_kafka_err2name(rd_kafka_resp_err_t(code))),
                message: reason.map { String(cString: $0) } ?? "")
            context.record(error: error)
            context.logger.warning(
                "kafka client error", metadata: ["code": .string(error.codeName), "reason": .string(error.message)])
        }
    }

    static func from(_ handle: OpaquePointer) -> ClientContext? {
        guard let opaque = rd_kafka_opaque(handle) else { return nil }
        return Unmanaged<ClientContext>.fromOpaque(opaque).takeUnretainedValue()
    }

    static func logLevel(syslog: Int32) -> Logger.Level {
        switch syslog {
        case ...3: .error
        case 4: .warning
        case 5, 6: .info
        default: .debug
        }
    }
}
