import EDMHTTP
import Hummingbird

/// The complete HTTP surface: request logs and uniform JSON errors around the stats routes and
/// the operational ones (`/health`, `/ready`, `/metrics`); with tokens, every data route needs one.
public enum StatsRouter {
    public static func make(routes: StatsRoutes, readiness: [ReadinessCheck]) -> Router<BasicRequestContext> {
        let router = Router(context: BasicRequestContext.self)
        // Middleware first: it only wraps routes added after it.
        StandardMiddleware.add(to: router)
        // Read-only aggregates for dashboards on other origins.
        router.add(
            middleware: CORSMiddleware(allowOrigin: .all, allowHeaders: [.contentType, .authorization], allowMethods: [.get]))
        router.add(middleware: BearerAuthMiddleware(tokens: routes.tokens, openPaths: StatsRoutes.openPaths))
        routes.add(to: router)
        OperationalRoutes.add(to: router, service: "stats", readiness: readiness)
        return router
    }
}
