import AsyncHTTPClient
import EDMEvents
import Foundation
import Testing
import TestSupport

/// The stream README's Python client (python3-websockets, code we did not write underneath),
/// run exactly as printed there: it follows the stream, and when the stream restarts it resumes
/// from its last cursor, printing every event once.
@Suite("The stream README's Python client", .serialized)
struct PythonClientTests {
    static let readme = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Services/stream/README.md")

    /// The fenced block after the `<!-- python-client -->` marker.
    static func clientCode() throws -> String {
        let text = try String(contentsOf: readme, encoding: .utf8)
        guard let marker = text.range(of: "<!-- python-client -->\n```python\n"),
            let end = text.range(of: "\n```", range: marker.upperBound..<text.endIndex)
        else { throw EndToEndError("no python client block in \(readme.path)") }
        return String(text[marker.upperBound..<end.lowerBound]) + "\n"
    }

    @Test("prints every event once across a restart of the stream under it")
    func resumesAcrossRestart() async throws {
        let system = try await RunningSystem.start()
        let relay = try await system.relay()
        var stream = try await system.stream()
        let port = stream.port
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(uniqueName("py-client"))
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let script = folder.appendingPathComponent("client.py")
        try clientCodeWritten(to: script)
        let cursorFile = folder.appendingPathComponent("cursor").path
        let client = try ChildProcess(
            executable: URL(fileURLWithPath: "/usr/bin/python3"),
            arguments: ["-u", script.path, "ws://127.0.0.1:\(port)/v1/stream", cursorFile])
        defer { client.signal(SIGKILL) }
        // Connected once it saved the live notice's cursor.
        #expect(try await eventually(timeout: .seconds(20)) { FileManager.default.fileExists(atPath: cursorFile) }, "\(client.standardError)")

        var ids = try await Self.post(10, to: relay, http: system.http)
        #expect(try await eventually { Self.printedIDs(client).count >= 10 }, "\(client.standardError)")
        #expect(try await stream.terminate() == 0)
        ids += try await Self.post(10, to: relay, http: system.http)
        stream = try await system.stream(port: port)
        ids += try await Self.post(5, to: relay, http: system.http)
        #expect(try await eventually(timeout: .seconds(30)) { Self.printedIDs(client).count >= 25 }, "\(client.standardError)")
        let printed = Self.printedIDs(client)
        #expect(printed.count == 25, "\(client.standardError)")
        #expect(Set(printed) == Set(ids))
        #expect(client.standardError.contains("resuming from c1."), "it reconnected with its cursor: \(client.standardError)")
        for service in [relay, stream] { _ = try await service.terminate() }
    }

    func clientCodeWritten(to url: URL) throws {
        try Self.clientCode().write(to: url, atomically: true, encoding: .utf8)
    }

    static func printedIDs(_ client: ChildProcess) -> [String] {
        client.standardOutput.split(separator: "\n").compactMap { line in
            (try? JSONValue.parse(Data(line.utf8)))?["id"]?.stringValue
        }
    }

    /// Posts `count` clicks in one batch; returns the ids the relay assigned.
    static func post(_ count: Int, to relay: ServiceProcess, http: HTTPClient) async throws -> [String] {
        let occurredAt = EventTimestamp.string(from: Date())
        let body = "[" + (0..<count).map { index in
            #"{"type":"click","sessionId":"py-\#(index)","occurredAt":"\#(occurredAt)","properties":{"buttonId":"b\#(index)"}}"#
        }.joined(separator: ",") + "]"
        let reply = try await http.postJSON(relay.baseURL + "/v1/events", body)
        #expect(reply.status == 202, "\(reply.text)")
        return reply.json?["ids"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }
}
