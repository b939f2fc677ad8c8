/// Whether a new version of a registered type can replace the current one without breaking
/// anyone: every event valid under the old schema must stay valid under the new one (producers
/// keep working), and every field consumers read must keep its meaning.
///
/// Allowed: a new optional field, a wider bound (lower `minLength`, higher `maximum`, ...), a
/// longer enum, `additionalProperties` false to true. Refused, each with the field's path in
/// the event (`properties.plan`) and why: removing a field, making an optional field required,
/// adding a required field, changing a type, narrowing an enum or a bound, adding a format,
/// changing `keyField` (events would change partitions mid-stream).
public enum SchemaCompatibility {
    public struct Incompatibility: Sendable, Hashable, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "\(path): \(reason)" }
    }

    public static func problems(from old: RegisteredType, to new: TypeRegistration) -> [Incompatibility] {
        var found: [Incompatibility] = []
        compare(.object(old.schema), .object(new.schema), at: "properties", into: &found)
        if old.keyField != new.keyField {
            found.append(
                Incompatibility(
                    path: "keyField",
                    reason: "changed from \(old.keyField ?? "none (sessionId)") to \(new.keyField ?? "none (sessionId)"); "
                        + "the partitioning key cannot change (register a new type instead)"))
        }
        return found
    }

    static func compare(_ old: SchemaNode, _ new: SchemaNode, at path: String, into found: inout [Incompatibility]) {
        func refuse(_ reason: String) { found.append(Incompatibility(path: path, reason: reason)) }
        switch (old, new) {
        case (.object(let old), .object(let new)):
            for (name, oldNode) in old.properties {
                let fieldPath = join(path, name)
                guard let newNode = new.node(named: name) else {
                    found.append(Incompatibility(path: fieldPath, reason: "was removed; fields cannot be removed (consumers read them)"))
                    continue
                }
                if new.required.contains(name), !old.required.contains(name) {
                    found.append(Incompatibility(path: fieldPath, reason: "became required; events without it were valid before"))
                }
                compare(oldNode, newNode, at: fieldPath, into: &found)
            }
            for (name, _) in new.properties where old.node(named: name) == nil && new.required.contains(name) {
                found.append(
                    Incompatibility(path: join(path, name), reason: "is a new required field; a new field must be optional"))
            }
            if old.additionalProperties, !new.additionalProperties {
                refuse("additionalProperties changed from true to false; events with extra fields were valid before")
            }
        case (.array(let old), .array(let new)):
            if new.minItems > old.minItems { refuse("minItems raised from \(old.minItems) to \(new.minItems)") }
            if let limit = new.maxItems, limit < old.maxItems ?? Int.max {
                refuse("maxItems lowered from \(old.maxItems.map(String.init) ?? "none") to \(limit)")
            }
            compare(old.items, new.items, at: path + "[]", into: &found)
        case (.string(let old), .string(let new)):
            if new.minLength > old.minLength { refuse("minLength raised from \(old.minLength) to \(new.minLength)") }
            if let limit = new.maxLength, limit < old.maxLength ?? Int.max {
                refuse("maxLength lowered from \(old.maxLength.map(String.init) ?? "none") to \(limit)")
            }
            if let format = new.format, format != old.format {
                refuse("format changed from \(old.format?.rawValue ?? "none") to \(format.rawValue)")
            }
        case (.enumeration(let old), .enumeration(let new)):
            let dropped = old.filter { !new.contains($0) }
            if !dropped.isEmpty {
                refuse("enum narrowed: no longer allows " + dropped.map { JSONValue.string($0).compactText }.joined(separator: ", "))
            }
        case (.number(let old), .number(let new)) where old.integral == new.integral:
            if let minimum = new.minimum, minimum > old.minimum ?? -Double.infinity {
                refuse("minimum raised from \(old.minimum.map { "\($0)" } ?? "none") to \(minimum)")
            }
            if let maximum = new.maximum, maximum < old.maximum ?? Double.infinity {
                refuse("maximum lowered from \(old.maximum.map { "\($0)" } ?? "none") to \(maximum)")
            }
        case (.boolean, .boolean):
            break
        default:
            refuse("type changed from \(old.typeName) to \(new.typeName); a field's type cannot change")
        }
    }

    /// `base.key`, or `base["odd key"]`, in the form of the 422 paths.
    static func join(_ base: String, _ key: String) -> String {
        let part = "\(JSONPath.root.appending(key))"
        if part.hasPrefix("[") { return base + part }
        return base.isEmpty ? part : base + "." + part
    }
}
