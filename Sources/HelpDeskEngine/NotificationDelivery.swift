import HelpDeskCore
import ServiceLifecycle

/// A10 on every server: the durable consumer that turns the feed into notifications as it grows
/// (`NotificationService.notify`), and each minute the mail of notifications that wait for it
/// (`NotificationService.mailDue`). Servers sharing a database take turns on both.
public struct NotificationDelivery: Service, Sendable {
    let desk: HelpDesk
    /// The workspace's address, for the links in mail.
    let links: String
    let interval: Duration

    public init(desk: HelpDesk, links: String, interval: Duration = .seconds(60)) {
        self.desk = desk
        self.links = links
        self.interval = interval
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await desk.run(NotificationService.consumer(desk)) }
                group.addTask {
                    while !Task.isCancelled {
                        do {
                            try await desk.notifications.mailDue(links: links)
                        } catch {
                            desk.logger.warning("Notification mail waits for the next minute: \(error)")
                        }
                        try? await Task.sleep(for: interval)
                    }
                }
            }
        }
    }
}
