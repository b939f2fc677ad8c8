import EDMHTTP
import Hummingbird

/// The HTTP surface: the operational routes only (`/health`, `/ready`, `/metrics`); alerts
/// themselves are events on `edm-alerts`, read through stream and stats.
public enum AlertsRouter {
    public static func make(readiness: [ReadinessCheck]) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        StandardMiddleware.add(to: router)
        OperationalRoutes.add(to: router, service: "alerts", readiness: readiness)
        return router
    }
}
