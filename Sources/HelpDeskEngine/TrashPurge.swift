import ServiceLifecycle

/// Empties the trash of what it no longer keeps (C7), at start and then every hour. Several
/// servers sharing a database may all run it: each purge is its own transaction and finds only
/// what is left.
public struct TrashPurge: Service, Sendable {
    let desk: HelpDesk
    let interval: Duration

    public init(desk: HelpDesk, interval: Duration = .seconds(3600)) {
        self.desk = desk
        self.interval = interval
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                await purge()
                try await Task.sleep(for: interval)
            }
        }
    }

    func purge() async {
        do {
            let purged = try await desk.conversations.purgeTrash()
            if purged > 0 { desk.logger.info("Emptied \(purged) conversations from the trash") }
        } catch {
            desk.logger.error("Could not empty the trash: \(error)")
        }
    }
}
