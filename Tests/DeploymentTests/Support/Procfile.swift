/// A Heroku Procfile: one `type: command` per line.
struct Procfile {
    struct Process: Equatable {
        var type: String
        var command: String

        /// The program the command starts (its first word).
        var program: String { String(command.split(separator: " ").first ?? "") }
    }

    var processes: [Process]

    /// Lines that are not `type: command` with a legal type are reported, not skipped.
    var malformedLines: [String] = []

    init(text: String) {
        processes = []
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let colon = line.firstIndex(of: ":") else {
                malformedLines.append(line)
                continue
            }
            let type = String(line[..<colon])
            let command = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            let legal = !type.isEmpty && type.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
            if !legal || command.isEmpty {
                malformedLines.append(line)
                continue
            }
            processes.append(Process(type: type, command: command))
        }
    }

    var types: [String] { processes.map(\.type) }

    func process(_ type: String) -> Process? { processes.first { $0.type == type } }
}

import Foundation
