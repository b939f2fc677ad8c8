import ArgumentParser
import EDMCore
import EDMKafka
import Foundation

/// The embedded Kafka broker for tests and the local run: librdkafka's mock cluster kept alive
/// in this process until SIGINT or SIGTERM.
@main
struct EDMBroker: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "edm-broker",
        abstract: "Run an in-memory Kafka cluster (librdkafka's mock) for tests and local development.",
        discussion: """
            Speaks the real Kafka protocol on 127.0.0.1 with ports chosen by the OS. The bootstrap \
            list (127.0.0.1:port,...) is printed as the first line on stdout and, with \
            --bootstrap-file, written to that file atomically.

            Data lives in memory only and is lost when the broker stops. The mock keeps roughly \
            5 MiB or 100,000 message sets per partition and silently drops older data; a group's \
            first join waits 3 s. Production does not use this: set KAFKA_URL (and the \
            KAFKA_TRUSTED_CERT, KAFKA_CLIENT_CERT, KAFKA_CLIENT_CERT_KEY, KAFKA_PREFIX config \
            vars) to point the services at a real cluster.

            Stops on SIGINT or SIGTERM and exits 0.
            """)

    @Option(help: "Number of mock brokers.")
    var brokers: Int = 1

    @Option(
        name: .customLong("topic"),
        help: ArgumentHelp(
            "Topic to create as NAME:PARTITIONS (repeatable). Default: every event topic with \(defaultPartitions) partitions.",
            valueName: "name:partitions"))
    var topics: [TopicSpec] = []

    @Option(help: "Prefix for the default event topics (as KAFKA_PREFIX on a multi-tenant cluster).")
    var prefix: String = ProcessInfo.processInfo.environment["KAFKA_PREFIX"] ?? ""

    @Option(help: "Write the bootstrap list to this file (atomically, via a temporary file and rename).")
    var bootstrapFile: String?

    static let defaultPartitions = 8

    func validate() throws {
        guard (1...16).contains(brokers) else {
            throw ValidationError("--brokers must be between 1 and 16")
        }
    }

    func run() throws {
        // librdkafka's threads inherit this mask, so only our sigwait sees the signals.
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)

        let cluster = try KafkaMockCluster(brokers: brokers)
        let wanted = topics.isEmpty
            ? try BrokerTopics.defaultTopics(prefix: prefix).map { TopicSpec(name: $0, partitions: Self.defaultPartitions) }
            : topics
        for topic in wanted {
            try cluster.createTopic(topic.name, partitions: topic.partitions)
        }
        if let bootstrapFile {
            try BootstrapFile.write(cluster.bootstrapServers, to: bootstrapFile)
        }
        FileHandle.standardOutput.write(Data((cluster.bootstrapServers + "\n").utf8))
        let summary = wanted.map { "\($0.name):\($0.partitions)" }.joined(separator: ",")
        FileHandle.standardError.write(Data(
            "level=info logger=edm-broker msg=\"broker ready\" bootstrap=\(cluster.bootstrapServers) brokers=\(brokers) topics=\(summary)\n".utf8))

        var received: Int32 = 0
        sigwait(&signals, &received)
        FileHandle.standardError.write(Data("level=info logger=edm-broker msg=\"stopping\" signal=\(received)\n".utf8))
        if let bootstrapFile {
            try? FileManager.default.removeItem(atPath: bootstrapFile)
        }
        withExtendedLifetime(cluster) {}
    }
}

/// `NAME:PARTITIONS` from the command line.
struct TopicSpec: ExpressibleByArgument {
    var name: String
    var partitions: Int

    init(name: String, partitions: Int) {
        self.name = name
        self.partitions = partitions
    }

    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":"),
            let partitions = Int(argument[argument.index(after: colon)...]), (1...1024).contains(partitions)
        else { return nil }
        let name = String(argument[..<colon])
        guard !name.isEmpty else { return nil }
        self.init(name: name, partitions: partitions)
    }
}

enum BootstrapFile {
    /// Writes via a temporary file and rename so a reader never sees half a line.
    static func write(_ bootstrap: String, to path: String) throws {
        let temporary = path + ".tmp.\(getpid())"
        try Data((bootstrap + "\n").utf8).write(to: URL(fileURLWithPath: temporary))
        guard rename(temporary, path) == 0 else {
            throw ValidationError("cannot write --bootstrap-file \(path): \(String(cString: strerror(errno)))")
        }
    }
}
