import EDMEvents
import Foundation
import Testing
import TestSupport

/// Proves the generated schemas and our validator agree, using a validator we did not write:
/// Debian's python3-jsonschema (draft 2020-12, with format checking). Samples are generated from
/// the same field rules (so a new event type is covered without editing this file) plus
/// hand-picked tricky cases. Every sample must get the same verdict from both validators, and
/// that verdict must be the one the sample was built to have.
@Suite("Schema cross-check with python3-jsonschema")
struct SchemaCrossCheckTests {
    struct Sample {
        var name: String
        var kind: any EventProperties.Type
        var form: EventForm
        var document: JSONValue
        var valid: Bool
    }

    static let python = "/usr/bin/python3"

    static let script = #"""
        import json, sys
        from jsonschema import Draft202012Validator, FormatChecker
        data = json.load(open(sys.argv[1], encoding="utf-8"))
        for name, schema in data["schemas"].items():
            Draft202012Validator.check_schema(schema)
        validators = {name: Draft202012Validator(schema, format_checker=FormatChecker())
                      for name, schema in data["schemas"].items()}
        results = []
        for sample in data["samples"]:
            errors = [e.message for e in validators[sample["schema"]].iter_errors(sample["document"])]
            results.append({"valid": not errors, "errors": errors[:3]})
        json.dump(results, sys.stdout)
        """#

    @Test("every sample gets the same verdict from our validator and from jsonschema")
    func crossCheck() async throws {
        let samples = try Self.samples()
        #expect(samples.count > 100)
        #expect(samples.contains { $0.valid } && samples.contains { !$0.valid })

        // Our verdicts.
        for sample in samples {
            #expect(Self.ourVerdict(sample) == sample.valid, "our validator on \(sample.name): \(sample.document.description)")
        }

        // jsonschema's verdicts.
        var schemas: [String: JSONValue] = [:]
        for kind in EventRegistry.standard.kinds {
            for form in EventForm.allCases {
                schemas["\(kind.eventType).\(form.rawValue)"] = EventSchemas.document(for: kind, form: form)
            }
        }
        let input: JSONValue = [
            "schemas": .object(schemas),
            "samples": .array(samples.map { ["schema": .string("\($0.kind.eventType).\($0.form.rawValue)"), "document": $0.document] }),
        ]
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("edm-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let inputFile = directory.appendingPathComponent("input.json")
        try input.serialized().write(to: inputFile)
        for (name, document) in EventSchemas.all() {
            try document.serialized(pretty: true).write(to: directory.appendingPathComponent(name))
        }

        try #require(
            FileManager.default.isExecutableFile(atPath: Self.python),
            "needs \(Self.python) with the Debian package python3-jsonschema")
        let result = try await runCommand(Self.python, ["-c", Self.script, inputFile.path])
        try #require(
            result.status == 0,
            "python3-jsonschema failed (apt-get install -y python3-jsonschema): \(result.stderr)")
        let verdicts = try #require(try JSONValue.parse(result.stdout).arrayValue)
        try #require(verdicts.count == samples.count)
        for (sample, verdict) in zip(samples, verdicts) {
            #expect(
                verdict["valid"] == .bool(sample.valid),
                "jsonschema on \(sample.name): \(sample.document.description) -> \(verdict.description)")
        }
    }

    static func ourVerdict(_ sample: Sample) -> Bool {
        switch sample.form {
        case .request:
            EventParser().parse(sample.document, type: sample.kind.eventType, source: .v1, receivedAt: Fixture.receivedAt)
                .success != nil
        case .envelope:
            (try? EventEnvelope.decode(sample.document)) != nil
        }
    }

    // MARK: - Samples

    static func samples() throws -> [Sample] {
        var samples: [Sample] = []
        for kind in EventRegistry.standard.kinds {
            for form in EventForm.allCases {
                samples += try generated(kind, form)
            }
            samples += handPicked(kind)
        }
        return samples
    }

    /// Valid base documents and, for every field rule, values that must pass and must fail.
    static func generated(_ kind: any EventProperties.Type, _ form: EventForm) throws -> [Sample] {
        var base = EventSchemas.example(for: kind, form: form)
        var samples = [Sample(name: "\(kind.eventType).\(form) example", kind: kind, form: form, document: base, valid: true)]
        if form == .envelope {
            base = try setting(base, ["extras"], ["topLevel": ["client": ["v": 1]], "properties": ["color": nil]])
            base = try setting(base, ["source"], "legacy")
            samples.append(Sample(name: "\(kind.eventType).envelope with extras", kind: kind, form: form, document: base, valid: true))
        }

        func visit(_ rules: [FieldRule], at path: [String]) throws {
            for rule in rules {
                let fieldPath = path + [rule.name]
                let label = "\(kind.eventType).\(form) \(fieldPath.joined(separator: "."))"
                func add(_ what: String, _ value: JSONValue?, valid: Bool) throws {
                    samples.append(
                        Sample(name: "\(label) \(what)", kind: kind, form: form, document: try setting(base, fieldPath, value), valid: valid))
                }
                let presence = rule.presence(in: form)
                switch presence {
                case .required: try add("missing", nil, valid: false)
                case .optional: try add("omitted", nil, valid: true)
                case .forbidden:
                    try add("sent although read-only", "x", valid: false)
                    continue
                }
                try add("null", .null, valid: false)
                try add("array", [], valid: false)
                switch rule.value {
                case .text(let text):
                    try add("number", 5, valid: false)
                    try add("too long", .string(String(repeating: "x", count: text.length.upperBound + 1)), valid: false)
                    if text.length.lowerBound > 0 { try add("empty", "", valid: false) }
                    if text.format == .plain {
                        try add("at max length (astral)", .string(String(repeating: "🏕", count: text.length.upperBound)), valid: true)
                        try add("at min length", .string(String(repeating: "x", count: text.length.lowerBound)), valid: true)
                        try add("newline inside", "a\nb", valid: false)
                        try add("trailing newline", "ab\n", valid: false)
                        try add("DEL", "a\u{7F}", valid: false)
                        let punctuated = "the-camper's-kit,2.5l"
                        if text.length.contains(punctuated.unicodeScalars.count) {
                            try add("apostrophe comma dot", .string(punctuated), valid: true)
                        }
                    }
                case .oneOf(let values):
                    try add("not in enum", "zzz", valid: false)
                    try add("enum value in upper case", .string(values[0].uppercased()), valid: false)
                    for value in values where form == .envelope && !fieldPath.contains("deviceType") {
                        try add("enum \(value)", .string(value), valid: true)
                    }
                case .constant(let value):
                    try add("other constant", .string(value + "x"), valid: false)
                case .integer(let range):
                    try add("below range", .integer(range.lowerBound - 1), valid: false)
                    try add("above range", .integer(range.upperBound + 1), valid: false)
                    try add("as string", .string(String(range.lowerBound)), valid: false)
                    try add("fraction", .double(Double(range.lowerBound) + 0.5), valid: false)
                case .boolean:
                    try add("as string", "true", valid: false)
                    try add("number", 1, valid: false)
                    try add("false", false, valid: true)
                case .object(let rules):
                    try add("number", 5, valid: false)
                    try add("with unknown key", .object(try value(in: base, at: fieldPath)?.objectValue?.merging(["zzUnknown": 1]) { a, _ in a } ?? ["zzUnknown": 1]), valid: false)
                    try visit(rules, at: fieldPath)
                case .anyObject:
                    try add("number", 5, valid: false)
                }
            }
        }
        try visit(EventEnvelope.fieldRules(for: kind), at: [])
        return samples
    }

    static func handPicked(_ kind: any EventProperties.Type) -> [Sample] {
        let request = EventSchemas.example(for: kind, form: .request)
        var samples: [Sample] = []
        func add(_ name: String, _ path: [String], _ value: JSONValue?, valid: Bool) {
            guard let document = try? setting(request, path, value) else { return }
            samples.append(Sample(name: "\(kind.eventType) \(name)", kind: kind, form: .request, document: document, valid: valid))
        }
        let timestamps: [(String, Bool)] = [
            ("2024-05-01T12:00:00Z", true), ("2024-05-01t12:00:00.123456789z", true), ("2024-05-01T14:00:00+02:00", true),
            ("2024-05-01T12:00:00", false), ("2024-13-01T12:00:00Z", false), ("2024-05-01T24:00:00Z", false),
            ("2024-05-01T12:00:60Z", false), ("2024-05-01 12:00:00Z", false), ("yesterday", false),
            ("2024-05-01T12:00:00.1234567890Z", false), ("2024-05-01T12:00:00+0200", false),
        ]
        for (text, valid) in timestamps { add("occurredAt \(text)", ["occurredAt"], .string(text), valid: valid) }
        let ids: [(String, Bool)] = [
            ("3F2A6C1E-8B4D-4F0A-9C7E-5D1B2A3C4E5F", true), ("3f2a6c1e8b4d4f0a9c7e5d1b2a3c4e5f", false),
            ("{3f2a6c1e-8b4d-4f0a-9c7e-5d1b2a3c4e5f}", false), ("3f2a6c1e-8b4d-4f0a-9c7e-5d1b2a3c4e5g", false),
            ("not-a-uuid", false),
        ]
        for (text, valid) in ids { add("id \(text)", ["id"], .string(text), valid: valid) }
        if kind == PageLoadProperties.self {
            let urls: [(String, Bool)] = [
                ("HTTPS://EXAMPLE.COM", true), ("http://x", true), ("ftp://x", false), ("https://", false),
                ("https:// x", false), ("//example.com", false), ("https://example.com/\u{85}", true),
            ]
            for (text, valid) in urls { add("url \(text)", ["properties", "url"], .string(text), valid: valid) }
            add("empty userAgent", ["properties", "userAgent"], "", valid: true)
        }
        return samples
    }

    // MARK: - Editing documents

    static func value(in document: JSONValue, at path: [String]) throws -> JSONValue? {
        path.reduce(Optional(document)) { $0?[$1] }
    }

    /// `document` with the value at `path` replaced (nil removes it); parents must exist.
    static func setting(_ document: JSONValue, _ path: [String], _ value: JSONValue?) throws -> JSONValue {
        guard let key = path.first else { return value ?? .null }
        var members = try #require(document.objectValue, "no object at \(path)")
        if path.count == 1 {
            members[key] = value
        } else {
            members[key] = try setting(members[key] ?? [:], Array(path.dropFirst()), value)
        }
        return .object(members)
    }
}
