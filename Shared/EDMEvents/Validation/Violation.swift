/// One thing wrong with one field of an event.
///
/// `path` locates the field inside the event in the form API users write by hand:
/// `properties.buttonId`, `extras["odd key"]`, or `""` for the document itself. A relay that
/// validates a batch prefixes the element index with ``prefixed(byIndex:)`` (`[3].occurredAt`).
/// Legacy payloads are reported with their legacy keys (`properties.button_id`), since those are
/// the names the client sent.
public struct Violation: Sendable, Hashable, Codable, CustomStringConvertible {
    public let path: String
    public let code: Code
    public let message: String

    public init(path: String, code: Code, message: String) {
        self.path = path
        self.code = code
        self.message = message
    }

    /// Machine-readable reason, stable across releases (clients may switch on it).
    public enum Code: String, Sendable, Hashable, Codable, CaseIterable {
        case required
        case wrongType = "wrong_type"
        case tooShort = "too_short"
        case tooLong = "too_long"
        case invalidFormat = "invalid_format"
        case notAllowed = "not_allowed"
        case outOfRange = "out_of_range"
        case unknownField = "unknown_field"
        case readOnly = "read_only"
        case unknownType = "unknown_type"
        case malformedJSON = "malformed_json"
    }

    /// The same violation located inside element `index` of a JSON array.
    public func prefixed(byIndex index: Int) -> Violation {
        let head = "[\(index)]"
        let joined = path.isEmpty ? head : path.hasPrefix("[") ? head + path : head + "." + path
        return Violation(path: joined, code: code, message: message)
    }

    public var description: String { path.isEmpty ? message : "\(path): \(message)" }
}

/// Every violation found in one event; never empty.
public struct ValidationFailure: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public let violations: [Violation]

    public init(_ violations: [Violation]) {
        self.violations = violations
    }

    public var description: String {
        "invalid event: " + violations.map(\.description).joined(separator: "; ")
    }
}

/// A location inside a JSON document, rendered for ``Violation/path``.
struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    private(set) var components: [Component] = []

    enum Component: Sendable, Hashable {
        case key(String)
        case index(Int)
    }

    static let root = JSONPath()

    func appending(_ key: String) -> JSONPath {
        var copy = self
        copy.components.append(.key(key))
        return copy
    }

    func appending(index: Int) -> JSONPath {
        var copy = self
        copy.components.append(.index(index))
        return copy
    }

    /// Plain identifiers are joined with dots; any other key is written as a quoted subscript so
    /// the path stays unambiguous for keys such as `a.b` or `the-camper's-kit`.
    var description: String {
        var text = ""
        for component in components {
            switch component {
            case .index(let index):
                text += "[\(index)]"
            case .key(let key) where Self.isIdentifier(key):
                text += text.isEmpty ? key : "." + key
            case .key(let key):
                text += "[" + String(decoding: JSONValue.string(key).serialized(), as: UTF8.self) + "]"
            }
        }
        return text
    }

    private static func isIdentifier(_ key: String) -> Bool {
        guard let first = key.utf8.first, !(0x30...0x39).contains(first) else { return false }
        return key.utf8.allSatisfy { byte in
            (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                || byte == UInt8(ascii: "_")
        }
    }
}
