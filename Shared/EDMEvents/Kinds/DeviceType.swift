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
        let utf8 = userAgent.utf8
        // ASCII without CR (so no "\r\n" grapheme) compares the same byte by byte as Character
        // by Character: the common case is matched on bytes, far cheaper than String search on
        // the relay's hot path. Anything else is matched on Strings, by the same rules.
        if utf8.allSatisfy({ $0 < 0x80 && $0 != 0x0D }) {
            var ua = Array(utf8)
            ua.withUnsafeMutableBufferPointer { bytes in
                for index in bytes.indices where bytes[index] >= 0x41 && bytes[index] <= 0x5A { bytes[index] |= 0x20 }
            }
            let withoutCubot = ua.removingOccurrences(of: "cubot")
            self = Self.classify(
                isBlank: ua.allSatisfy { $0 == 0x20 || $0 == 0x09 },
                isBot: { Self.botTokens.contains { withoutCubot.containsBytes($0) } || withoutCubot.ends(with: "bot".utf8) },
                has: { ua.containsBytes($0) })
            return
        }
        let ua = String(decoding: utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
        // The phone brand Cubot would otherwise match the generic `bot` tokens.
        let withoutCubot = ua.replacingOccurrences(of: "cubot", with: "")
        self = Self.classify(
            isBlank: ua.allSatisfy { $0 == " " || $0 == "\t" },
            isBot: { Self.botTokens.contains(where: withoutCubot.contains) || withoutCubot.hasSuffix("bot") },
            has: { ua.contains($0) })
    }

    /// The rules above, over a lowercased user agent: blank, a bot token (with Cubot removed),
    /// then the substring tests.
    private static func classify(isBlank: Bool, isBot: () -> Bool, has: (String) -> Bool) -> DeviceType {
        if isBlank {
            .other
        } else if isBot() {
            .bot
        } else if has("ipad") || (has("tablet") && !has("tablet pc")) || has("kindle") || has("silk/")
            || has("playbook") || (has("android") && !has("mobi"))
        {
            .tablet
        } else if ["iphone", "ipod", "android", "mobi", "windows phone", "blackberry", "bb10", "opera mini", "webos"]
            .contains(where: has)
        {
            .mobile
        } else if ["windows nt", "macintosh", "x11", "cros", "linux"].contains(where: has) {
            .desktop
        } else {
            .other
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

extension [UInt8] {
    /// Substring search: memchr finds each candidate first byte, memcmp checks the rest.
    fileprivate func containsBytes(_ needle: String) -> Bool {
        var token = needle
        return token.withUTF8 { (needleBytes: UnsafeBufferPointer<UInt8>) -> Bool in
            withUnsafeBufferPointer { hay -> Bool in
                guard let first = needleBytes.first, needleBytes.count <= hay.count, let base = hay.baseAddress else {
                    return needleBytes.isEmpty
                }
                let last = hay.count - needleBytes.count
                var start = 0
                while start <= last {
                    guard let found = memchr(base + start, Int32(first), last - start + 1) else { return false }
                    if memcmp(found, needleBytes.baseAddress!, needleBytes.count) == 0 { return true }
                    start = base.distance(to: found.assumingMemoryBound(to: UInt8.self)) + 1
                }
                return false
            }
        }
    }

    fileprivate func ends(with suffix: String.UTF8View) -> Bool {
        count >= suffix.count && self[(count - suffix.count)...].elementsEqual(suffix)
    }

    /// Every non-overlapping occurrence removed in one pass from the left, as
    /// `replacingOccurrences(of:with: "")` does.
    fileprivate func removingOccurrences(of token: String) -> [UInt8] {
        guard containsBytes(token) else { return self }
        let needle = token.utf8
        var result: [UInt8] = []
        var start = 0
        while start < count {
            if start + needle.count <= count, self[start..<(start + needle.count)].elementsEqual(needle) {
                start += needle.count
            } else {
                result.append(self[start])
                start += 1
            }
        }
        return result
    }
}
