import Foundation
import Testing

@testable import EDMPostgres

@Suite("Timestamp text format")
struct TimestampFormatTests {
    @Test func formatsISO8601WithMicroseconds() {
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000000Z")
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: 1_700_000_000.123)) == "2023-11-14T22:13:20.123000Z")
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: -0.5)) == "1969-12-31T23:59:59.500000Z")
        #expect(PostgresTimestamp.format(Date(timeIntervalSince1970: 951_782_400)) == "2000-02-29T00:00:00.000000Z")
    }

    @Test func parsesOffsetsAndRejectsGarbage() throws {
        let instant = Date(timeIntervalSince1970: 1_700_000_000.5)
        for text in [
            "2023-11-14 22:13:20.5+00", "2023-11-15 03:43:20.5+05:30", "2023-11-14 17:13:20.500000-05",
            "2023-11-14T22:13:20.5Z",
        ] {
            #expect(PostgresTimestamp.parse(text, as: .timestamptz) == instant, "\(text)")
        }
        for garbage in ["", "2023-11-14", "2023-13-14 00:00:00+00", "2023-11-14 22:13:20", "yesterday",
                        "2023-11-14 22:13:20.1234567+00", "2023-11-14 22:13:20+00 extra"] {
            #expect(PostgresTimestamp.parse(garbage, as: .timestamptz) == nil, "\(garbage)")
        }
    }
}
