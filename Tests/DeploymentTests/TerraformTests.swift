import Foundation
import Testing
import TestSupport

/// The terraform configuration against the services it deploys.
@Suite struct TerraformTests {
    static let services = ["relay", "stats", "stream"]

    @Test func everyServiceHasAnApp() throws {
        let terraform = try TerraformConfiguration()
        let apps = terraform.appsByService
        for service in Self.services {
            #expect(apps[service] != nil, "no heroku_app sets EDM_SERVICE = \"\(service)\" (found \(apps.keys.sorted()))")
        }
        #expect(Set(apps.keys) == Set(Self.services), "apps for unknown services: \(apps.keys.sorted())")
    }

    /// Each app's required config vars, as the built executable itself reports them, are set
    /// by terraform or by an add-on attached to that app.
    @Test(arguments: ["relay", "stats", "stream"])
    func everyRequiredConfigVarIsProvided(service: String) async throws {
        let required = try await RequiredConfigVars.discover(executable: BuiltProducts.executable(service))
        #expect(!required.isEmpty, "\(service) started with an empty environment; the probe found nothing to check")
        let terraform = try TerraformConfiguration()
        let app = try #require(terraform.appsByService[service], "no heroku_app for \(service)")
        let provided = terraform.configVars(ofApp: app)
        let missing = required.filter { !provided.contains($0) }
        #expect(missing.isEmpty, "\(service) needs \(missing) but \(app) provides only \(provided.sorted())")
    }

    /// The stats app runs `stats migrate` in its release phase, which needs its database.
    @Test func statsHasItsOwnDatabaseAndEveryAppItsKafka() throws {
        let terraform = try TerraformConfiguration()
        let apps = terraform.appsByService
        for service in Self.services {
            let app = try #require(apps[service])
            #expect(terraform.configVars(ofApp: app).contains("KAFKA_URL"), "\(service) has no Kafka attachment")
        }
        let stats = try #require(apps["stats"])
        #expect(terraform.configVars(ofApp: stats).contains("DATABASE_URL"))
        let kafkaAddons = terraform.resources("heroku_addon").filter {
            terraform.resolvedString($0.attributes["plan"] ?? "")?.hasPrefix("heroku-kafka:") == true
        }
        #expect(kafkaAddons.count == 1, "one Kafka cluster shared by every app, found \(kafkaAddons.count)")
    }

    /// Topic and group names are the ones Shared/EDMEvents uses (bare: Heroku adds KAFKA_PREFIX).
    @Test func topicsAndConsumerGroupsMatchTheEventLibrary() throws {
        let terraform = try TerraformConfiguration()
        let topics = try #require(terraform.locals["kafka_topics"].flatMap(HCL.stringList), "local.kafka_topics is not a list of strings")
        #expect(Set(topics) == (try SharedNames.topicBases()), "terraform topics \(topics)")

        let statsGroup = try #require(terraform.variable("stats_consumer_group")?.attributes["default"].flatMap(HCL.stringLiteral))
        #expect(statsGroup == (try SharedNames.consumerGroup("stats")))
        let groups = try #require(terraform.locals["kafka_consumer_groups"])
        #expect(groups.contains("var.stats_consumer_group"), "the stats group must be created: \(groups)")
        let stats = try #require(terraform.appsByService["stats"]?.attributes["config_vars"])
        #expect(stats.contains("STATS_CONSUMER_GROUP") && stats.contains("var.stats_consumer_group"))
    }

    /// Sensitive values never appear in plain `config_vars`, and their variables are sensitive.
    @Test func secretsAreSensitive() throws {
        let terraform = try TerraformConfiguration()
        let secrets = ["relay": "API_KEYS", "stats": "STATS_TOKENS", "stream": "STREAM_TOKENS"]
        for (service, variable) in secrets {
            let app = try #require(terraform.appsByService[service])
            #expect(app.attributes["sensitive_config_vars"]?.contains(variable) == true, "\(variable) not in sensitive_config_vars")
            #expect(app.attributes["config_vars"]?.contains(variable) == false, "\(variable) in plain config_vars")
        }
        for name in ["relay_api_keys", "stats_tokens", "stream_tokens"] {
            let block = try #require(terraform.variable(name), "variable \(name) missing")
            #expect(block.attributes["sensitive"] == "true", "variable \(name) must be sensitive")
        }
    }

    /// Builds wait for every add-on, attachment, topic and group; formations wait for builds
    /// (whose release phase migrated the stats schema); formations run a Procfile process type.
    @Test func orderingAndFormations() throws {
        let terraform = try TerraformConfiguration()
        let builds = terraform.resources("heroku_build")
        #expect(!builds.isEmpty, "no heroku_build")
        var prerequisites = Set<String>()
        for type in ["heroku_addon", "heroku_addon_attachment"] {
            for block in terraform.resources(type) { prerequisites.insert("\(type).\(block.labels[1])") }
        }
        for block in terraform.resources("terraform_data") where block.labels[1] != "kafka_ready" {
            prerequisites.insert("terraform_data.\(block.labels[1])")
        }
        #expect(prerequisites.contains("terraform_data.kafka_topic"))
        for build in builds {
            let missing = prerequisites.subtracting(TerraformConfiguration.dependencies(of: build))
            #expect(missing.isEmpty, "\(build) does not depend on \(missing.sorted())")
        }

        let procfileTypes = Set(Procfile(text: try Repository.text("Procfile")).types)
        let formations = terraform.resources("heroku_formation")
        #expect(!formations.isEmpty, "no heroku_formation")
        for formation in formations {
            let dependencies = TerraformConfiguration.dependencies(of: formation)
            #expect(builds.allSatisfy { dependencies.contains("heroku_build.\($0.labels[1])") }, "\(formation) must wait for the builds")
            let type = try #require(formation.attributes["type"].flatMap(HCL.stringLiteral))
            #expect(procfileTypes.contains(type), "formation type \(type) is not in the Procfile")
            #expect(formation.attributes["size"]?.contains("var.") == true, "formation size must be a variable")
            #expect(formation.attributes["quantity"]?.contains("var.") == true, "formation quantity must be a variable")
        }
    }

    @Test func providerAndTerraformVersionsArePinned() throws {
        let terraform = try TerraformConfiguration()
        let settings = try #require(terraform.blocks.first { $0.type == "terraform" })
        #expect(HCL.stringLiteral(settings.attributes["required_version"] ?? "") == ">= 1.5")
        let providers = try #require(settings.nestedBlocks.first { $0.type == "required_providers" })
        let heroku = try #require(providers.attributes["heroku"])
        #expect(heroku.contains("\"heroku/heroku\"") && heroku.contains("\"~> 5."), "heroku provider: \(heroku)")
    }
}

/// Names from Shared/EDMEvents, read from its sources (this target does not link it).
enum SharedNames {
    static func topicBases() throws -> Set<String> {
        let pattern = try Regex(#"static let topicBase = "([^"]+)""#)
        var names = Set<String>()
        for file in Repository.files(under: "Shared/EDMEvents", endingWith: ".swift") {
            let text = try String(contentsOf: file, encoding: .utf8)
            for match in text.matches(of: pattern) { names.insert(String(match.output[1].substring ?? "")) }
        }
        return names
    }

    static func consumerGroup(_ name: String) throws -> String? {
        let pattern = try Regex(#"static let \#(name) = ConsumerGroup\(rawValue: "([^"]+)"\)"#)
        for file in Repository.files(under: "Shared/EDMEvents", endingWith: ".swift") {
            let text = try String(contentsOf: file, encoding: .utf8)
            if let match = text.firstMatch(of: pattern) { return match.output[1].substring.map(String.init) }
        }
        return nil
    }
}
