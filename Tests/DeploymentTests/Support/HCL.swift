/// Just enough of HCL to check this repository's terraform without the provider: top-level
/// blocks with their labels, and a body's top-level attributes as raw expression text. Strings
/// (with `${...}` inside), heredocs and comments are skipped properly so braces in them do not
/// count.
struct HCLBlock: CustomStringConvertible {
    var type: String
    var labels: [String]
    var body: String
    var file: String

    /// `name = expression` at the top of the body (nested blocks such as `source {}` excluded).
    var attributes: [String: String] { HCL.attributes(in: body) }

    /// Nested blocks at the top of the body (`source`, `provisioner`, `dynamic`, ...).
    var nestedBlocks: [HCLBlock] { HCL.blocks(in: body, file: file) }

    var description: String { "\(type) \(labels.map { "\"\($0)\"" }.joined(separator: " ")) (\(file))" }
}

enum HCL {
    static func blocks(in text: String, file: String) -> [HCLBlock] {
        let chars = Array(text)
        var scanner = Scanner(chars: chars)
        var result: [HCLBlock] = []
        while scanner.index < chars.count {
            scanner.skipBlank(newlines: true)
            guard scanner.index < chars.count else { break }
            guard let identifier = scanner.identifier() else {
                scanner.skipToken()
                continue
            }
            scanner.skipBlank(newlines: false)
            if scanner.peek == "=" {
                // An attribute (inside a body): skip its expression.
                scanner.index += 1
                _ = scanner.expression()
                continue
            }
            var labels: [String] = []
            while scanner.peek == "\"" {
                let start = scanner.index
                scanner.skipString()
                labels.append(String(chars[(start + 1)..<(scanner.index - 1)]))
                scanner.skipBlank(newlines: false)
            }
            guard scanner.peek == "{" else { continue }
            let open = scanner.index
            scanner.skipBalanced()
            let body = String(chars[(open + 1)..<max(open + 1, scanner.index - 1)])
            result.append(HCLBlock(type: identifier, labels: labels, body: body, file: file))
        }
        return result
    }

    static func attributes(in body: String) -> [String: String] {
        let chars = Array(body)
        var scanner = Scanner(chars: chars)
        var result: [String: String] = [:]
        while scanner.index < chars.count {
            scanner.skipBlank(newlines: true)
            guard scanner.index < chars.count else { break }
            guard let identifier = scanner.identifier() else {
                scanner.skipToken()
                continue
            }
            scanner.skipBlank(newlines: false)
            if scanner.peek == "=", scanner.peek(1) != "=" {
                scanner.index += 1
                result[identifier] = scanner.expression().trimmingCharacters(in: .whitespacesAndNewlines)
                continue
            }
            while scanner.peek == "\"" {
                scanner.skipString()
                scanner.skipBlank(newlines: false)
            }
            if scanner.peek == "{" { scanner.skipBalanced() }
        }
        return result
    }

    /// The value of a plain string literal (`"text"` without interpolation), else nil.
    static func stringLiteral(_ expression: String) -> String? {
        let trimmed = expression.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count >= 2, trimmed.hasPrefix("\""), trimmed.hasSuffix("\""),
            !trimmed.contains("${")
        else { return nil }
        let inner = trimmed.dropFirst().dropLast()
        guard !inner.contains("\"") else { return nil }
        return String(inner)
    }

    /// The string literals of a list expression such as `["a", "b"]`.
    static func stringList(_ expression: String) -> [String]? {
        let trimmed = expression.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.hasPrefix("["), trimmed.hasSuffix("]") else { return nil }
        let items = trimmed.dropFirst().dropLast().split(separator: ",")
            .map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
        let values = items.compactMap(stringLiteral)
        return values.count == items.count ? values : nil
    }

    private struct Scanner {
        let chars: [Character]
        var index = 0

        var peek: Character? { peek(0) }

        func peek(_ offset: Int) -> Character? {
            index + offset < chars.count ? chars[index + offset] : nil
        }

        mutating func identifier() -> String? {
            let start = index
            while let c = peek, c.isLetter || c.isNumber || c == "_" || c == "-" {
                index += 1
            }
            return index > start ? String(chars[start..<index]) : nil
        }

        /// Spaces and comments; newlines too when asked.
        mutating func skipBlank(newlines: Bool) {
            while let c = peek {
                if c == " " || c == "\t" || c == "\r" || (newlines && c == "\n") {
                    index += 1
                } else if c == "#" || (c == "/" && peek(1) == "/") {
                    while let d = peek, d != "\n" { index += 1 }
                } else if c == "/" && peek(1) == "*" {
                    index += 2
                    while index < chars.count, !(peek == "*" && peek(1) == "/") { index += 1 }
                    index = min(chars.count, index + 2)
                } else {
                    return
                }
            }
        }

        /// One string, heredoc, comment, bracketed group or character.
        mutating func skipToken() {
            guard let c = peek else { return }
            if c == "\"" {
                skipString()
            } else if c == "<", peek(1) == "<" {
                skipHeredoc()
            } else if c == "#" || (c == "/" && (peek(1) == "/" || peek(1) == "*")) {
                skipBlank(newlines: false)
            } else if c == "{" || c == "(" || c == "[" {
                skipBalanced()
            } else {
                index += 1
            }
        }

        /// From an opening quote to after its closing quote, through `${ ... }` templates.
        mutating func skipString() {
            index += 1
            while let c = peek {
                if c == "\\" {
                    index += 2
                } else if c == "\"" {
                    index += 1
                    return
                } else if (c == "$" || c == "%"), peek(1) == "{" {
                    index += 1
                    skipBalanced()
                } else {
                    index += 1
                }
            }
        }

        /// `<<EOT` or `<<-EOT` up to the line holding only the marker.
        mutating func skipHeredoc() {
            index += 2
            if peek == "-" { index += 1 }
            guard let marker = identifier() else { return }
            while let c = peek, c != "\n" { index += 1 }
            while index < chars.count {
                index += 1  // past the newline
                let lineStart = index
                while let c = peek, c != "\n" { index += 1 }
                if String(chars[lineStart..<index]).trimmingCharacters(in: .whitespaces) == marker {
                    return
                }
            }
        }

        /// From an opening bracket to after its matching close.
        mutating func skipBalanced() {
            var depth = 0
            while let c = peek {
                switch c {
                case "{", "(", "[":
                    depth += 1
                    index += 1
                case "}", ")", "]":
                    depth -= 1
                    index += 1
                    if depth == 0 { return }
                default:
                    let before = index
                    skipToken()
                    if index == before { index += 1 }
                }
            }
        }

        /// An attribute's expression: up to the first newline outside brackets.
        mutating func expression() -> String {
            let start = index
            while let c = peek, c != "\n" {
                if c == "#" || (c == "/" && peek(1) == "/") { break }
                skipToken()
            }
            return String(chars[start..<index])
        }
    }
}

import Foundation
