import HelpDeskCore
import NIOConcurrencyHelpers
import ServiceLifecycle

/// Gives out the tickets routing left waiting (`RoutingService.assignWaiting`) as soon as an
/// agent may take one: when someone comes back or changes their profile, when a ticket closes or
/// changes owner (room under a capacity), when a channel's rule changes; and every minute, since
/// working hours begin without any event. Also routes again the reopened tickets whose rule says
/// so. Several servers may all run it: each ticket is given out once, under its lock.
public struct RoutingBacklog: Service, Sendable {
    let desk: HelpDesk
    let interval: Duration
    /// Whether a pass is under way on this server: an event during it needs no pass of its own,
    /// the one running (or the minute's next) sees what it freed.
    private let passing = NIOLockedValueBox(false)

    public init(desk: HelpDesk, interval: Duration = .seconds(60)) {
        self.desk = desk
        self.interval = interval
    }

    public func run() async throws {
        let follower = FeedFollower(database: desk.database, kinds: [.configurationChanged, .stageEntered, .propertyChanged, .archived],
                                    logger: desk.logger) { events in
            await reroute(events)
            let tickets = try await desk.catalog.schema(for: ObjectType.tickets.name)
            let closed = Set(tickets.pipelines.flatMap(\.stages).filter(\.isClosed).map(\.id))
            if events.contains(where: { Self.mayFreeAnAgent($0, closedStages: closed) }) { await assign() }
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

    /// Whether an event may let an agent take a waiting ticket: someone's status, profile, team or
    /// a channel's rule changed; a ticket closed, was archived or left its owner.
    static func mayFreeAnAgent(_ event: FeedEvent, closedStages: Set<String>) -> Bool {
        switch event.kind {
        case .configurationChanged: [.routing, .users, .teams, .channels].contains(event.area)
        case .stageEntered: event.objectType == ObjectType.tickets.id && closedStages.contains(event.newValue ?? "")
        case .archived: event.objectType == ObjectType.tickets.id
        case .propertyChanged:
            event.objectType == ObjectType.tickets.id && event.property == Record.ownerProperty && !(event.oldValue ?? "").isEmpty
        default: false
        }
    }

    /// Tickets that went from a closed status to an open one are routed again where their rule says so.
    func reroute(_ events: [FeedEvent]) async {
        do {
            let tickets = try await desk.catalog.schema(for: ObjectType.tickets.name)
            let stages = Dictionary(tickets.pipelines.flatMap(\.stages).map { ($0.id, $0.isClosed) }) { first, _ in first }
            for event in events where event.kind == .propertyChanged && event.objectType == ObjectType.tickets.id
                && event.property == ObjectType.tickets.stageProperty {
                guard let ticketID = event.recordID, let old = event.oldValue, stages[old] == true,
                      let new = event.newValue, stages[new] == false else { continue }
                _ = try await desk.routing.rerouteReopened(ticketID: ticketID)
            }
        } catch {
            desk.logger.error("Could not route reopened tickets again: \(error)")
        }
    }

    func assign() async {
        guard passing.withLockedValue({ running in
            defer { running = true }
            return !running
        }) else { return }
        defer { passing.withLockedValue { $0 = false } }
        do {
            let assigned = try await desk.routing.assignWaiting()
            if assigned > 0 { desk.logger.info("Routing gave out \(assigned) waiting tickets") }
        } catch {
            desk.logger.error("Could not give out waiting tickets: \(error)")
        }
    }
}
