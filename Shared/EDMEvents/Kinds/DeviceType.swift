import Foundation

/// What kind of client loaded a page, derived from its User-Agent by ``init(userAgent:)``.
public enum DeviceType: String, Sendable, Hashable, Codable, CaseIterable {
    case desktop
    case mobile
    case tablet
    /// Automated clients: crawlers, link previewers, monitors, headless browsers, command-line
    /// tools and HTTP libraries (`curl`, `python-requests`, ...). Kept apart so dashboards can
    /// exclude them.
    case bot
    /// Empty or unrecognised user agents.
    case other

    /// Classifies a User-Agent header. The first matching rule wins; matching is ASCII
    /// case-insensitive substring search:
    ///
    /// 1. **bot**: a crawler/tool token (see `botTokens`: `bot/`, `bot;`, `crawler`, `spider`,
    ///    `curl/`, `python-requests`, `headlesschrome`, ...). Checked first because crawlers
    ///    impersonate phones (Googlebot Smartphone contains `Android ... Mobile`).
    /// 2. **tablet**: `ipad`, `tablet` (but not Windows' `tablet pc`), `kindle`, `silk/`,
    ///    `playbook`, or `android` *without* `mobi` (Google's convention: Android tablets omit
    ///    `Mobile`; so do Android TVs, which therefore count as tablets).
    /// 3. **mobile**: `iphone`, `ipod`, `android`, `mobi` (covers `Mobile`), `windows phone`,
    ///    `blackberry`, `bb10`, `opera mini`, `webos`.
    /// 4. **desktop**: `windows nt`, `macintosh`, `x11`, `cros`, `linux`.
    /// 5. **other**.
    ///
    /// Known blind spot: iPadOS 13+ Safari asks for desktop sites and sends a Macintosh user
    /// agent, so those iPads count as desktop (the header alone cannot tell them apart).
    public init(userAgent: String) {
        let ua = String(decoding: userAgent.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        func has(_ token: String) -> Bool { ua.contains(token) }
        // The phone brand Cubot would otherwise match the generic `bot` tokens.
        let withoutCubot = ua.replacingOccurrences(of: "cubot", with: "")
        if ua.allSatisfy({ $0 == " " || $0 == "\t" }) {
            self = .other
        } else if Self.botTokens.contains(where: withoutCubot.contains) || withoutCubot.hasSuffix("bot") {
            self = .bot
        } else if has("ipad") || (has("tablet") && !has("tablet pc")) || has("kindle") || has("silk/")
            || has("playbook") || (has("android") && !has("mobi"))
        {
            self = .tablet
        } else if ["iphone", "ipod", "android", "mobi", "windows phone", "blackberry", "bb10", "opera mini", "webos"]
            .contains(where: has)
        {
            self = .mobile
        } else if ["windows nt", "macintosh", "x11", "cros", "linux"].contains(where: has) {
            self = .desktop
        } else {
            self = .other
        }
    }

    /// Lowercase substrings that mark automated clients. `bot` must be followed by a separator
    /// or end the string, so words that merely contain "bot" do not count.
    static let botTokens: [String] = [
        "bot/", "bot;", "bot)", "bot-", "bot_", "bot ", "crawler", "spider", "slurp",
        "facebookexternalhit", "mediapartners-google", "lighthouse", "headlesschrome", "phantomjs",
        "curl/", "wget/", "httpie/", "python-requests", "python-urllib", "aiohttp", "go-http-client",
        "okhttp", "java/", "apache-httpclient", "libwww-perl", "node-fetch", "axios/", "postmanruntime",
    ]
}
