import HelpDeskCore
import HelpDeskMail
import HelpDeskStore
import Logging
import ServiceLifecycle

/// Sends what waits in the outbox through the relay: soon after a message is written, and on a
/// short beat for messages other servers wrote or whose retry came due. A message the relay
/// refuses for good fails at once; otherwise it is tried again after growing pauses, then given
/// up. Either way the failure shows on the message.
public final class MailDelivery: Service, Sendable {
    let desk: HelpDesk
    let relay: SMTPRelay
    let send: @Sendable ([UInt8], String, [String]) async throws(SMTPSendError) -> Void
    /// Pauses after the first, second, ... failed try; after the last, the message fails.
    static let retryPauses: [Duration] = [.seconds(60), .seconds(300), .seconds(900), .seconds(3600), .seconds(4 * 3600), .seconds(12 * 3600)]
    static let batch = 16
    static let lease: Duration = .seconds(300)

    public init(desk: HelpDesk, relay: SMTPRelay) {
        self.desk = desk
        self.relay = relay
        self.send = { message, sender, recipients throws(SMTPSendError) in
            try await SMTPClient.send(message, from: sender, to: recipients, via: relay)
        }
    }

    public func run() async throws {
        desk.logger.info("Sending mail through \(relay.host):\(relay.port)")
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(2))
                        self.desk.outboxChanged()
                    }
                }
                for await _ in desk.outboxSignals {
                    while !Task.isCancelled, await deliverDue() == Self.batch {}
                    if Task.isCancelled { break }
                }
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.desk.finishOutboxSignals()
        }
    }

    /// Sends one batch of due messages; returns how many it took.
    @discardableResult
    func deliverDue() async -> Int {
        let claimed: [OutboxEntry]
        do {
            let now = desk.clock()
            claimed = try await desk.database.write { try await $0.claimDueMail(now: now, lease: Self.lease, limit: Self.batch) }
        } catch {
            desk.logger.error("Could not read the outbox: \(error)")
            return 0
        }
        await withTaskGroup(of: Void.self) { group in
            for entry in claimed {
                group.addTask { await self.deliver(entry) }
            }
        }
        return claimed.count
    }

    private func deliver(_ entry: OutboxEntry) async {
        let failure: SMTPSendError?
        do {
            try await send(Array(entry.data), entry.sender, entry.recipients)
            failure = nil
        } catch {
            failure = error
        }
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
                desk.logger.warning("Mail \(entry.id) to \(entry.recipients.joined(separator: ", ")) not sent: \(failure.message)")
            }
        } catch {
            // The lease lapses and another try follows.
            desk.logger.error("Could not record the delivery of mail \(entry.id): \(error)")
        }
    }
}
