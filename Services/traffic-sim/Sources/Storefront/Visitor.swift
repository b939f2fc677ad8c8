/// The browsers visitors use, weighted roughly like a small shop's traffic, so the dashboard's
/// device breakdown (derived from the user agent by the relay) has every kind in it.
public enum VisitorAgent: CaseIterable, Sendable {
    case desktopChrome, desktopFirefox, desktopSafari, iPhone, android, iPad, crawler

    public var userAgent: String {
        switch self {
        case .desktopChrome:
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"
        case .desktopFirefox:
            "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0"
        case .desktopSafari:
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_7_1) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15"
        case .iPhone:
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
        case .android:
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36"
        case .iPad:
            "Mozilla/5.0 (iPad; CPU OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
        case .crawler:
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
        }
    }

    /// Share of sessions using this agent.
    public var weight: Double {
        switch self {
        case .desktopChrome: 30
        case .desktopFirefox: 8
        case .desktopSafari: 10
        case .iPhone: 25
        case .android: 15
        case .iPad: 8
        case .crawler: 4
        }
    }

    /// Crawlers load pages but never press buttons.
    public var clicks: Bool { self != .crawler }
}
