import EDMEvents
import Testing

@Suite("Device classification")
struct DeviceTypeTests {
    static let table: [(String, DeviceType, String)] = [
        (Fixture.iPhoneUserAgent, .mobile, "iPhone Safari"),
        ("Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1", .tablet, "iPad Safari (contains Mobile)"),
        ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Mobile Safari/537.36", .mobile, "Android phone Chrome"),
        ("Mozilla/5.0 (Linux; Android 13; SM-X710) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", .tablet, "Android tablet Chrome (no Mobile)"),
        ("Mozilla/5.0 (Android 14; Mobile; rv:125.0) Gecko/125.0 Firefox/125.0", .mobile, "Firefox Android phone"),
        ("Mozilla/5.0 (Android 14; Tablet; rv:125.0) Gecko/125.0 Firefox/125.0", .tablet, "Firefox Android tablet"),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", .bot, "Googlebot"),
        ("Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.6367.201 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", .bot, "Googlebot Smartphone"),
        ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", .bot, "Bingbot"),
        ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", .bot, "Facebook previews"),
        ("curl/8.5.0", .bot, "curl"),
        ("python-requests/2.31.0", .bot, "python-requests"),
        ("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/124.0.0.0 Safari/537.36", .bot, "headless Chrome"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", .desktop, "Chrome on Windows"),
        ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0", .desktop, "Firefox on Windows"),
        ("Mozilla/5.0 (X11; Ubuntu; Linux x86_64; rv:125.0) Gecko/20100101 Firefox/125.0", .desktop, "Firefox on Linux"),
        ("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_4_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15", .desktop, "Safari on macOS (also iPadOS desktop mode)"),
        ("Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36", .desktop, "ChromeOS"),
        ("Mozilla/5.0 (Windows NT 6.1; WOW64; Trident/7.0; Tablet PC 2.0; rv:11.0) like Gecko", .desktop, "IE11 with Tablet PC token"),
        ("Mozilla/5.0 (Linux; Android 10; CUBOT_X19 Build/QP1A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36", .mobile, "Cubot phone is not a bot"),
        ("Mozilla/5.0 (Linux; Android 9; KFTRWI) AppleWebKit/537.36 (KHTML, like Gecko) Silk/124.2.1 like Chrome/124.0 Safari/537.36", .tablet, "Kindle Fire"),
        ("", .other, "empty"),
        ("   ", .other, "blank"),
        ("SomethingElse/1.0", .other, "unrecognised"),
    ]

    @Test("user agents are classified as documented", arguments: table)
    func classify(userAgent: String, expected: DeviceType, label: String) {
        #expect(DeviceType(userAgent: userAgent) == expected, "\(label)")
    }

    @Test("classification ignores ASCII case")
    func caseInsensitive() {
        #expect(DeviceType(userAgent: "CURL/8.0") == .bot)
        #expect(DeviceType(userAgent: "mozilla/5.0 (IPHONE)") == .mobile)
    }

    /// ASCII user agents are matched on bytes, others on Strings: a non-ASCII prefix (which no
    /// rule looks at) sends the same agent down the other path, which must agree.
    @Test("the byte path and the String path classify alike")
    func pathsAgree() {
        for (userAgent, expected, label) in Self.table where !userAgent.allSatisfy({ $0 == " " }) {
            #expect(DeviceType(userAgent: "é " + userAgent) == expected, "\(label)")
        }
        let pieces = ["bot", "cu", "cubot", "Bot/", " ", "\t", "iPad", "android", "mobi", "tablet pc", "Tablet", "x11", "crawler", "CUBOT", "/", ";"]
        var generator = SeededGenerator(seed: 0xDE71CE)
        for _ in 0..<2000 {
            let userAgent = (0..<Int.random(in: 1...6, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            #expect(DeviceType(userAgent: userAgent) == DeviceType(userAgent: "é " + userAgent) || userAgent.allSatisfy { $0 == " " || $0 == "\t" }, "\(userAgent)")
        }
    }
}
