import Foundation
import Testing

@testable import RelayService

@Suite("Event ids")
struct EventIDTests {
    @Test("assigned ids are version 4, RFC 4122 variant, and distinct")
    func randomIDs() {
        let ids = (0..<1000).map { _ in EventIDs.random() }
        #expect(Set(ids).count == 1000)
        for id in ids.prefix(50) {
            let text = id.uuidString
            #expect(Array(text)[14] == "4", "\(text)")
            #expect("89AB".contains(Array(text)[19]), "\(text)")
        }
    }
}
