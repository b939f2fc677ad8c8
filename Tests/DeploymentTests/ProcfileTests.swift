import Foundation
import Testing

/// The Procfile is what Heroku runs: every process type must start something that exists.
@Suite struct ProcfileTests {
    static let services = ["relay", "stats", "stream", "alerts"]

    @Test func parsesWithoutMalformedLines() throws {
        let procfile = Procfile(text: try Repository.text("Procfile"))
        #expect(procfile.malformedLines.isEmpty, "Procfile lines that are not `type: command`: \(procfile.malformedLines)")
        #expect(Set(procfile.types).count == procfile.types.count, "duplicate process types: \(procfile.types)")
    }

    @Test func webAndReleaseRunTheScriptsThatPickTheService() throws {
        let procfile = Procfile(text: try Repository.text("Procfile"))
        #expect(procfile.process("web")?.program == "bin/web")
        #expect(procfile.process("release")?.program == "bin/release")
    }

    @Test func everyServiceHasItsOwnProcessType() throws {
        let procfile = Procfile(text: try Repository.text("Procfile"))
        for service in Self.services {
            #expect(procfile.process(service)?.program == service, "Procfile needs `\(service): \(service)`")
        }
    }

    /// A command is either a script in the repository (present and executable) or an
    /// executable product of Package.swift, which the Swift buildpack puts on PATH.
    @Test func everyCommandStartsSomethingThatExists() throws {
        let procfile = Procfile(text: try Repository.text("Procfile"))
        let products = try PackageManifest.executableProducts()
        #expect(!procfile.processes.isEmpty)
        for process in procfile.processes {
            if process.program.contains("/") {
                #expect(Repository.exists(process.program), "\(process.type): \(process.program) does not exist")
                #expect(Repository.isExecutable(process.program), "\(process.type): \(process.program) is not executable")
            } else {
                #expect(
                    products.contains(process.program),
                    "\(process.type): \(process.program) is not an executable product in Package.swift (\(products.sorted()))")
            }
        }
    }
}

/// What Package.swift declares, read as text (the test cannot load the manifest itself).
enum PackageManifest {
    static func executableProducts() throws -> Set<String> {
        let text = try Repository.text("Package.swift")
        let pattern = try Regex(#"\.executable\(\s*name:\s*"([^"]+)""#)
        return Set(text.matches(of: pattern).compactMap { $0.output[1].substring.map(String.init) })
    }

    /// The Debian packages the system-library targets name as providers (`.apt([...])`).
    static func aptProviders() throws -> Set<String> {
        let text = try Repository.text("Package.swift")
        let pattern = try Regex(#"\.apt\(\[([^\]]*)\]\)"#)
        var packages = Set<String>()
        for match in text.matches(of: pattern) {
            let list = match.output[1].substring.map(String.init) ?? ""
            for item in list.split(separator: ",") {
                packages.insert(item.trimmingCharacters(in: CharacterSet(charactersIn: "\" \n")))
            }
        }
        return packages
    }
}
