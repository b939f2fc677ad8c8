import EDMEvents
import EDMKafka
import Foundation
import Testing
import TestSupport

/// The broker goes away and comes back (in this process, on the same port): `/ready` tells the
/// truth in between, and the same feed delivers again without a restart.
@Suite("Broker outage under a running stream")
struct BrokerOutageTests {
    @Test("broker down: /ready 503 naming kafka; back: /ready 200 and events flow to the same client")
    func feedComesBack() async throws {
        let cluster = try KafkaMockCluster()
        for topic in ["edm-ui-click", "edm-ui-pageload"] { try cluster.createTopic(topic, partitions: 2) }
        let stream = try await RunningStream.start(bootstrap: cluster.bootstrapServers) { configuration in
            configuration.pingInterval = .seconds(300)
        }
        let client = try await StreamClient.connect(port: stream.port)
        var factory = EventFactory()
        let producer = try testProducer(cluster.bootstrapServers)
        let before = [factory.click()]
        try await producer.produce(before.map(factory.message))
        #expect(try await client.waitForEvents(1))

        cluster.setBroker(1, up: false)
        var ready = try await RawHTTP.get(port: stream.port, path: "/ready")
        #expect(try await eventually(timeout: .seconds(20)) {
            ready = try await RawHTTP.get(port: stream.port, path: "/ready")
            return ready.status == 503
        })
        #expect(String(decoding: ready.body, as: UTF8.self).contains("kafka"))

        cluster.setBroker(1, up: true)
        #expect(try await eventually(timeout: .seconds(30)) {
            (try? await RawHTTP.get(port: stream.port, path: "/ready").status) == 200
        })
        let after = (0..<3).map { _ in factory.click() }
        try await producer.produce(after.map(factory.message))
        #expect(try await client.waitForEvents(4, timeout: .seconds(30)))
        #expect(Set(client.eventIDs) == Set((before + after).map { $0.id.uuidString.lowercased() }))
        #expect(client.eventIDs.count == 4)
        await client.close()
        await producer.close()
        try await stream.stop()
    }
}
