import ServiceLifecycle

extension PostgresPool: Service {
    /// Keeps the pool open until graceful shutdown, then closes it. List the pool before the
    /// services that use it in a `ServiceGroup`: groups shut down in reverse order, so the
    /// pool closes last.
    public func run() async throws {
        try? await gracefulShutdown()
        await close()
    }
}
