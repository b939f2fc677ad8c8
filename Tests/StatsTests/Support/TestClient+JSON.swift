import EDMEvents
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

struct UnexpectedStatus: Error, CustomStringConvertible {
    let uri: String
    let status: Int
    let body: String
    var description: String { "GET \(uri) answered \(status): \(body)" }
}

extension TestClientProtocol {
    /// GETs `uri`, requires 200 and decodes the body the way the service encodes it.
    func getJSON<T: Decodable>(_ uri: String, as type: T.Type) async throws -> T {
        let response = try await execute(uri: uri, method: .get)
        let body = Data(buffer: response.body)
        guard response.status == .ok else {
            throw UnexpectedStatus(uri: uri, status: response.status.code, body: String(decoding: body, as: UTF8.self))
        }
        return try EventJSON.makeDecoder().decode(T.self, from: body)
    }

    /// GETs `uri` and returns status, the parsed JSON body and the headers (lowercased names).
    func get(_ uri: String, headers requestHeaders: HTTPFields = [:]) async throws
        -> (status: Int, json: JSONValue?, headers: [String: String])
    {
        let response = try await execute(uri: uri, method: .get, headers: requestHeaders)
        var headers: [String: String] = [:]
        for field in response.headers { headers[field.name.canonicalName.lowercased()] = field.value }
        return (response.status.code, try? JSONValue.parse(Data(buffer: response.body)), headers)
    }
}
