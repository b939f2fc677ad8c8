import EDMEvents
import EDMKafka
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import TestSupport

@testable import RelayService

/// Broker trouble must give 503 with Retry-After and a reason, never a 2xx, and the relay must
/// recover by itself. The broker is librdkafka's mock in this process, so it can be taken down
/// and brought back on the same port.
@Suite("Broker unavailable")
struct BrokerFailureTests {
    @Test("broker down: 503 with Retry-After within the ack timeout; broker back: 202 again")
    func downThenRecovers() async throws {
        let harness = try RelayHarness(ackTimeout: .milliseconds(1500))
        try await harness.run { client in
            #expect(try await client.post("/v1/events", Payloads.click().text).status == .accepted)
            #expect(try await client.get("/ready").status == .ok)

            harness.cluster.setBroker(1, up: false)
            for _ in 0..<3 {
                let started = ContinuousClock.now
                let response = try await client.post("/v1/events", Payloads.click().text)
                #expect(response.status == .serviceUnavailable, "\(response.text)")
                #expect(response.headers[.retryAfter] == "2")
                #expect(response.errorCode == "timeout")
                #expect(ContinuousClock.now - started < .seconds(5))
            }
            let batch = try await client.post("/v1/events", JSONValue.array([Payloads.click(), Payloads.pageload()]).text)
            #expect(batch.status == .serviceUnavailable)
            #expect(Set(batch.errorPaths) == ["[0]", "[1]"])
            let legacy = try await client.post("/produceClickMessage", Payloads.legacyClick().text)
            #expect(legacy.status == .serviceUnavailable)
            #expect(try await client.get("/ready").status == .serviceUnavailable)

            harness.cluster.setBroker(1, up: true)
            var statuses: [HTTPResponse.Status] = []
            let recovered = try await eventually(timeout: .seconds(30)) {
                let status = try await client.post("/v1/events", Payloads.click().text).status
                statuses.append(status)
                return status == .accepted
            }
            #expect(recovered, "statuses while recovering: \(statuses)")
            #expect(statuses.allSatisfy { $0 == .accepted || $0 == .serviceUnavailable })
        }
    }

    @Test("a broker that refuses the write: 503 broker_error, never 2xx")
    func brokerRefuses() async throws {
        let harness = try RelayHarness()
        try await harness.run { client in
            #expect(try await client.post("/v1/events", Payloads.click().text).status == .accepted)
            harness.cluster.pushRequestErrors(apiKey: 0, codes: [29])  // TOPIC_AUTHORIZATION_FAILED
            let response = try await client.post("/v1/events", Payloads.click().text)
            #expect(response.status == .serviceUnavailable)
            #expect(response.errorCode == "broker_error")
            #expect(response.headers[.retryAfter] != nil)
        }
    }

    @Test("a batch partly stored: the 503 lists the stored events' ids and places, and the failed ones")
    func partlyStored() async throws {
        let harness = try RelayHarness(ackTimeout: .seconds(2))
        // The pageload topic refuses every write; the click topic works.
        harness.cluster.setTopicError(harness.topic(PageLoadProperties.self), code: 29)  // TOPIC_AUTHORIZATION_FAILED
        let batch = JSONValue.array([Payloads.click(), Payloads.pageload(), Payloads.click()])
        try await harness.run { client in
            let response = try await client.post("/v1/events", batch.text)
            #expect(response.status == .serviceUnavailable)
            let error = try response.json["error"]
            let stored = error?["stored"]?.arrayValue ?? []
            #expect(stored.map { $0["index"]?.int64Value } == [0, 2])
            #expect(stored.allSatisfy { UUID(uuidString: $0["id"]?.stringValue ?? "") != nil })
            #expect(response.errorPaths == ["[1]"])
        }
        #expect(try await harness.storedCount(harness.topic(ClickProperties.self)) == 2)
    }

    @Test("a full send queue: 503 queue_full with a short Retry-After")
    func queueFull() async throws {
        // The enqueue wait (at most 1 s) must end well before the queued messages time out (3 s),
        // or their timeouts free the queue first and the answer is `timeout`.
        let harness = try RelayHarness(ackTimeout: .seconds(3), tuneProducer: { $0.maxQueuedMessages = 2 })
        harness.cluster.setBroker(1, up: false)
        try await harness.run { client in
            let batch = JSONValue.array((0..<5).map { _ in Payloads.click() })
            let response = try await client.post("/v1/events", batch.text)
            #expect(response.status == .serviceUnavailable)
            #expect(response.errorCode == "queue_full")
            #expect(response.headers[.retryAfter] == "1")
        }
    }

    @Test("after the producer closed (shutting down): 503 shutting_down")
    func producerClosed() async throws {
        let harness = try RelayHarness()
        await harness.producer.close()
        try await harness.run { client in
            let response = try await client.post("/v1/events", Payloads.click().text)
            #expect(response.status == .serviceUnavailable)
            #expect(response.errorCode == "shutting_down")
        }
    }

    @Test("a fatal producer: /ready says so at once, events get 503, never 2xx")
    func fatalProducerIsReported() async throws {
        let harness = try RelayHarness()
        try await harness.run { client in
            #expect(try await client.post("/v1/events", Payloads.click().text).status == .accepted)
            #expect(try await client.get("/ready").status == .ok)
            harness.producer.triggerFatalErrorForTesting()
            #expect(harness.producer.fatalError?.kind == .fatal)
            let ready = try await client.get("/ready")
            #expect(ready.status == .serviceUnavailable)
            #expect(ready.text.contains("kafka producer (fatal error)"), "\(ready.text)")
            let refused = try await client.post("/v1/events", Payloads.click().text)
            #expect(refused.status == .serviceUnavailable)
        }
    }

    @Test("a fatal producer stops the relay gracefully with ProducerFailed (the command exits 70; the platform starts a fresh one)")
    func fatalProducerStopsTheRelay() async throws {
        let harness = try RelayHarness()
        await harness.producer.close()
        var configuration = harness.configuration
        configuration.listen = .init(host: "127.0.0.1", port: 0)
        let server = Task {
            try await RelayServer.run(configuration: configuration, logger: quietLogger) { producer in
                producer.triggerFatalErrorForTesting()
            }
        }
        let outcome = await Task {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                group.addTask {
                    try await server.value
                    return true
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(30))
                    return false
                }
                defer { group.cancelAll() }
                return try await group.next()
            }
        }.result
        switch outcome {
        case .failure(let error):
            #expect(error is ProducerWatchdog.ProducerFailed, "\(error)")
        case .success(let stopped):
            server.cancel()
            Issue.record(stopped == true ? "the relay stopped without an error" : "the relay kept running with a fatal producer")
        }
    }
}
