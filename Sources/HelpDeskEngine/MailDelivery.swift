import HelpDeskCore
import HelpDeskMail
import HelpDeskStore
import Logging
import ServiceLifecycle

/// Sends the mail that waits in the outbox through the relay. A message the relay refuses for
/// good fails at once; otherwise it is tried again after growing pauses, then given up.
public struct MailDelivery: Service, Sendable {
    let desk: HelpDesk
    let relay: SMTPRelay

    public init(desk: HelpDesk, relay: SMTPRelay) {
        self.desk = desk
        self.relay = relay
    }

    public func run() async throws {
        desk.logger.info("Sending mail through \(relay.host):\(relay.port)")
        let desk = self.desk, relay = self.relay
        await OutboxWorker(desk: desk, transport: .smtp, signals: desk.outboxSignals, wake: { desk.outboxChanged() },
                           stop: { desk.finishOutboxSignals() }, send: { entry in
            do {
                try await SMTPClient.send(Array(entry.data), from: entry.sender, to: entry.recipients, via: relay)
                return nil
            } catch let error as SMTPSendError {
                return OutboxWorker.Failure(permanent: error.permanent, message: error.message)
            } catch {
                return OutboxWorker.Failure(permanent: false, message: "\(error)")
            }
        }, describe: { "Mail \($0.id) to \($0.recipients.joined(separator: ", "))" }).run()
    }
}
