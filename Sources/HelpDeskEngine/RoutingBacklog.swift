import HelpDeskCore
import ServiceLifecycle

/// Gives out the tickets routing left waiting (`RoutingService.assignWaiting`) as soon as an
/// agent may take one: when someone comes back or changes their profile, when a ticket closes or
/// changes owner (room under a capacity), when a channel's rule changes; and every minute, since
/// working hours begin without any event. Several servers may all run it: each ticket is given
/// out once, under its lock.
public struct RoutingBacklog: Service, Sendable {
    let desk: HelpDesk
    let interval: Duration

    public init(desk: HelpDesk, interval: Duration = .seconds(60)) {
        self.desk = desk
        self.interval = interval
    }

    public func run() async throws {
        let follower = FeedFollower(database: desk.database, kinds: [.configurationChanged, .stageEntered, .propertyChanged, .archived],
                                    logger: desk.logger) { events in
            if events.contains(where: Self.mayFreeAnAgent) { await assign() }
        }
        try? await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await follower.run() }
                group.addTask {
                    while !Task.isCancelled {
                        await assign()
                        try? await Task.sleep(for: interval)
                    }
                }
            }
        }
    }

    static func mayFreeAnAgent(_ event: FeedEvent) -> Bool {
        switch event.kind {
        case .configurationChanged: [.routing, .users, .teams, .channels].contains(event.area)
        case .stageEntered, .archived: event.objectType == ObjectType.tickets.id
        case .propertyChanged: event.objectType == ObjectType.tickets.id && event.property == Record.ownerProperty
        default: false
        }
    }

    func assign() async {
        do {
            let assigned = try await desk.routing.assignWaiting()
            if assigned > 0 { desk.logger.info("Routing gave out \(assigned) waiting tickets") }
        } catch {
            desk.logger.error("Could not give out waiting tickets: \(error)")
        }
    }
}
