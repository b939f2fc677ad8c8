import EDMStatsAPI

extension BucketWidth {
    /// The API's name for this width (the switch keeps every width named).
    var apiBucket: TimeseriesBucket {
        switch self {
        case .tenSeconds: .tenSeconds
        case .minute: .minute
        case .hour: .hour
        case .day: .day
        }
    }
}
