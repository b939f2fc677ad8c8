import EDMEvents
import Foundation
import Testing

@testable import RelayService

@Suite("202 body")
struct AcceptedResponseTests {
    @Test("the hand-written body is the JSON tree's canonical bytes", arguments: [0, 1, 3])
    func sameBytesAsTree(count: Int) {
        let ids = (0..<count).map { _ in UUID() }
        let tree: JSONValue = [
            "accepted": .integer(Int64(ids.count)),
            "ids": .array(ids.map { .string($0.uuidString.lowercased()) }),
        ]
        #expect(AcceptedResponse.body(ids: ids) == tree.serializedBytes())
    }
}
