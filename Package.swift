// swift-tools-version:6.1
import PackageDescription

/// Layout: `Shared/` holds the libraries every service links (C bindings, event types, config,
/// logging); `Services/` holds one executable per process type; `Benchmarks/` holds the `bench`
/// commands; `Tests/` mirrors the targets it tests.
let package = Package(
    name: "edm-swift",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "EDMCore", targets: ["EDMCore"]),
        .library(name: "EDMEvents", targets: ["EDMEvents"]),
        .library(name: "EDMKafka", targets: ["EDMKafka"]),
        .library(name: "EDMPostgres", targets: ["EDMPostgres"]),
        .executable(name: "edm-broker", targets: ["edm-broker"]),
        .executable(name: "relay", targets: ["relay"]),
        .executable(name: "stats", targets: ["stats"]),
        .executable(name: "stream", targets: ["stream"]),
        .executable(name: "alerts", targets: ["alerts"]),
        .executable(name: "dashboard-tui", targets: ["dashboard-tui"]),
        .executable(name: "traffic-sim", targets: ["traffic-sim"]),
        .executable(name: "edm-bench", targets: ["edm-bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/mattpolzin/OpenAPIKit", from: "6.4.0"),
        .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
        // OTLP/HTTP only: the gRPC exporter (the default trait) would add grpc-swift to every build.
        .package(url: "https://github.com/swift-otel/swift-otel", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        // C libraries from Debian, wrapped once here; services never see their pointers.
        .systemLibrary(
            name: "CRdKafka", path: "Shared/CRdKafka", pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]),
        .systemLibrary(
            name: "CLibPQ", path: "Shared/CLibPQ", pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]),

        .target(
            name: "EDMCore",
            dependencies: [
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Shared/EDMCore"),
        .target(name: "EDMEvents", dependencies: ["EDMCore"], path: "Shared/EDMEvents"),
                // The stats API's response documents and their schemas: one definition for the server,
        // its OpenAPI document and the dashboard's client (no HTTP server or database here); also
        // the error and status documents every service answers with, which the relay describes too.
        .target(
            name: "EDMStatsAPI",
            dependencies: ["EDMEvents", .product(name: "OpenAPIKit", package: "OpenAPIKit")],
            path: "Shared/EDMStatsAPI"),
        .target(
            name: "EDMKafka",
            dependencies: [
                "CRdKafka", "EDMCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/EDMKafka"),
        // W3C trace context carried in Kafka record headers, messaging span attributes and the
        // log metadata that ties a log line to its trace (swift-distributed-tracing API only; the
        // OTLP exporter lives in EDMHTTP, linked only by the HTTP services).
        .target(
            name: "EDMTracing",
            dependencies: [
                "EDMCore", "EDMKafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            path: "Shared/EDMTracing"),
        // Types registered at runtime as every service sees them: a snapshot of the compacted
        // registry topic, followed live outside any consumer group (relay, stream and stats).
        .target(
            name: "EDMRegistry",
            dependencies: [
                "EDMEvents", "EDMKafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/EDMRegistry"),
        .target(
            name: "EDMPostgres",
            dependencies: [
                "CLibPQ", "EDMCore",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/EDMPostgres"),

        // HTTP pieces every service shares: health, readiness, metrics, errors, logs, auth.
        .target(
            name: "EDMHTTP",
            dependencies: [
                "EDMCore", "EDMStatsAPI", "EDMTracing",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Shared/EDMHTTP"),

        // Each service: a library with its logic (tested directly) and a thin executable.
        .target(
            name: "RelayService",
            dependencies: [
                "EDMRegistry",
                "EDMCore", "EDMEvents", "EDMKafka", "EDMHTTP", "EDMStatsAPI",
                "EDMTracing", .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
            ],
            path: "Services/relay/Sources"),
        .executableTarget(name: "relay", dependencies: ["RelayService"], path: "Services/relay/Main"),
        .target(
            name: "StatsService",
            dependencies: [
                "EDMCore", "EDMEvents", "EDMKafka", "EDMPostgres", "EDMHTTP", "EDMStatsAPI", "EDMRegistry",
                "EDMTracing", .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
            ],
            path: "Services/stats/Sources"),
        .executableTarget(name: "stats", dependencies: ["StatsService"], path: "Services/stats/Main"),
        .target(
            name: "StreamService",
            dependencies: [
                "EDMCore", "EDMEvents", "EDMKafka", "EDMHTTP", "EDMRegistry",
                "EDMTracing", .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/stream/Sources"),
        .executableTarget(name: "stream", dependencies: ["StreamService"], path: "Services/stream/Main"),
        .target(
            name: "AlertsService",
            dependencies: [
                "EDMCore", "EDMEvents", "EDMKafka", "EDMHTTP",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/alerts/Sources"),
        .executableTarget(name: "alerts", dependencies: ["AlertsService"], path: "Services/alerts/Main"),
        .target(
            name: "DashboardTUI",
            dependencies: [
                "EDMCore", "EDMEvents", "EDMStatsAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Services/dashboard-tui/Sources"),
        .executableTarget(name: "dashboard-tui", dependencies: ["DashboardTUI"], path: "Services/dashboard-tui/Main"),

        .target(
            name: "TrafficSimulator",
            dependencies: [
                "EDMCore", "EDMEvents",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            path: "Services/traffic-sim/Sources"),
        .executableTarget(name: "traffic-sim", dependencies: ["TrafficSimulator"], path: "Services/traffic-sim/Main"),

        .executableTarget(
            name: "edm-broker",
            dependencies: [
                "EDMKafka", "EDMEvents", "EDMCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Services/edm-broker"),
        .executableTarget(
            name: "edm-bench",
            dependencies: [
                "EDMKafka", "EDMEvents", "EDMCore", "EDMPostgres", "EDMHTTP", "EDMTracing", "StatsService", "AlertsService",
                "DashboardTUI", "TestSupport", .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
            ],
            path: "Benchmarks/edm-bench"),

        .target(name: "TestSupport", dependencies: ["EDMCore"], path: "Tests/TestSupport"),
        .testTarget(name: "EDMCoreTests", dependencies: ["EDMCore"]),
        .testTarget(name: "EDMEventsTests", dependencies: ["EDMEvents", "TestSupport"]),
        .testTarget(
            name: "EDMKafkaTests",
            dependencies: ["EDMKafka", "EDMEvents", "TestSupport"]),
        .testTarget(
            name: "EDMTracingTests",
            dependencies: [
                "EDMTracing", "EDMKafka", "TestSupport",
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "InMemoryTracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
            ]),
        .testTarget(name: "EDMPostgresTests", dependencies: ["EDMPostgres", "TestSupport"]),
        .testTarget(
            name: "EDMHTTPTests",
            dependencies: [
                "EDMHTTP", "EDMCore", "EDMTracing", .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]),
        .testTarget(
            name: "RelayTests",
            dependencies: [
                "RelayService", "EDMCore", "EDMEvents", "EDMHTTP", "EDMKafka", "EDMRegistry", "TestSupport",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "OpenAPIKit", package: "OpenAPIKit"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]),
        .testTarget(
            name: "StatsTests",
            dependencies: [
                "StatsService", "EDMCore", "EDMEvents", "EDMHTTP", "EDMKafka", "EDMPostgres", "EDMStatsAPI",
                "EDMRegistry", "TestSupport", .product(name: "OpenAPIKit", package: "OpenAPIKit"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ]),
        .testTarget(
            name: "DashboardTests",
            dependencies: ["DashboardTUI", "EDMCore", "EDMEvents", "EDMStatsAPI", "TestSupport"]),
        .testTarget(
            name: "StreamTests",
            dependencies: [
                "StreamService", "EDMEvents", "EDMKafka", "EDMRegistry", "TestSupport",
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HummingbirdWSTesting", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOWebSocket", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(
            name: "AlertsTests",
            dependencies: [
                "AlertsService", "EDMCore", "EDMEvents", "EDMKafka", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
        .testTarget(name: "TrafficSimulatorTests", dependencies: ["TrafficSimulator", "EDMCore", "EDMEvents"]),
        // Checks the Procfile, buildpack files and terraform against each other and the services.
        .testTarget(name: "DeploymentTests", dependencies: ["TestSupport"]),
        // Runs the built executables as separate processes, like `make run` does.
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "TestSupport", "EDMEvents",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]),
    ],
    swiftLanguageModes: [.v6]
)
