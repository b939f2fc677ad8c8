import EDMCore
import Testing

@testable import EDMPostgres

@Suite("PostgresConfiguration")
struct ConfigurationTests {
    @Test func parsesEveryPartWithPercentEscapes() throws {
        let configuration = try PostgresConfiguration(
            url: "postgres://us%40er:p%40ss%3Aw%2Fo%20rd%25@db.example.com:6543/my%20db"
                + "?sslmode=require&application_name=edm-api&keepalives_idle=30")
        #expect(configuration.user == "us@er")
        #expect(configuration.password == "p@ss:w/o rd%")
        #expect(configuration.host == "db.example.com")
        #expect(configuration.port == 6543)
        #expect(configuration.database == "my db")
        #expect(configuration.sslMode == .require)
        #expect(configuration.applicationName == "edm-api")
        #expect(configuration.options == ["keepalives_idle": "30"])
    }

    @Test func postgresqlSchemeDefaultsPortAndLeavesOutMissingParts() throws {
        let configuration = try PostgresConfiguration(url: "postgresql://localhost")
        #expect(configuration.host == "localhost")
        #expect(configuration.port == 5432)
        #expect(configuration.user == nil)
        #expect(configuration.password == nil)
        #expect(configuration.database == nil)
        #expect(configuration.sslMode == nil)
        let herokuStyle = try PostgresConfiguration(
            url: "postgres://abc:def@ec2-1-2-3-4.compute-1.amazonaws.com:5432/d9k?sslmode=require")
        #expect(herokuStyle.libpqParameters.contains { $0 == ("sslmode", "require") })
        #expect(herokuStyle.libpqParameters.contains { $0 == ("password", "def") })
        #expect(herokuStyle.libpqParameters.contains { $0 == ("dbname", "d9k") })
    }

    @Test func ipv6HostAndSocketDirectory() throws {
        let v6 = try PostgresConfiguration(url: "postgres://u@[::1]:5433/app")
        #expect(v6.host == "::1")
        #expect(v6.port == 5433)
        let socket = try PostgresConfiguration(url: "postgres://%2Fvar%2Frun%2Fpostgresql/app")
        #expect(socket.host == "/var/run/postgresql")
        let queryHost = try PostgresConfiguration(url: "postgresql:///app?host=/tmp/sock&port=6000")
        #expect(queryHost.host == "/tmp/sock")
        #expect(queryHost.port == 6000)
    }

    @Test(arguments: [
        "mysql://admin:s3cret@host/db",
        "s3cret",
        "postgres://admin:s3cret@host:99999/db",
        "postgres://admin:s3cret@host:5x/db",
        "postgres://admin:s3cret/x@host/db",
        "postgres://admin:s3cret%zz@host/db",
        "postgres://admin:s3cret@host/db?sslmode=s3cret",
        "postgres://admin:s3cret@host/db?s3cret=1",
        "postgres://admin:s3cret@host/db?sslmode",
        "postgres://admin:s3cret@h1,h2/db",
        "postgres://admin:s3cret#x@host/db",
        "postgres://admin:s3cret@[::1/db",
    ])
    func malformedURLNamesTheVariableAndHidesThePassword(url: String) throws {
        let error = #expect(throws: ConfigError.self) { try PostgresConfiguration(url: url) }
        guard case .invalid(let variable, let reason)? = error else {
            Issue.record("expected .invalid, got \(String(describing: error))")
            return
        }
        #expect(variable == "DATABASE_URL")
        #expect(!reason.contains("s3cret"))
        #expect(!String(describing: error!).contains("s3cret"))
    }

    @Test func fromEnvironmentRequiresDatabaseURL() throws {
        #expect(throws: ConfigError.missing(variable: "DATABASE_URL")) {
            try PostgresConfiguration.fromEnvironment(ConfigVars([:]))
        }
        #expect(throws: ConfigError.missing(variable: "DATABASE_URL")) {
            try PostgresConfiguration.fromEnvironment(ConfigVars(["DATABASE_URL": "  "]))
        }
        let error = #expect(throws: ConfigError.self) {
            try PostgresConfiguration.fromEnvironment(ConfigVars(["DATABASE_URL": "http://u:hunter2@x/y"]))
        }
        #expect(error?.variable == "DATABASE_URL")
        #expect(!String(describing: error!).contains("hunter2"))
    }

    @Test func fromEnvironmentReadsPoolSettings() throws {
        let url = "postgres://u:p@h/d"
        let defaults = try PostgresConfiguration.fromEnvironment(ConfigVars(["DATABASE_URL": url]))
        #expect(defaults.poolSize == PostgresConfiguration.defaultPoolSize)
        let custom = try PostgresConfiguration.fromEnvironment(
            ConfigVars(["DATABASE_URL": url, "DATABASE_POOL_SIZE": "7", "DATABASE_POOL_TIMEOUT": "3"]))
        #expect(custom.poolSize == 7)
        #expect(custom.acquireTimeout == .seconds(3))
        for bad in ["abc", "0", "-2"] {
            let error = #expect(throws: ConfigError.self) {
                try PostgresConfiguration.fromEnvironment(
                    ConfigVars(["DATABASE_URL": url, "DATABASE_POOL_SIZE": bad]))
            }
            #expect(error?.variable == "DATABASE_POOL_SIZE")
        }
    }

    @Test func descriptionRedactsThePassword() throws {
        let configuration = try PostgresConfiguration(url: "postgres://app:hunter2@db:5432/main?sslmode=require")
        let text = configuration.description
        #expect(!text.contains("hunter2"))
        #expect(text.contains("app:***@db:5432/main"))
        #expect(text.contains("sslmode=require"))
    }

    @Test func descriptionRedactsEverySecretOption() throws {
        let configuration = try PostgresConfiguration(
            url: "postgres://app:hunter2@db/main?sslpassword=k3yPass&sslkey=%2Fetc%2Fprivate.key&sslcert=%2Fetc%2Fc.pem"
                + "&password=hunter3")
        for text in [configuration.description, String(reflecting: configuration), "\(configuration)"] {
            for secret in ["hunter2", "hunter3", "k3yPass", "private.key"] {
                #expect(!text.contains(secret), "\(secret) leaked in \(text)")
            }
            #expect(text.contains("sslpassword=***"))
            #expect(text.contains("sslkey=***"))
            #expect(text.contains("sslcert=/etc/c.pem"))
        }
        #expect(LibPQKeywords.secret.isSuperset(of: ["password", "sslpassword", "sslkey"]))
    }

    @Test func connectTimeoutFromURLReachesLibPQ() throws {
        let configuration = try PostgresConfiguration(url: "postgres://h/d?connect_timeout=3")
        #expect(configuration.connectTimeout == .seconds(3))
        #expect(configuration.libpqParameters.contains { $0 == ("connect_timeout", "3") })
        #expect(configuration.libpqParameters.contains { $0 == ("client_encoding", "UTF8") })
    }
}
