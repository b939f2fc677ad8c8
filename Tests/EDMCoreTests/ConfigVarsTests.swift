import EDMCore
import Testing

@Suite("Config vars")
struct ConfigVarsTests {
    @Test("blank values count as unset and required ones name the variable")
    func requiredAndBlank() throws {
        let environment = ConfigVars(["PORT": "8080", "EMPTY": "  ", "LIST": " a, ,b ,c "])
        #expect(try environment.required("PORT") == "8080")
        #expect(environment["EMPTY"] == nil)
        #expect(throws: ConfigError.missing(variable: "EMPTY")) { try environment.required("EMPTY") }
        #expect(throws: ConfigError.missing(variable: "DATABASE_URL")) { try environment.required("DATABASE_URL") }
        #expect(environment.list("LIST") == ["a", "b", "c"])
        #expect("\(ConfigError.missing(variable: "KAFKA_URL"))".contains("KAFKA_URL"))
    }

    @Test("integers and booleans are parsed strictly, with the variable named on error")
    func typed() throws {
        let environment = ConfigVars(["PORT": "80x", "SIZE": "7", "BIG": "70000", "FLAG": "yes", "BAD": "maybe"])
        #expect(try environment.integer("SIZE", default: 1) == 7)
        #expect(try environment.integer("MISSING", default: 3) == 3)
        #expect(performing: { try environment.integer("PORT", default: 1) },
                throws: { ($0 as? ConfigError)?.variable == "PORT" })
        #expect(performing: { try environment.integer("BIG", default: 1, range: 1...65535) },
                throws: { "\($0)".contains("BIG") && "\($0)".contains("65535") })
        #expect(try environment.boolean("FLAG", default: false))
        #expect(performing: { try environment.boolean("BAD", default: false) },
                throws: { ($0 as? ConfigError)?.variable == "BAD" })
    }
}
