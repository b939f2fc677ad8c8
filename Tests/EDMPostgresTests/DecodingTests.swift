import EDMPostgres
import Foundation
import Testing

@Suite("Typed decoding")
struct DecodingTests {
    @Test func decodesColumnsByIndexAndName() async throws {
        let connection = try await Fixtures.connection()
        try await connection.execute(
            """
            CREATE TABLE things (
                small int, big bigint, name text, flag bool, at timestamptz, id uuid
            )
            """)
        let id = UUID()
        let at = Date(timeIntervalSince1970: 1_714_000_000.25)
        try await connection.execute(
            "INSERT INTO things VALUES ($1, $2, $3, $4, $5, $6)",
            [Int32(42), Int64(9_000_000_000_000), "widget", true, at, id])
        try await connection.execute("INSERT INTO things VALUES (NULL, NULL, NULL, NULL, NULL, NULL)")
        let rows = try await connection.query("SELECT * FROM things ORDER BY small NULLS LAST")
        #expect(rows.count == 2)
        #expect(rows.columns.map(\.name) == ["small", "big", "name", "flag", "at", "id"])
        #expect(rows.columns.map(\.dataType) == [.int4, .int8, .text, .bool, .timestamptz, .uuid])

        let full = rows[0]
        #expect(try full.decode(Int.self, at: 0) == 42)
        #expect(try full.decode(Int32.self, column: "small") == 42)
        #expect(try full.decode(Int64.self, at: 1) == 9_000_000_000_000)
        #expect(try full.decode(String.self, column: "name") == "widget")
        #expect(try full.decode(Bool.self, column: "flag") == true)
        #expect(try full.decode(Date.self, column: "at") == at)
        #expect(try full.decode(UUID.self, column: "id") == id)
        #expect(try full.decode(String?.self, column: "name") == "widget")

        let empty = rows[1]
        #expect(try empty.decode(Int?.self, at: 0) == nil)
        #expect(try empty.decode(Int64?.self, column: "big") == nil)
        #expect(try empty.decode(String?.self, column: "name") == nil)
        #expect(try empty.decode(Bool?.self, column: "flag") == nil)
        #expect(try empty.decode(Date?.self, column: "at") == nil)
        #expect(try empty.decode(UUID?.self, column: "id") == nil)
        let null = #expect(throws: PostgresDecodingError.self) { try empty.decode(String.self, column: "name") }
        #expect(null?.kind == .unexpectedNull)
        #expect(null?.columnName == "name")
    }

    @Test func wrongTypesAreReportedNotGuessed() async throws {
        let connection = try await Fixtures.sharedConnection()
        let rows = try await connection.query(
            "SELECT 'hello'::text AS greeting, '1'::text AS digit, 3000000000::int8 AS big, 1 AS one, 't'::text AS t")
        let row = rows[0]
        let mismatch = #expect(throws: PostgresDecodingError.self) { try row.decode(Int.self, column: "greeting") }
        #expect(mismatch?.kind == .typeMismatch)
        #expect(mismatch?.columnName == "greeting")
        #expect(mismatch?.columnType == .text)
        #expect(mismatch.map { "\($0)" }?.contains("greeting") == true)
        // A text column holding digits is still text: no silent coercion.
        #expect(throws: PostgresDecodingError.self) { try row.decode(Int.self, column: "digit") }
        #expect(throws: PostgresDecodingError.self) { try row.decode(Bool.self, column: "t") }
        #expect(throws: PostgresDecodingError.self) { try row.decode(Bool.self, column: "one") }
        #expect(throws: PostgresDecodingError.self) { try row.decode(UUID.self, column: "greeting") }
        #expect(throws: PostgresDecodingError.self) { try row.decode(Date.self, column: "one") }
        let overflow = #expect(throws: PostgresDecodingError.self) { try row.decode(Int32.self, column: "big") }
        #expect(overflow?.kind == .invalidValue)
        let missing = #expect(throws: PostgresDecodingError.self) { try row.decode(Int.self, column: "nope") }
        #expect(missing?.kind == .columnNotFound)
        let outOfRange = #expect(throws: PostgresDecodingError.self) { try row.decode(Int.self, at: 5) }
        #expect(outOfRange?.kind == .columnIndexOutOfRange)
        // Anything decodes as its text.
        #expect(try row.decode(String.self, column: "one") == "1")
    }

    @Test func timestampsInAnySessionTimeZone() async throws {
        let connection = try await Fixtures.sharedConnection()
        try await connection.execute("SET TIME ZONE 'Asia/Kolkata'")
        let expected = try #require(PostgresTestDates.utc(2024, 1, 2, 3, 4, 5.678))
        let rows = try await connection.query(
            """
            SELECT '2024-01-02 03:04:05.678+00'::timestamptz AS tz,
                   '2024-01-02 03:04:05.678+00'::timestamptz::text AS shown,
                   '2024-01-02 03:04:05.678'::timestamp AS naive,
                   '2024-01-02'::date AS day,
                   'infinity'::timestamptz AS forever
            """)
        #expect(try rows[0].decode(String.self, column: "shown").hasSuffix("+05:30"))
        #expect(try rows[0].decode(Date.self, column: "tz") == expected)
        #expect(try rows[0].decode(Date.self, column: "naive") == expected)
        #expect(try rows[0].decode(Date.self, column: "day") == PostgresTestDates.utc(2024, 1, 2, 0, 0, 0))
        #expect(try rows[0].decode(Date.self, column: "forever") == .distantFuture)
    }

    @Test func affectedRowsAndCommandTag() async throws {
        let connection = try await Fixtures.connection()
        try await connection.execute("CREATE TABLE n (x int)")
        #expect(try await connection.execute("INSERT INTO n SELECT generate_series(1, 5)") == 5)
        let updated = try await connection.query("UPDATE n SET x = x + 1 WHERE x > $1", [2])
        #expect(updated.affectedRows == 3)
        #expect(updated.commandTag == "UPDATE 3")
        #expect(updated.isEmpty)
        let selected = try await connection.query("SELECT x FROM n ORDER BY x")
        #expect(try selected.map { try $0.decode(Int.self, at: 0) } == [1, 2, 4, 5, 6])
    }
}

enum PostgresTestDates {
    static func utc(_ year: Int, _ month: Int, _ day: Int, _ hour: Int, _ minute: Int, _ second: Double) -> Date? {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let whole = Int(second)
        guard
            let date = calendar.date(
                from: DateComponents(year: year, month: month, day: day, hour: hour, minute: minute, second: whole))
        else { return nil }
        return Date(timeIntervalSince1970: ((date.timeIntervalSince1970 + second - Double(whole)) * 1000).rounded() / 1000)
    }
}
