import AsyncHTTPClient
import EDMCore
import Foundation
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization

/// The optional webhook (`ALERT_WEBHOOK_URL`): POSTs every alert the service published on
/// `edm-alerts` (fired and resolved) as its canonical envelope JSON, the role of the reference
/// example's PagerDuty and e-mail sinks.
///
/// `edm-alerts` stays the source of truth; the webhook is a best-effort copy that never slows
/// the consumer loop: ``enqueue(_:)`` only appends to a bounded queue (dropping the oldest when
/// full), and this service delivers from it in order, retrying transport errors, timeouts, 408,
/// 429 and 5xx with capped exponential backoff and jitter. Delivery is at least once while the
/// process runs, so every request carries the alert id as `Idempotency-Key` for the receiver
/// to drop repeats. On SIGTERM it keeps delivering until the queue is empty or the shutdown
/// grace has passed.
public final class WebhookSink: Service, Sendable {
    public let settings: WebhookSettings
    public let metrics: WebhookMetrics
    private let queue: WebhookQueue
    private let logger: Logger
    private let drainDeadline = Mutex<ContinuousClock.Instant?>(nil)

    public init(settings: WebhookSettings, metrics: WebhookMetrics = WebhookMetrics(), logger: Logger) {
        self.settings = settings
        self.metrics = metrics
        self.queue = WebhookQueue(limit: settings.queueLimit)
        self.logger = logger
    }

    /// Queues an alert for delivery; never waits.
    public func enqueue(_ alert: WebhookAlert) {
        if let dropped = queue.push(alert) {
            metrics.dropped(.queueFull)
            logger.warning("webhook queue full; dropped the oldest alert", metadata: ["id": "\(dropped.id)"])
        }
        metrics.depth(queue.count)
    }

    /// Alerts waiting, the one being delivered included.
    public var queueDepth: Int { queue.count }

    public func run() async throws {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .milliseconds(settings.requestTimeout.milliseconds))
        // A redirected POST would turn into a GET elsewhere: a 3xx counts as a refusal.
        configuration.redirectConfiguration = .disallow
        let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration, backgroundActivityLogger: logger)
        await withGracefulShutdownHandler {
            await self.deliver(using: client)
        } onGracefulShutdown: {
            self.drainDeadline.withLock { $0 = .now + self.settings.shutdownGrace }
            self.queue.close()
        }
        try? await client.shutdown()
    }

    private var deadline: ContinuousClock.Instant? { drainDeadline.withLock { $0 } }

    private func deliver(using client: HTTPClient) async {
        var backoff = WebhookBackoff(initial: settings.initialBackoff, maximum: settings.maxBackoff)
        while !Task.isCancelled {
            if let deadline, ContinuousClock.now >= deadline { break }
            guard let entry = queue.head else {
                if queue.isClosed { break }
                await queue.waitForAlert()
                continue
            }
            switch await send(entry.alert, using: client) {
            case .delivered:
                queue.remove(entry.sequence)
                metrics.delivered()
                backoff.reset()
            case .rejected(let status):
                queue.remove(entry.sequence)
                metrics.dropped(.rejected)
                logger.error(
                    "webhook refused an alert; not retrying", metadata: ["id": "\(entry.alert.id)", "status": "\(status)"])
                backoff.reset()
            case .failed(let reason):
                metrics.failedAttempt()
                let delay = backoff.next()
                logger.warning(
                    "webhook delivery failed; retrying",
                    metadata: ["id": "\(entry.alert.id)", "reason": "\(reason)", "retry_in_ms": "\(delay.milliseconds)"])
                await pause(for: delay)
            }
            metrics.depth(queue.count)
        }
        let left = queue.removeAll()
        if left > 0 {
            metrics.dropped(.shutdown, count: left)
            logger.error("webhook shutdown grace over; dropped undelivered alerts", metadata: ["alerts": "\(left)"])
        }
        metrics.depth(0)
    }

    enum Outcome {
        case delivered
        case rejected(status: UInt)
        case failed(String)
    }

    private func send(_ alert: WebhookAlert, using client: HTTPClient) async -> Outcome {
        var request = HTTPClientRequest(url: settings.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Idempotency-Key", value: alert.id)
        request.headers.add(name: "User-Agent", value: "edm-alerts")
        request.body = .bytes(ByteBuffer(bytes: alert.body))
        var timeout = settings.requestTimeout
        if let deadline { timeout = min(timeout, max(.milliseconds(1), deadline - .now)) }
        do {
            let response = try await client.execute(request, timeout: .milliseconds(timeout.milliseconds))
            // Read (and discard) the body so the connection can be reused.
            _ = try? await response.body.collect(upTo: 64 << 10)
            let status = response.status.code
            switch status {
            case 200..<300: return .delivered
            case 408, 429, 500..<600: return .failed("HTTP \(status)")
            default: return .rejected(status: status)
            }
        } catch {
            return .failed(String(describing: error))
        }
    }

    /// Sleeps `delay`, in slices, so a shutdown deadline that passes meanwhile ends it early.
    private func pause(for delay: Duration) async {
        let until = ContinuousClock.now + delay
        while ContinuousClock.now < until, !Task.isCancelled {
            if let deadline, ContinuousClock.now >= deadline { return }
            try? await Task.sleep(for: min(.milliseconds(100), until - .now))
        }
    }
}
