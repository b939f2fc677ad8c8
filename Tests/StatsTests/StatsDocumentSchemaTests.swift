import EDMEvents
import EDMStatsAPI
import Foundation
import OpenAPIKit
@testable import StatsService
import TestSupport
import Testing

/// The response types the routes encode (and the dashboard decodes) and the schemas in
/// `/openapi.json` are one definition: values encoded the way the server encodes them validate
/// against the served schemas under an independent validator (python3-jsonschema), and values
/// with a field the schema does not know fail, so a field added to a type without its schema
/// (or the reverse) fails here.
@Suite("Stats documents match their OpenAPI schemas")
struct StatsDocumentSchemaTests {
    static let python = "/usr/bin/python3"

    static let script = #"""
        import json, sys
        from jsonschema import Draft202012Validator, FormatChecker
        data = json.load(open(sys.argv[1], encoding="utf-8"))
        results = []
        for sample in data["samples"]:
            root = {"components": data["components"], "$ref": "#/components/schemas/" + sample["schema"]}
            validator = Draft202012Validator(root, format_checker=FormatChecker())
            errors = [e.message for e in validator.iter_errors(sample["document"])]
            results.append({"valid": not errors, "errors": errors[:3]})
        json.dump(results, sys.stdout)
        """#

    static let time = Date(timeIntervalSince1970: 1_714_564_800.123)

    /// Every document type, once with every optional field set and once with none.
    static func samples() throws -> [(schema: String, document: JSONValue)] {
        let summary = SummaryView(
            totalEvents: 3,
            types: [
                "click": .init(count: 2, lastEventAt: time, lastReceivedAt: time),
                "pageload": .init(count: 1),
            ],
            lastEventAt: time, lastReceivedAt: time, skippedMessages: ["malformed_json": 4], timeBasis: "occurredAt")
        let values: [(String, any Encodable)] = [
            (SummaryView.schemaName, summary),
            (SummaryView.schemaName, SummaryView(totalEvents: 0, types: [:])),
            (CursorView.schemaName, CursorView(
                cursor: StreamCursor(positions: ["edm-ui-click": [0: 5]]).encoded,
                positions: [.init(topic: "edm-ui-click", partition: 0, nextOffset: 5)], totalEvents: 5)),
            (CursorView.schemaName, CursorView(cursor: StreamCursor().encoded, positions: [], totalEvents: 0)),
            (ClicksView.schemaName, ClicksView(
                buttons: [.init(buttonId: "the-camper's-kit", clicks: 2, lastClickAt: time)], totalClicks: 2,
                distinctButtons: 1, limit: 100)),
            (PageLoadsView.schemaName, PageLoadsView(
                totalPageLoads: 1,
                byDeviceType: Dictionary(uniqueKeysWithValues: DeviceType.allCases.map { ($0.rawValue, Int64(0)) }),
                byUrl: [.init(url: "https://shop.example.com/", pageLoads: 1)], distinctUrls: 1, limit: 1)),
            (TimeseriesView.schemaName, TimeseriesView(
                type: "click", buttonId: "alpha", bucket: .minute, from: time, to: time.addingTimeInterval(60),
                points: [.init(start: time, count: 1)], timeBasis: "occurredAt")),
            (TimeseriesView.schemaName, TimeseriesView(
                type: "pageload", bucket: .day, from: time, to: time.addingTimeInterval(86_400), points: [])),
            (LegacyClickCounts.schemaName, LegacyClickCounts([.init(button_id: "alpha", sum: "12")])),
            (LegacyClickHistory.schemaName, LegacyClickHistory([.init(Day: "2024-05-01T00:00:00.000Z", clicks: "3")])),
            (ErrorDocument.schemaName, ErrorDocument(error: .init(code: "bad_request", message: "no"))),
            (AlertsView.schemaName, AlertsView(
                alerts: [.init(
                    envelope: AlertProperties.example.envelope(occurredAt: time, receivedAt: time),
                    properties: AlertProperties.example)],
                limit: 100, capacity: 1_000)),
            (AlertsView.schemaName, AlertsView(alerts: [], limit: 1, capacity: 0)),
            (TypesView.schemaName, TypesView(types: [
                .init(type: "click", builtIn: true, count: 2, lastEventAt: time, lastReceivedAt: time),
                .init(type: "signup", builtIn: false, count: 0, countBy: ["plan"]),
            ])),
            (TypeStatsView.schemaName, TypeStatsView(
                type: "signup", builtIn: false, count: 3, lastEventAt: time, lastReceivedAt: time,
                countBy: [.init(field: "plan", values: [.init(value: "pro", count: 2), .init(value: "(other)", count: 1)],
                                distinctValues: 2, total: 3)],
                bucket: .tenSeconds, from: time, to: time.addingTimeInterval(10), points: [.init(start: time, count: 3)],
                timeBasis: "occurredAt")),
            (TypeStatsView.schemaName, TypeStatsView(
                type: "click", builtIn: true, count: 0, countBy: [], bucket: .day, from: time,
                to: time.addingTimeInterval(86_400), points: [])),
            (ErrorDocument.schemaName, ErrorDocument(
                error: .init(code: "bad_request", message: "no", details: [.init(path: "limit", message: "no", code: "x")]))),
        ]
        let encoder = EventJSON.makeEncoder()
        return try values.map { name, value in (name, try JSONValue.parse(try encoder.encode(value))) }
    }

    @Test("encoded documents validate against the served schemas; an unknown field does not")
    func encodedDocumentsMatchSchemas() async throws {
        let samples = try Self.samples()
        let covered = Set(samples.map(\.schema))
        #expect(covered == Set(StatsOpenAPI.documents.map { $0.schemaName }), "a sample for every document type")
        var checks = samples.map { (schema: $0.schema, document: $0.document, valid: true) }
        for sample in samples {
            guard case .object(var members) = sample.document else { continue }
            members["addedWithoutSchema"] = 1
            checks.append((sample.schema, .object(members), false))
        }
        let served = try JSONValue.parse(StatsOpenAPI.json())
        let input: JSONValue = [
            "components": served["components"] ?? [:],
            "samples": .array(checks.map { ["schema": .string($0.schema), "document": $0.document] }),
        ]
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("stats-schemas-\(UUID().uuidString).json")
        try input.serialized().write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        try #require(FileManager.default.isExecutableFile(atPath: Self.python), "needs python3-jsonschema")
        let result = try await runCommand(Self.python, ["-c", Self.script, file.path])
        try #require(result.status == 0, "python3-jsonschema failed: \(result.stderr)")
        let verdicts = try #require(try JSONValue.parse(result.stdout).arrayValue)
        try #require(verdicts.count == checks.count)
        for (check, verdict) in zip(checks, verdicts) {
            #expect(verdict["valid"] == .bool(check.valid), "\(check.schema) \(check.document): \(verdict)")
        }
    }

    @Test("the served document is OpenAPI 3.1 that OpenAPIKit reads back and validates")
    func documentValidates() throws {
        let document = try JSONDecoder().decode(OpenAPI.Document.self, from: StatsOpenAPI.json())
        #expect(document.openAPIVersion.rawValue.hasPrefix("3.1."))
        try document.validate()
        #expect(document.paths["/v1/stats/timeseries"]?.pathItemValue?.get?.parameters.count == 5)
    }

    @Test("the API's bucket names are stats' bucket widths")
    func bucketNames() {
        #expect(TimeseriesBucket.allCases.map(\.rawValue) == BucketWidth.allCases.map(\.rawValue))
        for width in BucketWidth.allCases { #expect(width.apiBucket.rawValue == width.rawValue) }
    }
}
