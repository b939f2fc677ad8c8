import EDMPostgres
import Foundation
import Testing

@Suite("Parameters round-trip exactly")
struct ParameterTests {
    static let awkwardStrings = [
        "it's", "''", "back\\slash", "\\\\", "quote\"d", "emoji 🎉👩‍👩‍👧‍👦", "CJK 漢字 かな カナ 한국어",
        "", " padded ", "line\nbreak\ttab\r", "$1", "'; DROP TABLE notes; --", "E'\\x41'", "\\x00",
        "ünïcödé Ω≈ç√", String(repeating: "long ", count: 20_000),
    ]

    @Test func stringsAsParametersAndStoredValues() async throws {
        let connection = try await Fixtures.connection()
        try await connection.execute("CREATE TABLE notes (id int PRIMARY KEY, body text)")
        for (index, text) in Self.awkwardStrings.enumerated() {
            let echoed = try await connection.query("SELECT $1::text", [text])
            #expect(try echoed[0].decode(String.self, at: 0) == text)
            try await connection.execute("INSERT INTO notes (id, body) VALUES ($1, $2)", [index, text])
        }
        let rows = try await connection.query("SELECT id, body, length(body) FROM notes ORDER BY id")
        #expect(rows.count == Self.awkwardStrings.count)
        for row in rows {
            let text = Self.awkwardStrings[try row.decode(Int.self, at: 0)]
            #expect(try row.decode(String.self, column: "body") == text)
            // The server saw the same characters, not an escaped or re-encoded form.
            #expect(try row.decode(Int.self, at: 2) == text.unicodeScalars.count)
        }
        await connection.close()
    }

    @Test func nullRoundTrips() async throws {
        let connection = try await Fixtures.sharedConnection()
        let missing: String? = nil
        let rows = try await connection.query(
            "SELECT $1::text AS a, $2::int8 AS b, $3::text AS c, $1::text IS NULL AS a_is_null",
            [missing, Int?.none, nil])
        #expect(try rows[0].decode(String?.self, column: "a") == nil)
        #expect(try rows[0].decode(Int?.self, column: "b") == nil)
        #expect(try rows[0].decode(String?.self, column: "c") == nil)
        #expect(try rows[0].decode(Bool.self, column: "a_is_null"))
        #expect(rows[0].isNull(column: "a"))
        // "NULL" the string is not NULL the value.
        let text = try await connection.query("SELECT $1::text IS NULL, $1::text", ["NULL"])
        #expect(try text[0].decode(Bool.self, at: 0) == false)
        #expect(try text[0].decode(String?.self, at: 1) == "NULL")
    }

    @Test func numbersBooleansAndExtremes() async throws {
        let connection = try await Fixtures.sharedConnection()
        for value in [Int.min, -1, 0, 1, Int.max] {
            let rows = try await connection.query("SELECT $1, $1 = $2::int8", [value, String(value)])
            #expect(rows.columns[0].dataType == .int8)
            #expect(try rows[0].decode(Int.self, at: 0) == value)
            #expect(try rows[0].decode(Bool.self, at: 1))
        }
        for value in [Int32.min, 0, Int32.max] {
            let rows = try await connection.query("SELECT $1", [value])
            #expect(rows.columns[0].dataType == .int4)
            #expect(try rows[0].decode(Int32.self, at: 0) == value)
        }
        for value in [0.1, -1.5e300, .leastNonzeroMagnitude, Double.pi, .infinity, -.infinity] {
            let rows = try await connection.query("SELECT $1", [value])
            #expect(try rows[0].decode(Double.self, at: 0) == value)
        }
        let nan = try await connection.query("SELECT $1", [Double.nan])
        #expect(try nan[0].decode(Double.self, at: 0).isNaN)
        let booleans = try await connection.query("SELECT $1, $2, NOT $1", [true, false])
        #expect(try booleans[0].decode(Bool.self, at: 0) == true)
        #expect(try booleans[0].decode(Bool.self, at: 1) == false)
        #expect(try booleans[0].decode(Bool.self, at: 2) == false)
    }

    @Test func datesUUIDsAndBytes() async throws {
        let connection = try await Fixtures.sharedConnection()
        let dates = [
            Date(timeIntervalSince1970: 1_700_000_000.123),
            Date(timeIntervalSince1970: 0),
            Date(timeIntervalSince1970: -1.5),
            Date(timeIntervalSince1970: 253_402_300_799.999),  // 9999-12-31T23:59:59.999Z
            Date(timeIntervalSince1970: -62_200_000_000),  // before year 1: a BC date
        ]
        for date in dates {
            let rows = try await connection.query("SELECT $1, extract(epoch FROM $1)::float8", [date])
            #expect(rows.columns[0].dataType == .timestamptz)
            let decoded = try rows[0].decode(Date.self, at: 0)
            #expect(abs(decoded.timeIntervalSince1970 - date.timeIntervalSince1970) < 0.000_001)
            // The server's own reading of the instant matches too.
            #expect(abs(try rows[0].decode(Double.self, at: 1) - date.timeIntervalSince1970) < 0.000_001)
        }
        let uuid = UUID()
        let uuids = try await connection.query("SELECT $1, $1::text = lower($2)", [uuid, uuid.uuidString])
        #expect(try uuids[0].decode(UUID.self, at: 0) == uuid)
        #expect(try uuids[0].decode(Bool.self, at: 1))
        let bytes: [UInt8] = [0, 1, 0x7f, 0x80, 0xfe, 0xff, 92, 39]
        let blob = try await connection.query("SELECT $1, length($1), $2", [bytes, Data(bytes)])
        #expect(try blob[0].decode([UInt8].self, at: 0) == bytes)
        #expect(try blob[0].decode(Int.self, at: 1) == bytes.count)
        #expect(try blob[0].decode(Data.self, at: 2) == Data(bytes))
    }

    @Test func stringParametersFillTypedColumnsWithoutCasts() async throws {
        let connection = try await Fixtures.connection()
        try await connection.execute("CREATE TYPE mood AS ENUM ('happy', 'sad')")
        try await connection.execute("CREATE TABLE t (id uuid, m mood, doc jsonb, n int4)")
        let id = UUID()
        try await connection.execute(
            "INSERT INTO t VALUES ($1, $2, $3, $4)", [id.uuidString, "sad", #"{"a": "b\"c"}"#, 7])
        let rows = try await connection.query("SELECT id, m, doc ->> 'a', n FROM t")
        #expect(try rows[0].decode(UUID.self, at: 0) == id)
        #expect(try rows[0].decode(String.self, at: 1) == "sad")
        #expect(try rows[0].decode(String.self, at: 2) == "b\"c")
        #expect(try rows[0].decode(Int.self, at: 3) == 7)
    }

    @Test func nulCharactersAreRefusedNotTruncated() async throws {
        let connection = try await Fixtures.sharedConnection()
        let error = await #expect(throws: PostgresError.self) {
            try await connection.query("SELECT $1::text", ["before\u{0}after"])
        }
        #expect(error?.kind == .client)
        // The server's code for the same fault, so callers classify it as the data's fault.
        #expect(error?.sqlState == "22021")
        // The connection is unaffected.
        #expect(try await connection.query("SELECT 1")[0].decode(Int.self, at: 0) == 1)
    }
}
