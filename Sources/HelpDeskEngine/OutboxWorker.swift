import HelpDeskCore
import HelpDeskStore
import ServiceLifecycle

/// Works through one transport's part of the outbox: soon after something is written, and on a
/// short beat for what other servers wrote or whose retry came due. Each entry is claimed for a
/// lease (so that one server sends it), handed to `send`, and marked sent, retried after growing
/// pauses, or failed for good; the failure shows on its message.
struct OutboxWorker: Sendable {
    /// Why an entry did not go out; a permanent failure is not tried again.
    struct Failure: Error {
        var permanent: Bool
        var message: String
    }

    let desk: HelpDesk
    let transport: OutboxEntry.Transport
    let signals: AsyncStream<Void>
    let wake: @Sendable () -> Void
    let stop: @Sendable () -> Void
    let send: @Sendable (OutboxEntry) async -> Failure?
    /// What the log says an entry is ("mail 12 to a@example.org").
    let describe: @Sendable (OutboxEntry) -> String

    /// Pauses after the first, second, ... failed try; after the last, the entry fails.
    static let retryPauses: [Duration] = [.seconds(60), .seconds(300), .seconds(900), .seconds(3600), .seconds(4 * 3600), .seconds(12 * 3600)]
    static let batch = 16
    static let lease: Duration = .seconds(300)

    func run() async {
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(2))
                        wake()
                    }
                }
                for await _ in signals {
                    while !Task.isCancelled, await deliverDue() == Self.batch {}
                    if Task.isCancelled { break }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            stop()
        }
    }

    /// Sends one batch of due entries; returns how many it took.
    func deliverDue() async -> Int {
        let claimed: [OutboxEntry]
        do {
            let now = desk.clock(), transport = self.transport
            claimed = try await desk.database.write {
                try await $0.claimDueMail(transport: transport, now: now, lease: Self.lease, limit: Self.batch)
            }
        } catch {
            desk.logger.error("Could not read the outbox: \(error)")
            return 0
        }
        await withTaskGroup(of: Void.self) { group in
            for entry in claimed {
                group.addTask { await deliver(entry) }
            }
        }
        return claimed.count
    }

    func deliver(_ entry: OutboxEntry) async {
        let failure = await send(entry)
        let now = desk.clock()
        do {
            try await desk.database.write { session in
                guard let failure else {
                    try await session.markMailSent(id: entry.id, now: now)
                    return
                }
                let pause = failure.permanent ? nil : Self.retryPauses.dropFirst(entry.attempts).first
                try await session.markMailFailed(id: entry.id, error: failure.message,
                                                 retryAt: pause.map { now.adding(milliseconds: $0.components.seconds * 1000) })
            }
            if let failure {
                desk.logger.warning("\(describe(entry)) not delivered: \(failure.message)")
            }
        } catch {
            // The lease lapses and another try follows.
            desk.logger.error("Could not record the delivery of \(describe(entry)): \(error)")
        }
    }
}
