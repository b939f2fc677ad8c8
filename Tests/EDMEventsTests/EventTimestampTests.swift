import EDMEvents
import Foundation
import Testing

@Suite("RFC 3339 timestamps")
struct EventTimestampTests {
    @Test("accepted forms and their UTC millisecond value", arguments: [
        ("2024-05-01T12:00:00.123Z", "2024-05-01T12:00:00.123Z"),
        ("2024-05-01T12:00:00Z", "2024-05-01T12:00:00.000Z"),
        ("2024-05-01t12:00:00.1z", "2024-05-01T12:00:00.100Z"),
        ("2024-05-01T12:00:00.123499999Z", "2024-05-01T12:00:00.123Z"),
        ("2024-05-01T12:00:00.1235Z", "2024-05-01T12:00:00.124Z"),
        ("2024-12-31T23:59:59.9995Z", "2025-01-01T00:00:00.000Z"),
        ("2024-05-01T14:00:00.123+02:00", "2024-05-01T12:00:00.123Z"),
        ("2024-05-01T00:30:00-01:00", "2024-05-01T01:30:00.000Z"),
        ("2024-02-29T23:59:59.999Z", "2024-02-29T23:59:59.999Z"),
        ("2000-01-01T00:00:00Z", "2000-01-01T00:00:00.000Z"),
        ("1969-12-31T23:59:59.999Z", "1969-12-31T23:59:59.999Z"),
        ("0001-01-01T00:00:00Z", "0001-01-01T00:00:00.000Z"),
        ("9999-12-31T23:59:59.999Z", "9999-12-31T23:59:59.999Z"),
    ])
    func accepted(input: String, normalized: String) throws {
        let date = try #require(EventTimestamp.date(from: input))
        #expect(EventTimestamp.string(from: date) == normalized)
    }

    @Test("rejected forms", arguments: [
        "2024-05-01", "2024-05-01 12:00:00Z", "2024-05-01T12:00:00", "2024-13-01T00:00:00Z", "2023-02-29T00:00:00Z",
        "2024-04-31T00:00:00Z", "2024-05-01T24:00:00Z", "2024-05-01T12:60:00Z", "2024-05-01T12:00:60Z",
        "2024-05-01T12:00:00.Z", "2024-05-01T12:00:00.1234567890Z", "2024-05-01T12:00:00+0200",
        "2024-05-01T12:00:00+24:00", "2024-05-01T12:00:00Z ", "+2024-05-01T12:00:00Z", "２０２４-05-01T12:00:00Z",
        "1714564800123",
    ])
    func rejected(input: String) {
        #expect(EventTimestamp.date(from: input) == nil)
    }

    @Test("milliseconds convert exactly both ways")
    func milliseconds() {
        for value: Int64 in [0, 1, 999, 1_714_564_800_123, 946_684_800_000, -1, -62_135_596_800_000, 253_402_300_799_999] {
            let date = EventTimestamp.date(fromMilliseconds: value)
            #expect(EventTimestamp.milliseconds(from: date) == value)
            #expect(EventTimestamp.date(from: EventTimestamp.string(from: date)) == date)
        }
    }

    @Test("rounding moves a time by at most half a millisecond and is idempotent")
    func rounding() {
        var generator = SeededGenerator(seed: 42)
        for _ in 0..<2000 {
            let date = Date(timeIntervalSince1970: Double.random(in: 0...4_000_000_000, using: &generator))
            let rounded = EventTimestamp.rounded(date)
            #expect(abs(date.timeIntervalSince(rounded)) <= 0.0005 + 1e-7)
            #expect(EventTimestamp.rounded(rounded) == rounded)
        }
    }

    @Test("decimal milliseconds written as a Double keep their value")
    func decimalDoubles() {
        for fraction in stride(from: 0, to: 1000, by: 1) {
            let date = Date(timeIntervalSince1970: 1_714_564_800 + Double(fraction) / 1000)
            #expect(EventTimestamp.milliseconds(from: date) == 1_714_564_800_000 + Int64(fraction))
        }
    }

    @Test("dates outside years 0000-9999 are clamped, not trapped on")
    func clamping() {
        #expect(EventTimestamp.string(from: .distantFuture) == "4001-01-01T00:00:00.000Z")
        #expect(EventTimestamp.string(from: Date(timeIntervalSince1970: 1e300)) == "9999-12-31T23:59:59.999Z")
        #expect(EventTimestamp.string(from: Date(timeIntervalSince1970: -1e300)) == "0000-01-01T00:00:00.000Z")
        #expect(EventTimestamp.string(from: Date(timeIntervalSince1970: .nan)) == "0000-01-01T00:00:00.000Z")
    }
}
