/// A visitor clicked a product button in the storefront; stats counts these per `buttonId`.
public struct ClickProperties: EventProperties {
    public static let eventType = "click"
    public static let topicBase = "edm-ui-click"
    public static let summary = "A visitor clicked a button in the storefront."

    public static let fieldRules: [FieldRule] = [
        .client(
            "buttonId", .text(1...200), required: true, legacyName: "button_id",
            summary: "DOM id of the clicked element, the key clicks are counted by; any characters "
                + "but control characters (ids such as the-camper's-kit or "
                + "msr-reactor-2.5l-stove-system occur)."),
        .client(
            "description", .text(0...1024), required: false, legacyName: "description",
            summary: "Free text from the client, shown in the live message log."),
    ]

    public static let example = ClickProperties(
        buttonId: "bunum-wo-aa,-papua-new-guinea", description: "Add to cart")

    /// DOM id of the clicked element. Compared byte for byte: `A` and `a` are different buttons.
    public var buttonId: String
    public var description: String?

    public init(buttonId: String, description: String? = nil) {
        self.buttonId = buttonId
        self.description = description
    }

    public init(fields: FieldReader) throws(ValidationFailure) {
        self.init(buttonId: try fields.string("buttonId"), description: fields.optionalString("description"))
    }

    public var fieldValues: [String: JSONValue] {
        var values: [String: JSONValue] = ["buttonId": .string(buttonId)]
        if let description { values["description"] = .string(description) }
        return values
    }
}
