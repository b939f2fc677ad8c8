import CRdKafka
import EDMCore

/// Builds an `rd_kafka_conf_t`, reporting the property (or config var) that librdkafka rejects.
/// Ownership passes to `rd_kafka_new`; call `destroy()` only if the client was not created.
struct NativeConfiguration {
    let pointer: OpaquePointer

    init(connection: KafkaConnection, clientID: String, properties: [String: String]) throws(KafkaError) {
        pointer = rd_kafka_conf_new()
        do {
            try set("bootstrap.servers", connection.bootstrapServers.joined(separator: ","))
            try set("client.id", clientID)
            try applySecurity(connection.security)
            for key in properties.keys.sorted() {
                try set(key, properties[key]!)
            }
        } catch {
            rd_kafka_conf_destroy(pointer)
            throw error
        }
    }

    func set(_ key: String, _ value: String) throws(KafkaError) {
        var errorText = [CChar](repeating: 0, count: 512)
        let result = rd_kafka_conf_set(pointer, key, value, &errorText, errorText.count)
        guard result == RD_KAFKA_CONF_OK else {
            throw KafkaError(
                kind: .configuration,
                message: "property \(key): \(String(decoding: errorText.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))")
        }
    }

    private func applySecurity(_ security: KafkaConnection.Security) throws(KafkaError) {
        guard case .tls(let trusted, let certificate, let key, let verifyHostname) = security else {
            try set("security.protocol", "plaintext")
            return
        }
        try set("security.protocol", "ssl")
        // librdkafka >= 2.0 verifies hostnames by default; Heroku's certificates carry none.
        try set("ssl.endpoint.identification.algorithm", verifyHostname ? "https" : "none")
        // rd_kafka_conf_set_ssl_cert loads every certificate of a CA bundle (two during rotation).
        if let trusted { try setCertificate(RD_KAFKA_CERT_CA, trusted, variable: "KAFKA_TRUSTED_CERT") }
        if let certificate {
            try setCertificate(RD_KAFKA_CERT_PUBLIC_KEY, certificate, variable: "KAFKA_CLIENT_CERT")
        }
        if let key { try setCertificate(RD_KAFKA_CERT_PRIVATE_KEY, key, variable: "KAFKA_CLIENT_CERT_KEY") }
    }

    private func setCertificate(_ type: rd_kafka_cert_type_t, _ pem: String, variable: String) throws(KafkaError) {
        var errorText = [CChar](repeating: 0, count: 512)
        var bytes = Array(pem.utf8)
        let result = bytes.withUnsafeMutableBytes { buffer in
            rd_kafka_conf_set_ssl_cert(
                pointer, type, RD_KAFKA_CERT_ENC_PEM, buffer.baseAddress, buffer.count, &errorText, errorText.count)
        }
        guard result == RD_KAFKA_CONF_OK else {
            let detail = String(decoding: errorText.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            throw KafkaError(kind: .configuration, message: "\(variable): \(detail)")
        }
    }
}

extension NativeConfiguration {
    /// Validates a connection the way a client would, without connecting: used at start-up so a
    /// bad certificate fails fast with the variable's name.
    static func validate(_ connection: KafkaConnection) throws(KafkaError) {
        let configuration = try NativeConfiguration(connection: connection, clientID: "validate", properties: [:])
        rd_kafka_conf_destroy(configuration.pointer)
    }
}

extension KafkaConnection {
    /// Checks that librdkafka accepts this connection's TLS material (parses every PEM).
    public func validate() throws(KafkaError) {
        try NativeConfiguration.validate(self)
    }
}

/// Reads a C error buffer.
func cString(_ buffer: [CChar]) -> String {
    String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
