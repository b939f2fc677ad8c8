/// The topics the broker creates when none are named.
enum BrokerTopics {
    static func defaultTopics(prefix: String) -> [String] {
        ["edm-ui-click", "edm-ui-pageload"].map { prefix + $0 }
    }
}
