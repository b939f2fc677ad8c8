import EDMEvents
import Foundation
import Testing

@Suite("JSON parsing and serialization")
struct JSONParserTests {
    func error(_ text: String) -> JSONSyntaxError? {
        do {
            _ = try JSONValue.parse(Data(text.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test("values parse into the expected tree")
    func values() throws {
        let value = try JSONValue.parse(#" {"a": [1, -2.5, 1e3, true, false, null, "x\u00e9\ud83c\udfd5\n"], "b": {}} "#)
        #expect(value == ["a": [1, -2.5, 1000, true, false, nil, "xé🏕\n"], "b": [:]])
        #expect(value["a"]?.arrayValue?[2] == .integer(1000))
    }

    @Test("syntax errors carry the byte offset", arguments: [
        ("", 0, "expected a JSON value, found end of input"),
        ("{\"a\":1,}", 7, "expected a string key, found '}'"),
        ("[1 2]", 3, "expected ',' or ']' in array, found '2'"),
        ("{\"a\" 1}", 5, "expected ':' after key \"a\", found '1'"),
        ("{\"a\":1}x", 7, "unexpected 'x' after the JSON value"),
        ("\"abc", 0, "unterminated string"),
        ("01", 1, "unexpected '1' after the JSON value"),
        ("-", 1, "invalid number: expected a digit, found end of input"),
        ("1.", 2, "invalid number: expected a digit after '.', found end of input"),
        ("tru", 0, "invalid literal, expected true"),
        ("{\"a\":1,\"a\":2}", 7, "duplicate key \"a\""),
        ("\"\\x\"", 1, "invalid escape '\\x'"),
        ("\"\\ud83c\"", 1, "unpaired surrogate in \\u escape"),
        ("\"\\udfd5\"", 1, "unpaired surrogate in \\u escape"),
        ("\"a\tb\"", 2, "unescaped control character 0x09 in string"),
        ("1e999", 0, "number out of range"),
        ("[NaN]", 1, "expected a value, found 'N'"),
    ])
    func syntaxErrors(text: String, offset: Int, reason: String) {
        #expect(error(text) == JSONSyntaxError(offset: offset, reason: reason))
    }

    @Test("invalid UTF-8 is located", arguments: [
        ([0x22, 0x61, 0xFF, 0x22], 2), ([0x22, 0xC0, 0xAF, 0x22], 1), ([0x22, 0xED, 0xA0, 0x80, 0x22], 1),
        ([0x22, 0xE2, 0x82, 0x22], 1), ([0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], 1), ([0xC3, 0xA9], 0),
    ] as [([UInt8], Int)])
    func invalidUTF8(bytes: [UInt8], offset: Int) {
        do {
            let value = try JSONValue.parse(Data(bytes))
            Issue.record("parsed invalid UTF-8 as \(value)")
        } catch {
            #expect(error.offset == offset)
        }
    }

    @Test("valid multi-byte UTF-8 passes through unchanged")
    func validUTF8() throws {
        let text = "é€🏕 ' , . \u{2028}"
        let value = try JSONValue.parse(Data(("\"" + text + "\"").utf8))
        #expect(value == .string(text))
    }

    @Test("nesting is limited")
    func depth() throws {
        let ok = String(repeating: "[", count: 64) + String(repeating: "]", count: 64)
        #expect(error(ok) == nil)
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        #expect(error(deep) == JSONSyntaxError(offset: 64, reason: "nesting deeper than 64 levels"))
    }

    @Test("integers keep full 64-bit precision; larger numbers become doubles")
    func numbers() throws {
        #expect(try JSONValue.parse("9223372036854775807") == .integer(Int64.max))
        #expect(try JSONValue.parse("-9223372036854775808") == .integer(Int64.min))
        #expect(try JSONValue.parse("9223372036854775808") == .double(9_223_372_036_854_775_808))
        #expect(try JSONValue.parse("1.0") == .integer(1))
        #expect(try JSONValue.parse("-0") == .integer(0))
        #expect(try JSONValue.parse("1e-400") == .integer(0))
        #expect(JSONValue.integer(1) == .double(1.0))
        #expect(JSONValue.integer(1).hashValue == JSONValue.double(1.0).hashValue)
        #expect(JSONValue.integer(1) != .double(1.5))
    }

    @Test("a leading byte order mark is skipped")
    func byteOrderMark() throws {
        #expect(try JSONValue.parse(Data([0xEF, 0xBB, 0xBF] + Array("[1]".utf8))) == [1])
    }

    @Test("serialization is canonical: sorted keys, minimal escapes")
    func serialization() throws {
        let value: JSONValue = ["b": 1, "a": ["z": nil, "é": "x/y\"\\\n\u{1}"], "A": [1.5, 1e300, true]]
        let text = String(decoding: value.serialized(), as: UTF8.self)
        #expect(text == #"{"A":[1.5,1e+300,true],"a":{"z":null,"é":"x/y\"\\\n\u0001"},"b":1}"#)
        #expect(try JSONValue.parse(value.serialized()) == value)
        #expect(JSONValue.double(.infinity).serialized() == Data("null".utf8))
    }

    @Test("pretty output parses back to the same value")
    func pretty() throws {
        let value: JSONValue = ["b": [1, [:], []], "a": "x"]
        let text = String(decoding: value.serialized(pretty: true), as: UTF8.self)
        #expect(text == "{\n  \"a\": \"x\",\n  \"b\": [\n    1,\n    {},\n    []\n  ]\n}")
        #expect(try JSONValue.parse(value.serialized(pretty: true)) == value)
    }

    @Test("a root array limit stops parsing at the element past it; nested arrays are not limited")
    func rootArrayLimit() throws {
        #expect(try JSONValue.parse(Data("[1,2,3]".utf8), maxRootArrayElements: 3) == [1, 2, 3])
        #expect(throws: JSONParseFailure.tooManyElements(limit: 2)) {
            try JSONValue.parse(Data("[1,2,3, this is never read".utf8), maxRootArrayElements: 2)
        }
        #expect(try JSONValue.parse(Data("[[1,2,3,4]]".utf8), maxRootArrayElements: 1) == [[1, 2, 3, 4]])
        #expect(try JSONValue.parse(Data(#"{"a":[1,2,3]}"#.utf8), maxRootArrayElements: 1)["a"]?.arrayValue?.count == 3)
        do {
            _ = try JSONValue.parse(Data("[1,".utf8), maxRootArrayElements: 5)
            Issue.record("a truncated array within the limit is a syntax error")
        } catch {
            guard case .syntax(let syntax) = error else {
                Issue.record("expected a syntax error, got \(error)")
                return
            }
            #expect(syntax.offset == 3)
        }
    }
}
