import NIOConcurrencyHelpers

/// Tells the consumers of this process that the feed has grown, with the new head position.
/// Writes of this process ring it after they commit; on PostgreSQL, a listening connection rings
/// it for every server's commits (`NOTIFY`, which PostgreSQL delivers only once the writing
/// transaction has committed).
public final class FeedBell: Sendable {
    /// The PostgreSQL notification channel the feed's writes notify.
    static let channel = "helpdesk_feed"

    private struct State {
        var head: Int64 = 0
        var next = 0
        var listeners: [Int: AsyncStream<Int64>.Continuation] = [:]
        var closed = false
    }

    private let state = NIOLockedValueBox(State())

    init() {}

    /// The highest position rung so far.
    public var head: Int64 {
        state.withLockedValue { $0.head }
    }

    /// The head positions rung from now on, newest only when the listener falls behind; it starts
    /// with the current head so that a listener begins by catching up. Ends when the database closes.
    public func listen() -> AsyncStream<Int64> {
        let (stream, continuation) = AsyncStream<Int64>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = state.withLockedValue { state -> Int? in
            guard !state.closed else { return nil }
            state.next += 1
            state.listeners[state.next] = continuation
            continuation.yield(state.head)
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

    /// Notes that the feed reaches `position`; listeners hear of it if it is news.
    func ring(_ position: Int64) {
        let listeners = state.withLockedValue { state -> [AsyncStream<Int64>.Continuation] in
            guard position > state.head else { return [] }
            state.head = position
            return Array(state.listeners.values)
        }
        for listener in listeners {
            listener.yield(position)
        }
    }

    func close() {
        let listeners = state.withLockedValue { state -> [AsyncStream<Int64>.Continuation] in
            state.closed = true
            defer { state.listeners = [:] }
            return Array(state.listeners.values)
        }
        for listener in listeners {
            listener.finish()
        }
    }
}
