import EDMCore
import Foundation
import Logging
import Testing

@Suite("logfmt logging")
struct LogfmtTests {
    @Test("values with spaces, quotes, equals and newlines are quoted and escaped")
    func quoting() {
        #expect(LogfmtLogHandler.quote("plain") == "plain")
        #expect(LogfmtLogHandler.quote("") == "\"\"")
        #expect(LogfmtLogHandler.quote("two words") == "\"two words\"")
        #expect(LogfmtLogHandler.quote("a=b") == "\"a=b\"")
        #expect(LogfmtLogHandler.quote("say \"hi\"\n") == "\"say \\\"hi\\\"\\n\"")
    }

    @Test("a record becomes one line with sorted metadata")
    func line() {
        let line = LogfmtLogHandler.format(
            timestamp: Date(timeIntervalSince1970: 0), level: .warning, label: "relay", message: "request done",
            metadata: ["status": "202", "path": "/v1/events", "took ms": "1.5"])
        #expect(line == "ts=1970-01-01T00:00:00.000Z level=warning logger=relay msg=\"request done\" path=/v1/events status=202 took_ms=1.5")
        #expect(!line.contains("\n"))
    }

    @Test("the handler merges handler and call metadata and honours the level")
    func handler() {
        let lines = LineCollector()
        var logger = Logger(label: "t") { label in LogfmtLogHandler(label: label, sink: { lines.append($0) }) }
        logger.logLevel = .info
        logger[metadataKey: "service"] = "stats"
        logger.debug("hidden")
        logger.info("shown", metadata: ["n": "1"])
        #expect(lines.all.count == 1)
        #expect(lines.all.first?.contains("msg=shown n=1 service=stats") == true)
    }
}

final class LineCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
