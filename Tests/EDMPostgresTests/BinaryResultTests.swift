import EDMPostgres
import Foundation
import Testing

@Suite("Binary results decode like text results")
struct BinaryResultTests {
    static let sql = """
        SELECT 7::int2 AS small, (-2147483648)::int4 AS medium, 9223372036854775807::int8 AS big,
               'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid AS id,
               '2024-05-06 07:08:09.123456+02'::timestamptz AS at, '1999-12-31 23:59:59.5'::timestamp AS local,
               '1969-07-20'::date AS day, 'infinity'::timestamptz AS forever,
               true AS yes, 1.5::float4 AS single, -0.1::float8 AS double,
               'ünïcödé "q"'::text AS words, 'x'::varchar AS short, '\\x00ff'::bytea AS blob,
               '{"a": [1, "b"]}'::jsonb AS doc, NULL::int8 AS missing, 42::oid AS object
        """

    @Test func everyBuiltInTypeMatchesTheTextDecoding() async throws {
        let connection = try await Fixtures.sharedConnection()
        let text = try await connection.query(Self.sql, [], resultFormat: .text)[0]
        let binary = try await connection.query(Self.sql, [], resultFormat: .binary)[0]
        #expect(binary.columns.allSatisfy { $0.format == .binary })
        #expect(text.columns.allSatisfy { $0.format == .text })
        for row in [text, binary] {
            #expect(try row.decode(Int16.self, column: "small") == 7)
            #expect(try row.decode(Int.self, column: "small") == 7)
            #expect(try row.decode(Int32.self, column: "medium") == .min)
            #expect(try row.decode(Int64.self, column: "big") == .max)
            #expect(try row.decode(UUID.self, column: "id") == UUID(uuidString: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"))
            let at = try row.decode(Date.self, column: "at").timeIntervalSince1970
            #expect(abs(at - 1_714_972_089.123456) < 0.000_001)
            #expect(try row.decode(Date.self, column: "local").timeIntervalSince1970 == 946_684_799.5)
            #expect(try row.decode(Date.self, column: "day").timeIntervalSince1970 == -14_256_000)
            #expect(try row.decode(Date.self, column: "forever") == .distantFuture)
            #expect(try row.decode(Bool.self, column: "yes"))
            #expect(try row.decode(Double.self, column: "single") == 1.5)
            #expect(try row.decode(Double.self, column: "double") == -0.1)
            #expect(try row.decode(String.self, column: "words") == "ünïcödé \"q\"")
            #expect(try row.decode(String.self, column: "short") == "x")
            #expect(try row.decode([UInt8].self, column: "blob") == [0, 255])
            #expect(try row.decode(Int64?.self, column: "missing") == nil)
            #expect(row.isNull(column: "missing"))
            #expect(try row.decode(Int.self, column: "object") == 42)
            // Numbers and uuids also read as the text the server prints.
            #expect(try row.decode(String.self, column: "big") == "9223372036854775807")
            #expect(try row.decode(String.self, column: "id") == "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
            #expect(try row.decode(String.self, column: "yes") == "t")
        }
        // jsonb: the binary form's version byte is not part of the text.
        let document = try binary.decode(String.self, column: "doc")
        #expect(document.hasPrefix("{") && document.contains("\"a\""))
        #expect(try text.decode(String.self, column: "doc") == document)
        await connection.close()
    }

    @Test func numericNeedsACastInBinary() async throws {
        let connection = try await Fixtures.sharedConnection()
        let rows = try await connection.query("SELECT 1.25::numeric, 1.25::numeric::float8", [], resultFormat: .binary)
        let error = #expect(throws: PostgresDecodingError.self) { try rows[0].decode(Double.self, at: 0) }
        #expect(error?.kind == .typeMismatch)
        #expect(try rows[0].decode(Double.self, at: 1) == 1.25)
        // The same column in text format decodes.
        #expect(try await connection.query("SELECT 1.25::numeric")[0].decode(Double.self, at: 0) == 1.25)
        await connection.close()
    }

    @Test func wrongWidthsAreInvalidValuesNotGarbage() async throws {
        let connection = try await Fixtures.sharedConnection()
        let rows = try await connection.query("SELECT 70000::int4, (2^40)::int8", [], resultFormat: .binary)
        let narrow = #expect(throws: PostgresDecodingError.self) { try rows[0].decode(Int16.self, at: 0) }
        #expect(narrow?.kind == .invalidValue)
        let big = #expect(throws: PostgresDecodingError.self) { try rows[0].decode(Int32.self, at: 1) }
        #expect(big?.kind == .invalidValue)
        await connection.close()
    }
}
