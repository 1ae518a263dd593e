import NIOConcurrencyHelpers

/// Tells the job runners of this process that jobs were scheduled: rung after commit by this
/// process's writes and, on PostgreSQL, for every server's (`NOTIFY`, delivered at commit).
package final class JobBell: Sendable {
    static let channel = "helpdesk_jobs"

    private struct State {
        var next = 0
        var listeners: [Int: AsyncStream<Void>.Continuation] = [:]
        var closed = false
    }

    private let state = NIOLockedValueBox(State())

    init() {}

    /// A ring for every batch of jobs scheduled from now on (rings heard late merge into one).
    package func listen() -> AsyncStream<Void> {
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = state.withLockedValue { state -> Int? in
            guard !state.closed else { return nil }
            state.next += 1
            state.listeners[state.next] = continuation
            return state.next
        }
        guard let id else {
            continuation.finish()
            return stream
        }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLockedValue { _ = $0.listeners.removeValue(forKey: id) }
        }
        return stream
    }

    func ring() {
        for listener in state.withLockedValue({ Array($0.listeners.values) }) {
            listener.yield()
        }
    }

    func close() {
        let listeners = state.withLockedValue { state -> [AsyncStream<Void>.Continuation] in
            state.closed = true
            defer { state.listeners = [:] }
            return Array(state.listeners.values)
        }
        for listener in listeners {
            listener.finish()
        }
    }
}
