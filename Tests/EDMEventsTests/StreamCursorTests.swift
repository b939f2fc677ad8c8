import EDMEvents
import Testing

@Suite("Cursors: Kafka positions as one compact string")
struct StreamCursorTests {
    @Test("round trip, order-independent, URL-safe")
    func roundTrip() throws {
        var cursor = StreamCursor()
        cursor.set(topic: "tenant.edm-ui-pageload", partition: 7, nextOffset: 1_234_567_890_123)
        cursor.set(topic: "tenant.edm-ui-click", partition: 0, nextOffset: 0)
        cursor.set(topic: "tenant.edm-ui-click", partition: 3, nextOffset: 42)
        let text = cursor.encoded
        #expect(text.hasPrefix("c1."))
        #expect(text.allSatisfy { $0.isLetter || $0.isNumber || "-_.".contains($0) })
        #expect(try StreamCursor(parsing: text) == cursor)
        let reordered = StreamCursor(positions: [
            "tenant.edm-ui-click": [3: 42, 0: 0], "tenant.edm-ui-pageload": [7: 1_234_567_890_123],
        ])
        #expect(reordered.encoded == text)
        #expect(try StreamCursor(parsing: StreamCursor().encoded) == StreamCursor())
        #expect(cursor.nextOffset(topic: "tenant.edm-ui-click", partition: 3) == 42)
    }

    @Test("64 partitions of two topics stay short")
    func compact() {
        var cursor = StreamCursor()
        for partition in 0..<64 {
            cursor.set(topic: "edm-ui-click", partition: Int32(partition), nextOffset: 10_000_000 + Int64(partition))
            cursor.set(topic: "edm-ui-pageload", partition: Int32(partition), nextOffset: 5_000_000)
        }
        #expect(cursor.encoded.count < 1_000)
    }

    @Test("malformed, foreign and truncated strings get precise errors, never a trap")
    func errors() {
        func error(_ text: String) -> StreamCursorError? {
            do {
                _ = try StreamCursor(parsing: text)
                return nil
            } catch { return error }
        }
        #expect(error("hello") == .notACursor)
        #expect(error("c2.AAAA") == .unsupportedVersion("c2"))
        #expect(error("c1.not base64!") == .notBase64URL)
        #expect(error("c1." + String(repeating: "A", count: 20_000)) == .tooLong(limit: StreamCursor.maxEncodedLength))
        let valid = StreamCursor(positions: ["edm-ui-click": [0: 300]]).encoded
        // Every truncation of a valid cursor is refused with a reason.
        for length in StreamCursor.versionPrefix.count..<valid.count {
            let cut = String(valid.prefix(length))
            if cut == StreamCursor.versionPrefix { continue }
            #expect(error(cut) != nil, "\(cut)")
        }
        guard case .malformed? = error(valid + "AA") else {
            Issue.record("trailing bytes must be refused")
            return
        }
    }
}
