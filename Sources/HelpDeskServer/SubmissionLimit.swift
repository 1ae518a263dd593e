import NIOConcurrencyHelpers

/// How many submissions one address may make to public endpoints (forms) in a window, so that a
/// script cannot flood the help desk with tickets. Counted per server process; each window
/// starts with an address's first submission in it.
final class SubmissionLimit: Sendable {
    private struct Window {
        var startedAt: ContinuousClock.Instant
        var count: Int
    }

    let limit: Int
    let window: Duration
    private let windows = NIOLockedValueBox<[String: Window]>([:])
    private static let capacity = 100_000

    init(limit: Int = 10, window: Duration = .seconds(600)) {
        self.limit = limit
        self.window = window
    }

    /// Counts a submission from `address`; `false` when the address is over its limit.
    func allows(_ address: String, at now: ContinuousClock.Instant = .now) -> Bool {
        windows.withLockedValue { windows in
            if windows.count >= Self.capacity {
                windows = windows.filter { $0.value.startedAt.duration(to: now) < window }
                // Still full of live windows (many addresses at once): start over rather than grow.
                if windows.count >= Self.capacity / 2 { windows.removeAll(keepingCapacity: true) }
            }
            var current = windows[address] ?? Window(startedAt: now, count: 0)
            if current.startedAt.duration(to: now) >= window { current = Window(startedAt: now, count: 0) }
            current.count += 1
            windows[address] = current
            return current.count <= limit
        }
    }
}
