import EDMPostgres
import Foundation
import Testing

@Suite("Array parameters round-trip exactly")
struct ArrayParameterTests {
    /// `unnest` keeps the order; `WITH ORDINALITY` makes sure of it.
    private static func elements<T: PostgresDecodable>(
        _ array: some PostgresBindable, as type: T.Type, on connection: PostgresConnection
    ) async throws -> (type: String, values: [T]) {
        let declared = try await connection.query("SELECT pg_typeof($1)::text", [array])[0].decode(String.self, at: 0)
        let rows = try await connection.query("SELECT u FROM unnest($1) WITH ORDINALITY AS t(u, n) ORDER BY n", [array])
        return (declared, try rows.map { try $0.decode(T.self, at: 0) })
    }

    @Test func textArraysKeepQuotesBackslashesUnicodeAndTheWordNULL() async throws {
        let connection = try await Fixtures.sharedConnection()
        let values = ParameterTests.awkwardStrings + ["{braces}", "comma,inside", "NULL", "\"", "a\"b\\c", "ünïcödé ✓"]
        let (type, decoded) = try await Self.elements(values, as: String.self, on: connection)
        #expect(type == "text[]")
        #expect(decoded == values)
        // The server counts the same characters, so nothing was escaped or re-encoded.
        let lengths = try await connection.query("SELECT length(u) FROM unnest($1) WITH ORDINALITY AS t(u, n) ORDER BY n", [values])
        #expect(try lengths.map { try $0.decode(Int.self, at: 0) } == values.map(\.unicodeScalars.count))
        await connection.close()
    }

    @Test func numbersUUIDsDatesAndBooleans() async throws {
        let connection = try await Fixtures.sharedConnection()
        let int8s: [Int64] = [.min, -1, 0, 1, .max]
        #expect(try await Self.elements(int8s, as: Int64.self, on: connection) == ("bigint[]", int8s))
        let ints: [Int] = [.min, 42, .max]
        #expect(try await Self.elements(ints, as: Int.self, on: connection) == ("bigint[]", ints))
        let int4s: [Int32] = [.min, 0, .max]
        #expect(try await Self.elements(int4s, as: Int32.self, on: connection) == ("integer[]", int4s))
        let int2s: [Int16] = [.min, 7, .max]
        #expect(try await Self.elements(int2s, as: Int16.self, on: connection) == ("smallint[]", int2s))
        let doubles: [Double] = [0.1, -1.5e300, .infinity, .leastNonzeroMagnitude]
        #expect(try await Self.elements(doubles, as: Double.self, on: connection) == ("double precision[]", doubles))
        let booleans = [true, false, true]
        #expect(try await Self.elements(booleans, as: Bool.self, on: connection) == ("boolean[]", booleans))
        let uuids = (0..<100).map { _ in UUID() }
        #expect(try await Self.elements(uuids, as: UUID.self, on: connection) == ("uuid[]", uuids))
        // The server reads the same uuid text we print.
        let texts = try await connection.query("SELECT u::text FROM unnest($1) WITH ORDINALITY AS t(u, n) ORDER BY n", [uuids])
        #expect(try texts.map { try $0.decode(String.self, at: 0) } == uuids.map { $0.uuidString.lowercased() })
        let dates = [
            Date(timeIntervalSince1970: 1_700_000_000.123456), Date(timeIntervalSince1970: 0),
            Date(timeIntervalSince1970: -1.5), Date(timeIntervalSince1970: 946_684_800),
            Date(timeIntervalSince1970: -62_200_000_000),
        ]
        let (dateType, decodedDates) = try await Self.elements(dates, as: Date.self, on: connection)
        #expect(dateType == "timestamp with time zone[]")
        #expect(zip(decodedDates, dates).allSatisfy { abs($0.timeIntervalSince1970 - $1.timeIntervalSince1970) < 0.000_001 })
        let epochs = try await connection.query(
            "SELECT extract(epoch FROM u)::float8 FROM unnest($1) WITH ORDINALITY AS t(u, n) ORDER BY n", [dates])
        #expect(try zip(epochs, dates).allSatisfy { abs(try $0.decode(Double.self, at: 0) - $1.timeIntervalSince1970) < 0.000_001 })
        await connection.close()
    }

    @Test func emptyArraysOfEveryType() async throws {
        let connection = try await Fixtures.sharedConnection()
        let arrays: [(any PostgresBindable, String)] = [
            ([String](), "text[]"), ([Int64](), "bigint[]"), ([Int32](), "integer[]"), ([UUID](), "uuid[]"),
            ([Date](), "timestamp with time zone[]"), ([Bool](), "boolean[]"),
        ]
        for (array, type) in arrays {
            let rows = try await connection.query(
                "SELECT pg_typeof($1)::text, cardinality($1), (SELECT count(*) FROM unnest($1))", [array])
            #expect(try rows[0].decode(String.self, at: 0) == type)
            #expect(try rows[0].decode(Int.self, at: 1) == 0)
            #expect(try rows[0].decode(Int.self, at: 2) == 0)
        }
        await connection.close()
    }

    @Test func nilElementsAreNULL() async throws {
        let connection = try await Fixtures.sharedConnection()
        let texts: [String?] = ["a", nil, "NULL", nil]
        let rows = try await connection.query(
            "SELECT u, u IS NULL FROM unnest($1) WITH ORDINALITY AS t(u, n) ORDER BY n", [texts])
        #expect(try rows.map { try $0.decode(String?.self, at: 0) } == texts)
        #expect(try rows.map { try $0.decode(Bool.self, at: 1) } == [false, true, false, true])
        let ids: [UUID?] = [nil, UUID()]
        #expect(try await Self.elements(ids, as: UUID?.self, on: connection) == ("uuid[]", ids))
        // An array without NULLs says so (array_position finds no NULL); one with them finds it.
        let positions = try await connection.query(
            "SELECT array_position($1, NULL), array_position($2, NULL)", [[Int64?](arrayLiteral: 1, 2), [Int64?](arrayLiteral: 1, nil)])
        #expect(try positions[0].decode(Int?.self, at: 0) == nil)
        #expect(try positions[0].decode(Int?.self, at: 1) == 2)
        await connection.close()
    }

    @Test func arraysFillArrayColumnsAndAnyComparisons() async throws {
        let connection = try await Fixtures.connection()
        try await connection.execute("CREATE TABLE tagged (id uuid PRIMARY KEY, tags text[] NOT NULL, scores int4[])")
        let ids = (0..<20).map { _ in UUID() }
        try await connection.execute(
            "INSERT INTO tagged SELECT id, ARRAY[tag], $3 FROM unnest($1, $2) AS u(id, tag)",
            [ids, ids.map { "tag \"\($0.uuidString.prefix(4))\"" }, [Int32(1), 2, 3]])
        let found = try await connection.query("SELECT count(*) FROM tagged WHERE id = ANY($1)", [Array(ids.prefix(5))])
        #expect(try found[0].decode(Int.self, at: 0) == 5)
        let column = try await connection.query("SELECT tags[1], scores[3] FROM tagged WHERE id = $1", [ids[3]])
        #expect(try column[0].decode(String.self, at: 0) == "tag \"\(ids[3].uuidString.prefix(4))\"")
        #expect(try column[0].decode(Int32.self, at: 1) == 3)
        await connection.close()
    }

    @Test func bytesStayBytea() async throws {
        let connection = try await Fixtures.sharedConnection()
        let bytes: [UInt8] = [0, 1, 0x7f, 0x80, 0xff]
        let rows = try await connection.query("SELECT pg_typeof($1)::text, $1", [bytes])
        #expect(try rows[0].decode(String.self, at: 0) == "bytea")
        #expect(try rows[0].decode([UInt8].self, at: 1) == bytes)
        await connection.close()
    }
}
