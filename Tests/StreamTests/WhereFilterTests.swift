import EDMEvents
import EDMKafka
import Foundation
import EDMHTTP
import EDMRegistry
import Hummingbird
import HummingbirdCore
import Testing

@testable import StreamService

@Suite("where= filters: syntax, checked against the schema, evaluated")
struct WhereFilterTests {
    func query(_ text: String, scope: Set<String>? = nil) throws(APIError) -> StreamQuery {
        try StreamQuery(
            parameters: URI("/v1/stream?\(text)").queryParameters, maxLast: 100, registry: SignupType.registry(), scope: scope)
    }

    func problems(_ text: String, scope: Set<String>? = nil) -> (status: Int, details: [String]) {
        do {
            _ = try query(text, scope: scope)
            return (200, [])
        } catch {
            return (Int(error.status.code), error.details.map { "\($0.path): \($0.message)" })
        }
    }

    @Test("the syntax: properties.<field>, then : != > >= < <=, then the value")
    func syntax() throws {
        #expect(try RawWhereCondition.parse("properties.plan:pro").get() == RawWhereCondition(path: ["plan"], op: .equals, operand: "pro"))
        #expect(try RawWhereCondition.parse("properties.amount>=100.5").get().op == .greaterOrEqual)
        #expect(try RawWhereCondition.parse("properties.amount<=1").get().op == .lessOrEqual)
        #expect(try RawWhereCondition.parse("properties.plan!=free").get().op == .notEquals)
        #expect(try RawWhereCondition.parse("properties.address.country:a:b").get()
            == RawWhereCondition(path: ["address", "country"], op: .equals, operand: "a:b"))
        for bad in ["plan:pro", "properties.plan", "properties.:x", "properties.plan=pro", "properties..x:1"] {
            #expect((try? RawWhereCondition.parse(bad).get()) == nil, "\(bad)")
        }
    }

    @Test("conditions are checked against the schema of every selected type: 400 naming the field or operand")
    func schemaChecks() throws {
        let unknown = problems("types=signup&where=properties.nope:x")
        #expect(unknown.status == 400)
        #expect(unknown.details.first?.contains("properties.nope is not declared by signup") == true, "\(unknown.details)")
        #expect(problems("types=signup&where=properties.plan:gold").details.first?.contains("not one of free, pro") == true)
        #expect(problems("types=signup&where=properties.plan>1").details.first?.contains("compares numbers") == true)
        #expect(problems("types=signup&where=properties.amount>lots").details.first?.contains("must be a number") == true)
        #expect(problems("types=signup&where=properties.seats:1.5").details.first?.contains("never be equal") == true)
        #expect(problems("types=signup&where=properties.trial:yes").details.first?.contains("true or false") == true)
        #expect(problems("types=signup&where=properties.tags:x").details.first?.contains("array") == true)
        #expect(problems("types=signup&where=properties.address:x").details.first?.contains("object") == true)
        #expect(problems("types=click&where=properties.nope:x").details.first?.contains("properties.nope is not declared by click") == true)
        #expect(problems("types=pageload&where=properties.deviceType:phone").details.first?.contains("not one of") == true)
        #expect(problems("where=properties.nope:x").details.first?.contains("no type declares properties.nope") == true)
        #expect(problems("types=signup&where=properties.plan:pro&where=properties.amount>100").status == 200)
    }

    @Test("without types= the selection is the registered types declaring the fields; types= accepts registered types")
    func selection() throws {
        let implicit = try query("where=properties.plan:pro")
        #expect(implicit.filter.types == ["signup"])
        #expect(implicit.filter.condition?.key == "signup|properties.plan:pro")
        // Built-in types declare the fields of their validator rules.
        #expect(try query("where=properties.buttonId:b").filter.types == ["click"])
        #expect(try query("where=properties.deviceType:mobile").filter.types == ["pageload"])
        #expect(try query("types=signup,click").filter.types == ["signup", "click"])
        let unknown = problems("types=order")
        #expect(unknown.status == 400)
        #expect(unknown.details.first?.contains("known types: click, pageload, alert, signup") == true, "\(unknown.details)")
    }

    @Test("equal conditions have one canonical key, however written and ordered")
    func canonicalKey() throws {
        let one = try query("types=signup&where=properties.amount>100.0&where=properties.plan:pro").filter.condition
        let two = try query("where=properties.plan:pro&types=signup&where=properties.amount>100&where=properties.plan:pro").filter.condition
        #expect(one?.key == "signup|properties.amount>100&properties.plan:pro")
        #expect(one == two)
    }

    @Test("built-in events are filtered on their properties, read back from the frame; other types never match")
    func builtInEvaluation() throws {
        let decoder = EventDecoder(names: try KafkaNames(prefix: nil), redactUserAgent: true)
        func event(_ envelope: EventEnvelope) -> StreamEvent {
            decoder.event(envelope, partition: TopicPartition(topic: "t", partition: 0), offset: 0, timestamp: nil)
        }
        let filter = try #require(try query("types=click&where=properties.buttonId:the-camper's-kit").filter.condition)
        let kit = event(EventEnvelope(occurredAt: Date(), receivedAt: Date(), sessionId: "s", properties: ClickProperties(buttonId: "the-camper's-kit")))
        let other = event(EventEnvelope(occurredAt: Date(), receivedAt: Date(), sessionId: "s", properties: ClickProperties(buttonId: "other")))
        let page = event(EventEnvelope(
            occurredAt: Date(), receivedAt: Date(), sessionId: "s",
            properties: PageLoadProperties(url: "https://shop.example.com/", userAgent: PageLoadProperties.example.userAgent)))
        #expect(filter.matches(kit))
        #expect(!filter.matches(other))
        #expect(!filter.matches(page))
        let mobile = try #require(try query("where=properties.deviceType:mobile").filter.condition)
        #expect(mobile.matches(page))
        #expect(!mobile.matches(kit))
    }

    @Test("evaluation: every condition must hold; a missing field matches nothing, != included")
    func evaluation() throws {
        let conditions = try query("types=signup&where=properties.plan:pro&where=properties.amount>=100&where=properties.trial!=true")
            .filter.condition!.conditions
        func matches(_ json: String) -> Bool {
            let properties = try! JSONValue.parse(json)
            return conditions.allSatisfy { $0.matches(properties) }
        }
        #expect(matches(#"{"plan": "pro", "amount": 100, "trial": false}"#))
        #expect(matches(#"{"plan": "pro", "amount": 250.5, "trial": false}"#))
        #expect(!matches(#"{"plan": "free", "amount": 250, "trial": false}"#))
        #expect(!matches(#"{"plan": "pro", "amount": 99.9, "trial": false}"#))
        #expect(!matches(#"{"plan": "pro", "amount": 100, "trial": true}"#))
        #expect(!matches(#"{"plan": "pro", "amount": 100}"#))
        #expect(!matches(#"{"plan": "pro", "amount": "100", "trial": false}"#))
        let nested = try query("types=signup&where=properties.address.country:NZ").filter.condition!
        #expect(nested.conditions[0].matches(try JSONValue.parse(#"{"address": {"country": "NZ"}}"#)))
        #expect(!nested.conditions[0].matches(try JSONValue.parse(#"{"address": {"country": "AU"}}"#)))
    }
}
