import NIOConcurrencyHelpers
import Vapor

/// Request counters and latency histograms, rendered as Prometheus text on `/metrics`.
final class MetricsRegistry: Sendable {
    struct Key: Hashable { let method: String; let route: String; let status: UInt }
    struct Histogram { var buckets: [Int]; var count = 0; var sum = 0.0 }

    static let bounds: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
    private let state = NIOLockedValueBox<(counts: [Key: Int], latency: [String: Histogram])>(([:], [:]))

    func record(method: String, route: String, status: UInt, seconds: Double) {
        state.withLockedValue { state in
            state.counts[Key(method: method, route: route, status: status), default: 0] += 1
            var histogram = state.latency[route] ?? Histogram(buckets: Array(repeating: 0, count: Self.bounds.count))
            for (index, bound) in Self.bounds.enumerated() where seconds <= bound {
                histogram.buckets[index] += 1
            }
            histogram.count += 1
            histogram.sum += seconds
            state.latency[route] = histogram
        }
    }

    func render(extra: [String]) -> String {
        let snapshot = state.withLockedValue { $0 }
        var lines: [String] = [
            "# HELP caqes_http_requests_total HTTP requests by method, route and status.",
            "# TYPE caqes_http_requests_total counter",
        ]
        for (key, count) in snapshot.counts.sorted(by: { ($0.key.route, $0.key.status) < ($1.key.route, $1.key.status) }) {
            lines.append("caqes_http_requests_total{method=\"\(key.method)\",route=\"\(key.route)\",status=\"\(key.status)\"} \(count)")
        }
        lines.append("# HELP caqes_http_request_duration_seconds Request latency by route.")
        lines.append("# TYPE caqes_http_request_duration_seconds histogram")
        for (route, histogram) in snapshot.latency.sorted(by: { $0.key < $1.key }) {
            for (index, bound) in Self.bounds.enumerated() {
                lines.append("caqes_http_request_duration_seconds_bucket{route=\"\(route)\",le=\"\(bound)\"} \(histogram.buckets[index])")
            }
            lines.append("caqes_http_request_duration_seconds_bucket{route=\"\(route)\",le=\"+Inf\"} \(histogram.count)")
            lines.append("caqes_http_request_duration_seconds_sum{route=\"\(route)\"} \(histogram.sum)")
            lines.append("caqes_http_request_duration_seconds_count{route=\"\(route)\"} \(histogram.count)")
        }
        lines.append(contentsOf: extra)
        return lines.joined(separator: "\n") + "\n"
    }
}

extension Application {
    private struct MetricsKey: StorageKey { typealias Value = MetricsRegistry }

    var metricsRegistry: MetricsRegistry {
        if let existing = storage[MetricsKey.self] { return existing }
        let registry = MetricsRegistry()
        storage[MetricsKey.self] = registry
        return registry
    }
}

/// Times every request. The route label is the matched route pattern, never the raw path, so a
/// FINESS number in a URL does not create a series per establishment.
struct MetricsMiddleware: AsyncMiddleware {
    let registry: MetricsRegistry

    func respond(to request: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        var status: UInt = 500
        defer {
            let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let route = request.route.map { "/" + $0.path.map(\.description).joined(separator: "/") } ?? "unmatched"
            registry.record(method: request.method.rawValue, route: route, status: status, seconds: seconds)
        }
        do {
            let response = try await next.respond(to: request)
            status = response.status.code
            return response
        } catch let error as any AbortError {
            status = error.status.code
            throw error
        }
    }
}
