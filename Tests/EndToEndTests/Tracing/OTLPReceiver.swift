import EDMEvents
import Foundation
import TestSupport

/// A small OTLP/HTTP receiver (Python standard library) that the services export their spans
/// to, as JSON (`OTEL_EXPORTER_OTLP_PROTOCOL=http/json`): it answers every POST to /v1/traces
/// with an empty success and prints one line per span (ids as hex, whichever way the exporter
/// encoded the bytes).
final class OTLPReceiver: Sendable {
    struct ReceivedSpan: Sendable, Hashable {
        var service: String
        var name: String
        var kind: Int
        var traceID: String
        var spanID: String
        var parentSpanID: String
        var links: [String]
        var linkTraces: [String]
        var attributes: [String: String]
    }

    static let script = #"""
        import base64, json, sys
        from http.server import BaseHTTPRequestHandler, HTTPServer

        def hexid(value):
            if not value:
                return ""
            if len(value) in (16, 32) and all(c in "0123456789abcdef" for c in value):
                return value
            return base64.b64decode(value).hex()

        def scalar(value):
            for key in ("stringValue", "intValue", "boolValue", "doubleValue"):
                if key in value:
                    return str(value[key])
            return json.dumps(value)

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                ok = self.path == "/v1/traces" and self.headers.get("Content-Type", "").startswith("application/json")
                if ok:
                    for resource in json.loads(body).get("resourceSpans", []):
                        attrs = {a["key"]: scalar(a["value"]) for a in resource.get("resource", {}).get("attributes", [])}
                        for scope in resource.get("scopeSpans", []):
                            for span in scope.get("spans", []):
                                print(json.dumps({
                                    "service": attrs.get("service.name", ""), "name": span["name"],
                                    "kind": int(span.get("kind", 0)), "traceID": hexid(span.get("traceId")),
                                    "spanID": hexid(span.get("spanId")), "parentSpanID": hexid(span.get("parentSpanId")),
                                    "links": [hexid(l.get("spanId")) for l in span.get("links", [])],
                                    "linkTraces": [hexid(l.get("traceId")) for l in span.get("links", [])],
                                    "attributes": {a["key"]: scalar(a["value"]) for a in span.get("attributes", [])},
                                }), flush=True)
                self.send_response(200 if ok else 415)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args):
                pass

        server = HTTPServer(("127.0.0.1", 0), Handler)
        print(server.server_address[1], flush=True)
        server.serve_forever()
        """#

    let child: ChildProcess
    let port: Int

    init() async throws {
        child = try ChildProcess(executable: URL(fileURLWithPath: "/usr/bin/python3"), arguments: ["-c", Self.script])
        guard let port = Int(try await child.firstLine()) else { throw EndToEndError("receiver printed no port") }
        self.port = port
    }

    var endpoint: String { "http://127.0.0.1:\(port)" }

    /// Every span received so far.
    var spans: [ReceivedSpan] {
        child.standardOutput.split(separator: "\n").dropFirst().compactMap { line in
            guard let json = try? JSONValue.parse(Data(line.utf8)) else { return nil }
            return ReceivedSpan(
                service: json["service"]?.stringValue ?? "", name: json["name"]?.stringValue ?? "",
                kind: Int(json["kind"]?.int64Value ?? 0), traceID: json["traceID"]?.stringValue ?? "",
                spanID: json["spanID"]?.stringValue ?? "", parentSpanID: json["parentSpanID"]?.stringValue ?? "",
                links: json["links"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                linkTraces: json["linkTraces"]?.arrayValue?.compactMap(\.stringValue) ?? [],
                attributes: (json["attributes"]?.objectValue ?? [:]).compactMapValues(\.stringValue))
        }
    }

    func stop() {
        child.signal(SIGTERM)
    }
}
