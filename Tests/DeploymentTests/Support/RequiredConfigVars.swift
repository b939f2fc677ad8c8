import Foundation

/// Finds the config vars an executable cannot start without, by asking it: run it with an
/// empty environment, and while it exits 78 saying "X is required but not set", add X (with a
/// harmless value) and run it again. What it asks for is what a Heroku app must provide.
enum RequiredConfigVars {
    struct ProbeError: Error, CustomStringConvertible {
        var description: String
    }

    /// Values that pass validation but reach nothing (port 1 on loopback refuses connections).
    static func placeholder(for variable: String) -> String {
        switch variable {
        case "KAFKA_URL": "127.0.0.1:1"
        case "DATABASE_URL": "postgres://edm@127.0.0.1:1/edm"
        default: "placeholder"
        }
    }

    /// The required variables in the order the executable asked for them.
    static func discover(executable: URL, arguments: [String] = []) async throws -> [String] {
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw ProbeError(description: "\(executable.path) is not an executable; build it first (`swift build`)")
        }
        let missingPattern = try Regex(#"([A-Z][A-Z0-9_]*) is required but not set"#)
        var required: [String] = []
        for _ in 0..<20 {
            // PORT 0: any free port, should the service get far enough to listen.
            var environment = ["PORT": "0", "HOST": "127.0.0.1"]
            for variable in required { environment[variable] = placeholder(for: variable) }
            // Configuration is read once at start-up, before any other work: a log line that is
            // not a configuration error means it got past it (e.g. it is connecting to Kafka).
            let outcome = try await Spawned.run(
                executable, arguments: arguments, environment: environment, timeout: .seconds(10),
                stopWhen: { stderr in
                    stderr.split(separator: "\n").contains { !$0.contains("configuration error") }
                })
            guard outcome.status == 78 else { return required }
            guard let match = outcome.stderr.firstMatch(of: missingPattern),
                let variable = match.output[1].substring.map(String.init)
            else {
                throw ProbeError(
                    description: "\(executable.lastPathComponent) exited 78 without naming a missing variable "
                        + "(a placeholder rejected?): \(outcome)")
            }
            guard !required.contains(variable) else {
                throw ProbeError(description: "\(executable.lastPathComponent) still says \(variable) is missing after it was set: \(outcome)")
            }
            required.append(variable)
        }
        throw ProbeError(description: "\(executable.lastPathComponent) asked for more than 20 variables: \(required)")
    }
}
