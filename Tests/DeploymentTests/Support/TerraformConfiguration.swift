import Foundation

/// The blocks of every `.tf` file under `terraform/`, with the questions the tests ask of them.
struct TerraformConfiguration {
    var blocks: [HCLBlock]

    init(directory relativePath: String = "terraform") throws {
        blocks = []
        for file in Repository.files(under: relativePath, endingWith: ".tf") {
            let text = try String(contentsOf: file, encoding: .utf8)
            blocks += HCL.blocks(in: text, file: file.lastPathComponent)
        }
    }

    func resources(_ type: String) -> [HCLBlock] {
        blocks.filter { $0.type == "resource" && $0.labels.first == type }
    }

    func resource(_ type: String, _ name: String) -> HCLBlock? {
        resources(type).first { $0.labels.count == 2 && $0.labels[1] == name }
    }

    /// Every `locals` attribute, from all files.
    var locals: [String: String] {
        blocks.filter { $0.type == "locals" }.reduce(into: [:]) { all, block in
            all.merge(block.attributes) { first, _ in first }
        }
    }

    func variable(_ name: String) -> HCLBlock? {
        blocks.first { $0.type == "variable" && $0.labels == [name] }
    }

    /// A string literal, or `var.NAME` whose default is one.
    func resolvedString(_ expression: String) -> String? {
        if let literal = HCL.stringLiteral(expression) { return literal }
        let trimmed = expression.trimmingCharacters(in: .whitespaces)
        guard trimmed.hasPrefix("var."),
            let defaultValue = variable(String(trimmed.dropFirst(4)))?.attributes["default"]
        else { return nil }
        return HCL.stringLiteral(defaultValue)
    }

    /// The Heroku app each service runs in: the `heroku_app` whose config vars set
    /// `EDM_SERVICE = "<service>"` (what bin/web reads).
    var appsByService: [String: HCLBlock] {
        var result: [String: HCLBlock] = [:]
        for app in resources("heroku_app") {
            guard let configVars = app.attributes["config_vars"] else { continue }
            for match in configVars.matches(of: Self.edmServicePattern) {
                result[String(match.output[1].substring ?? "")] = app
            }
        }
        return result
    }

    /// Config vars an app gets: its own `config_vars` and `sensitive_config_vars`, plus those set
    /// by the add-ons it owns or has attached (Heroku names them after the attachment).
    func configVars(ofApp app: HCLBlock) -> Set<String> {
        var names = Set<String>()
        for attribute in ["config_vars", "sensitive_config_vars"] {
            guard let expression = app.attributes[attribute] else { continue }
            for match in expression.matches(of: Self.mapKeyPattern) {
                names.insert(String(match.output[1].substring ?? ""))
            }
        }
        let reference = "heroku_app.\(app.labels[1]).id"
        for addon in resources("heroku_addon") where addon.attributes["app_id"] == reference {
            names.formUnion(addonConfigVars(addon: addon, attachmentName: nil))
        }
        for attachment in resources("heroku_addon_attachment") where attachment.attributes["app_id"] == reference {
            guard let addonReference = attachment.attributes["addon_id"],
                addonReference.hasPrefix("heroku_addon."), addonReference.hasSuffix(".id")
            else { continue }
            let addonName = addonReference.dropFirst("heroku_addon.".count).dropLast(".id".count)
            guard let addon = resource("heroku_addon", String(addonName)) else { continue }
            let name = attachment.attributes["name"].flatMap(HCL.stringLiteral)
            names.formUnion(addonConfigVars(addon: addon, attachmentName: name))
        }
        return names
    }

    /// What Heroku sets for an add-on attachment: `<NAME>_URL` and friends, NAME defaulting to
    /// the add-on service's usual one (KAFKA, DATABASE).
    private func addonConfigVars(addon: HCLBlock, attachmentName: String?) -> Set<String> {
        guard let plan = addon.attributes["plan"].flatMap(resolvedString),
            let service = plan.split(separator: ":").first
        else { return [] }
        switch service {
        case "heroku-kafka":
            let name = attachmentName ?? "KAFKA"
            return Set(["_URL", "_TRUSTED_CERT", "_CLIENT_CERT", "_CLIENT_CERT_KEY", "_PREFIX"].map { name + $0 })
        case "heroku-postgresql":
            return [(attachmentName ?? "DATABASE") + "_URL"]
        default:
            return []
        }
    }

    /// The resources a `depends_on` list names (`heroku_build.service` and the like).
    static func dependencies(of block: HCLBlock) -> Set<String> {
        guard let list = block.attributes["depends_on"] else { return [] }
        let inner = list.trimmingCharacters(in: CharacterSet(charactersIn: "[] \n"))
        return Set(
            inner.split(separator: ",")
                .map { $0.trimmingCharacters(in: .whitespacesAndNewlines).trimmingCharacters(in: CharacterSet(charactersIn: "\"")) }
                .filter { !$0.isEmpty })
    }

    private static var edmServicePattern: Regex<AnyRegexOutput> {
        try! Regex(#"EDM_SERVICE\s*=\s*"([a-z-]+)""#)
    }

    private static var mapKeyPattern: Regex<AnyRegexOutput> {
        try! Regex(#"\b([A-Z][A-Z0-9_]*)\s*=(?!=)"#)
    }
}
