import EDMKafka
import Foundation
import Testing
import TestSupport

@Suite("Failures surface as typed errors")
struct FailureTests {
    @Test("a message the broker never acknowledges fails its send with a delivery timeout")
    func deliveryFailure() async throws {
        let broker = try await TestBroker(topics: ["down:1"])
        let producer = try producer(broker.bootstrapServers) { $0.deliveryTimeout = .milliseconds(1500) }
        _ = try await producer.send(KafkaOutgoingMessage(topic: "down", key: "k", value: "before"))
        #expect(try await broker.stop() == 0)
        let started = ContinuousClock.now
        do {
            _ = try await producer.send(KafkaOutgoingMessage(topic: "down", key: "k", value: "after"))
            Issue.record("send succeeded with the broker stopped")
        } catch let error as KafkaError {
            #expect(error.kind == .delivery)
            #expect(error.isTimeout, "\(error)")
        }
        #expect(ContinuousClock.now - started < .seconds(30), "the 1.5 s delivery timeout must end the send, not a hang")
        await producer.close()
    }

    @Test("a broker-side error on the topic is reported, not swallowed")
    func brokerErrorSurfaces() async throws {
        let cluster = try KafkaMockCluster()
        try cluster.createTopic("denied", partitions: 1)
        let producer = try producer(cluster.bootstrapServers) { $0.deliveryTimeout = .seconds(3) }
        _ = try await producer.send(KafkaOutgoingMessage(topic: "denied", key: "k", value: "ok"))
        cluster.pushRequestErrors(apiKey: 0, codes: [29])  // Produce -> TOPIC_AUTHORIZATION_FAILED
        do {
            _ = try await producer.send(KafkaOutgoingMessage(topic: "denied", key: "k", value: "refused"))
            Issue.record("the broker refused the message but send succeeded")
        } catch let error as KafkaError {
            #expect(error.kind == .delivery)
            #expect(error.code == 29, "\(error)")
        }
        await producer.close()
    }

    @Test("a full local queue makes send wait, then fail with queueFull, never hang")
    func queueFull() async throws {
        // Nothing listens on this port: messages stay queued locally.
        let producer = try producer("127.0.0.1:1") {
            $0.maxQueuedMessages = 5
            $0.enqueueTimeout = .milliseconds(300)
            $0.deliveryTimeout = .seconds(2)
        }
        let results = await producer.send(messages(topic: "nowhere", count: 20))
        let queueFull = results.filter {
            if case .failure(let error) = $0 { return error.kind == .queueFull } else { return false }
        }
        #expect(queueFull.count >= 10)
        #expect(results.allSatisfy { (try? $0.get()) == nil })
        await producer.close(flushTimeout: .milliseconds(100))
    }

    @Test("sending after close fails with .closed")
    func sendAfterClose() async throws {
        let broker = try await TestBroker(topics: ["closed:1"])
        let producer = try producer(broker.bootstrapServers)
        await producer.close()
        await #expect(throws: KafkaError.closedError) {
            _ = try await producer.send(KafkaOutgoingMessage(topic: "closed", key: "k", value: "late"))
        }
    }

    @Test("an unknown configuration property is rejected and named")
    func badProperty() throws {
        var configuration = KafkaProducerConfiguration()
        configuration.extraProperties = ["no.such.property": "1"]
        #expect {
            _ = try KafkaProducer(connection: KafkaConnection(bootstrapServers: ["127.0.0.1:1"]), configuration: configuration)
        } throws: { error in
            (error as? KafkaError)?.kind == .configuration && "\(error)".contains("no.such.property")
        }
    }
}
