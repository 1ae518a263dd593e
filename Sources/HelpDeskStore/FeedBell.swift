import Foundation
import HelpDeskCore
import NIOConcurrencyHelpers

/// What a listener of the feed hears: positions up to `last` have committed since it last heard,
/// from `first` on. When this server wrote all of them, `kinds` says which kinds of events they
/// are, so that a listener that wants none of those can pass them over unread; `nil` when some
/// came from elsewhere (another server, the command line) and only a read can tell.
package struct FeedRing: Sendable, Equatable {
    package var first: Int64
    package var last: Int64
    package var kinds: Set<FeedEvent.Kind>?
}

/// Tells the listeners of this process that the feed has grown. Writes of this process ring it
/// after they commit, with the kinds they wrote; on PostgreSQL, a listening connection rings it
/// for the commits of other servers (`NOTIFY`, which PostgreSQL delivers only once the writing
/// transaction has committed). Rings a listener has not taken yet merge into one.
package final class FeedBell: Sendable {
    /// The PostgreSQL notification channel the feed's writes notify.
    static let channel = "helpdesk_feed"

    private struct Listener {
        var wake: AsyncStream<Void>.Continuation
        var pending: FeedRing?
    }

    private struct State {
        var head: Int64 = 0
        var next = 0
        var listeners: [Int: Listener] = [:]
        var closed = false
    }

    private let state = NIOLockedValueBox(State())
    /// Names this process in its notifications, so that it does not hear its own twice.
    let origin = UUID().uuidString

    init() {}

    /// The highest position rung so far.
    package var head: Int64 {
        state.withLockedValue { $0.head }
    }

    /// The rings from now on. The first is at once, up to the current head and of unknown kinds,
    /// so that a listener begins by catching up. Ends when the database closes.
    package func listen() -> Rings {
        let (stream, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let id = state.withLockedValue { state -> Int? in
            guard !state.closed else { return nil }
            state.next += 1
            state.listeners[state.next] = Listener(wake: wake, pending: FeedRing(first: state.head, last: state.head, kinds: nil))
            return state.next
        }
        guard let id else {
            wake.finish()
            return Rings(bell: self, id: 0, wakes: stream)
        }
        wake.yield()
        wake.onTermination = { [weak self] _ in
            self?.state.withLockedValue { _ = $0.listeners.removeValue(forKey: id) }
        }
        return Rings(bell: self, id: id, wakes: stream)
    }

    /// Positions `first` through `last` committed; `kinds` when this process wrote them all.
    func ring(first: Int64, last: Int64, kinds: Set<FeedEvent.Kind>?) {
        let wakes = state.withLockedValue { state -> [AsyncStream<Void>.Continuation] in
            state.head = max(state.head, last)
            var wakes: [AsyncStream<Void>.Continuation] = []
            for (id, var listener) in state.listeners {
                if let pending = listener.pending {
                    let contiguous = first == pending.last + 1
                    listener.pending = FeedRing(
                        first: min(pending.first, first), last: max(pending.last, last),
                        kinds: contiguous ? pending.kinds.flatMap { known in kinds.map { known.union($0) } } : nil)
                } else {
                    listener.pending = FeedRing(first: first, last: last, kinds: kinds)
                }
                state.listeners[id] = listener
                wakes.append(listener.wake)
            }
            return wakes
        }
        for wake in wakes {
            wake.yield()
        }
    }

    /// A head read from the database: whatever lies beyond what was rung is of unknown kinds.
    func ring(head: Int64) {
        let known = self.head
        guard head > known else { return }
        ring(first: known + 1, last: head, kinds: nil)
    }

    fileprivate func take(_ id: Int) -> FeedRing? {
        state.withLockedValue { state in
            defer { state.listeners[id]?.pending = nil }
            return state.listeners[id]?.pending
        }
    }

    func close() {
        let wakes = state.withLockedValue { state -> [AsyncStream<Void>.Continuation] in
            state.closed = true
            defer { state.listeners = [:] }
            return state.listeners.values.map(\.wake)
        }
        for wake in wakes {
            wake.finish()
        }
    }

    /// The rings one listener hears, in order.
    package struct Rings: AsyncSequence, Sendable {
        package typealias Element = FeedRing
        let bell: FeedBell
        let id: Int
        let wakes: AsyncStream<Void>

        package func makeAsyncIterator() -> Iterator {
            Iterator(bell: bell, id: id, wakes: wakes.makeAsyncIterator())
        }

        package struct Iterator: AsyncIteratorProtocol {
            let bell: FeedBell
            let id: Int
            var wakes: AsyncStream<Void>.Iterator

            package mutating func next() async -> FeedRing? {
                while await wakes.next() != nil {
                    if let ring = bell.take(id) { return ring }
                }
                return nil
            }
        }
    }
}
