import EDMCore
import EDMEvents
import EDMKafka
import Foundation
import Testing
import TestSupport

@Suite("Kafka connection from Heroku config vars")
struct ConnectionConfigurationTests {
    @Test("KAFKA_URL forms: kafka+ssl list, kafka://, bare host:port")
    func brokerLists() throws {
        let heroku = try KafkaConnection.fromEnvironment(ConfigVars([
            "KAFKA_URL": "kafka+ssl://ec2-1.compute.amazonaws.com:9096,kafka+ssl://ec2-2.compute.amazonaws.com:9096",
        ]))
        #expect(heroku.bootstrapServers == ["ec2-1.compute.amazonaws.com:9096", "ec2-2.compute.amazonaws.com:9096"])
        // No CA of its own: the system's CAs, hostname included.
        #expect(heroku.security == .tls(trustedCertificates: nil, clientCertificate: nil, clientKey: nil, verifyHostname: true))
        let plain = try KafkaConnection.fromEnvironment(ConfigVars(["KAFKA_URL": "kafka://localhost:9092"]))
        #expect(plain.bootstrapServers == ["localhost:9092"] && plain.security == .plaintext)
        let bare = try KafkaConnection.fromEnvironment(ConfigVars(["KAFKA_URL": " 127.0.0.1:1234 , 127.0.0.1:1235 "]))
        #expect(bare.bootstrapServers == ["127.0.0.1:1234", "127.0.0.1:1235"])
    }

    @Test("hostname checks: on with the system's CAs, off with Heroku's own CA, either way when set explicitly")
    func hostnameVerification() throws {
        func verifies(_ variables: [String: String]) throws -> Bool? {
            let connection = try KafkaConnection.fromEnvironment(ConfigVars(["KAFKA_URL": "kafka+ssl://h:9096"].merging(variables) { $1 }))
            guard case .tls(_, _, _, let verify) = connection.security else { return nil }
            return verify
        }
        #expect(try verifies([:]) == true)
        #expect(try verifies(["KAFKA_SSL_VERIFY_HOSTNAME": "false"]) == false)
        #expect(try verifies(["KAFKA_TRUSTED_CERT": Self.fakeCertificate]) == false)
        #expect(try verifies(["KAFKA_TRUSTED_CERT": Self.fakeCertificate, "KAFKA_SSL_VERIFY_HOSTNAME": "true"]) == true)
    }

    @Test("missing and malformed variables are named in the error")
    func errorsNameTheVariable() {
        #expect(throws: ConfigError.missing(variable: "KAFKA_URL")) {
            try KafkaConnection.fromEnvironment(ConfigVars([:]))
        }
        for bad in ["kafka+ssl://host", "http://host:9092", "host:notaport", "kafka://a:1,kafka+ssl://b:2", ","] {
            #expect(performing: { try KafkaConnection.fromEnvironment(ConfigVars(["KAFKA_URL": bad])) },
                    throws: { ($0 as? ConfigError)?.variable == "KAFKA_URL" })
        }
        #expect(throws: ConfigError.missing(variable: "KAFKA_CLIENT_CERT_KEY")) {
            try KafkaConnection.fromEnvironment(ConfigVars([
                "KAFKA_URL": "kafka+ssl://h:9096", "KAFKA_CLIENT_CERT": Self.fakeCertificate,
            ]))
        }
        #expect(performing: {
            try KafkaConnection.fromEnvironment(ConfigVars(["KAFKA_URL": "kafka+ssl://h:9096", "KAFKA_TRUSTED_CERT": "not a pem"]))
        }, throws: { ($0 as? ConfigError)?.variable == "KAFKA_TRUSTED_CERT" })
    }

    @Test("KAFKA_PREFIX applies to topics and groups")
    func prefix() throws {
        let connection = try KafkaConnection.fromEnvironment(ConfigVars([
            "KAFKA_URL": "kafka://h:1", "KAFKA_PREFIX": "wisteria-1234.",
        ]))
        #expect(connection.prefix == "wisteria-1234.")
        let names = try KafkaNames(prefix: connection.prefix)
        #expect(names.allTopics == ["wisteria-1234.edm-ui-click", "wisteria-1234.edm-ui-pageload"])
        #expect(names.consumerGroup(.stats) == "wisteria-1234.edm-consumer-group-2")
    }

    @Test("a two-CA bundle, client certificate and key are accepted by librdkafka in memory")
    func realCertificates() async throws {
        let first = try await Self.selfSigned("first-ca")
        let second = try await Self.selfSigned("second-ca")
        let environment = ConfigVars([
            "KAFKA_URL": "kafka+ssl://h:9096",
            "KAFKA_TRUSTED_CERT": first.certificate + second.certificate,
            "KAFKA_CLIENT_CERT": first.certificate,
            "KAFKA_CLIENT_CERT_KEY": first.key,
        ])
        let connection = try KafkaConnection.fromEnvironment(environment)
        #expect(KafkaConnection.certificateCount(in: first.certificate + second.certificate) == 2)
        try connection.validate()

        // Well-framed PEM with a broken body: librdkafka rejects it, naming the variable.
        let bad = try KafkaConnection.fromEnvironment(ConfigVars([
            "KAFKA_URL": "kafka+ssl://h:9096", "KAFKA_TRUSTED_CERT": Self.fakeCertificate,
        ]))
        #expect(performing: { try bad.validate() }, throws: { "\($0)".contains("KAFKA_TRUSTED_CERT") })
        let badKey = try KafkaConnection.fromEnvironment(ConfigVars([
            "KAFKA_URL": "kafka+ssl://h:9096", "KAFKA_CLIENT_CERT": first.certificate,
            "KAFKA_CLIENT_CERT_KEY": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
        ]))
        #expect(performing: { try badKey.validate() }, throws: { "\($0)".contains("KAFKA_CLIENT_CERT_KEY") })
    }

    static let fakeCertificate = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"

    static func selfSigned(_ name: String) async throws -> (certificate: String, key: String) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("pem"))
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let key = directory.appendingPathComponent("key.pem").path
        let certificate = directory.appendingPathComponent("cert.pem").path
        let (status, _, stderr) = try await runCommand("/usr/bin/openssl", [
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=\(name)",
            "-keyout", key, "-out", certificate,
        ])
        #expect(status == 0, "\(stderr)")
        return (try String(contentsOfFile: certificate, encoding: .utf8), try String(contentsOfFile: key, encoding: .utf8))
    }
}
