import HelpDeskEngine
import Hummingbird
import Logging
import Metrics
import NIOCore
import Prometheus

/// `/metrics`: what swift-metrics recorded in this process (requests by route, method and status
/// with their durations; mail stored, refused and deferred) and the backlog read fresh from the
/// database (`Telemetry`), in Prometheus's text format.
public enum ServerMetrics {
    /// Sends this process's metrics to the registry `/metrics` shows. Call once, at start.
    public static func bootstrap() {
        var factory = PrometheusMetricsFactory(registry: PrometheusMetricsFactory.defaultRegistry)
        // Prometheus allows letters, digits and underscores; swift-metrics' own labels use dots.
        factory.nameAndLabelSanitizer = { name, dimensions in
            (sanitized(name), dimensions.map { (sanitized($0.0), $0.1) })
        }
        MetricsSystem.bootstrap(factory)
    }

    static func sanitized(_ name: String) -> String {
        String(name.map { $0.isLetter || $0.isNumber || $0 == "_" ? $0 : "_" })
    }

    static func scrape(desk: HelpDesk, logger: Logger) async throws -> Response {
        do {
            try await desk.telemetry.refresh()
        } catch {
            // The rest is still worth showing; the backlog's gauges keep their last values.
            logger.warning("Could not read the backlog for /metrics: \(error)")
        }
        var bytes: [UInt8] = []
        PrometheusMetricsFactory.defaultRegistry.emit(into: &bytes)
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
