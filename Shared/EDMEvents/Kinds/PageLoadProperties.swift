/// A storefront page was loaded; the rate chart compares these with clicks.
public struct PageLoadProperties: EventProperties {
    public static let eventType = "pageload"
    public static let topicBase = "edm-ui-pageload"
    public static let summary = "A storefront page was loaded in a browser."

    public static let fieldRules: [FieldRule] = [
        .client(
            "url", .text(1...2048, .httpURL), required: true, legacyName: "url",
            summary: "Absolute http(s) URL of the page (the browser's location.href)."),
        .client(
            "userAgent", .text(0...1024), required: true, legacyName: "user_agent",
            summary: "The browser's User-Agent string, possibly empty. Personal data: services "
                + "that broadcast events should drop it."),
        .client(
            "description", .text(0...1024), required: false, legacyName: "description",
            summary: "Free text from the client, shown in the live message log."),
        .derived(
            "deviceType", .oneOf(DeviceType.self),
            summary: "Derived by the relay from userAgent (see DeviceType); clients must not send it."),
    ]

    public static let example = PageLoadProperties(
        url: "https://shop.example.com/products/the-camper's-kit?ref=home",
        userAgent: "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 "
            + "(KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1",
        description: "Product page")

    public var url: String
    public var userAgent: String
    public var description: String?
    /// Classified when the event entered the system and stored with it, so a later change to the
    /// classifier does not rewrite history.
    public var deviceType: DeviceType

    /// `deviceType` defaults to the classification of `userAgent`.
    public init(url: String, userAgent: String, description: String? = nil, deviceType: DeviceType? = nil) {
        self.url = url
        self.userAgent = userAgent
        self.description = description
        self.deviceType = deviceType ?? DeviceType(userAgent: userAgent)
    }

    public init(fields: FieldReader) throws(ValidationFailure) {
        self.init(
            url: try fields.string("url"),
            userAgent: try fields.string("userAgent"),
            description: fields.optionalString("description"),
            deviceType: fields.optionalString("deviceType").flatMap(DeviceType.init(rawValue:)))
    }

    public var fieldValues: [String: JSONValue] {
        var values: [String: JSONValue] = [
            "url": .string(url), "userAgent": .string(userAgent), "deviceType": .string(deviceType.rawValue),
        ]
        if let description { values["description"] = .string(description) }
        return values
    }
}
