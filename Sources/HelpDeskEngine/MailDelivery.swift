import HelpDeskCore
import HelpDeskMail
import HelpDeskStore

/// Sends the mail that waits in the outbox through the relay, as `mail.deliver` jobs. A message
/// the relay refuses for good fails at once; otherwise it is tried again after growing pauses,
/// then given up. Each message carries its Message-ID, so a message sent again after a lost
/// answer can be recognised by the receiver.
enum MailDelivery {
    static func jobs(desk: HelpDesk, relay: SMTPRelay) -> JobKind {
        JobKind(name: OutboxEntry.Transport.smtp.jobKind, work: .outside(perform: { job in
            let entry = try await OutboxDelivery.entry(of: job, desk: desk)
            do {
                try await SMTPClient.send(Array(entry.data), from: entry.sender, to: entry.recipients, via: relay)
            } catch let error as SMTPSendError {
                throw JobFailure(permanent: error.permanent, message: error.message)
            }
        }, record: OutboxDelivery.record))
    }
}

/// What mail and posts share on their way out: finding the entry of a job, and keeping the
/// outcome on the message.
enum OutboxDelivery {
    static func entry(of job: Job, desk: HelpDesk) async throws -> OutboxEntry {
        guard let id = Int64(job.payload) else {
            throw JobFailure(permanent: true, message: "Job \(job.id) names no outbox entry (\(job.payload)).")
        }
        guard let entry = try await desk.database.read({ try await $0.outboxEntry(id: id) }) else {
            throw JobFailure(permanent: true, message: "The message was deleted before it was sent.")
        }
        return entry
    }

    @Sendable static func record(_ job: Job, _ outcome: JobOutcome, _ session: StoreSession) async throws {
        guard let id = Int64(job.payload), let messageID = try await session.outboxEntry(id: id)?.messageID else { return }
        let delivery: ConversationMessage.Delivery = switch outcome {
        case .done(let at): .init(status: .sent, attempts: job.attempts + 1, lastError: nil, sentAt: at)
        case .retrying(let error, let attempts): .init(status: .queued, attempts: attempts, lastError: error, sentAt: nil)
        case .failed(let error, let attempts): .init(status: .failed, attempts: attempts, lastError: error, sentAt: nil)
        }
        try await session.recordDelivery(messageID: messageID, delivery)
    }
}
