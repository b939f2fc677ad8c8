import EDMStatsAPI

extension StatsClient {
    /// The recent alerts stats keeps (`GET /v1/alerts`); nil from a stats without the route or
    /// on any failure (the panel is optional; history loading reports the link state).
    func loadAlerts(limit: Int = 20) async -> [AlertBoard.Entry]? {
        guard let view = try? await get("/v1/alerts?limit=\(limit)", as: AlertsView.self) else { return nil }
        return view.alerts.map(AlertBoard.Entry.init)
    }
}
