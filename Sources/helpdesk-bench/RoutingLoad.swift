import Foundation
import HelpDeskCore
import HelpDeskEngine
import HelpDeskStore
import Logging

/// Routing with many agents and tickets stored (A4-A7): the decision for a new ticket, timed
/// with everything it reads (the agents the rule names, their profiles and loads) and as the
/// pure rule alone; then messages taken in with routing on and off.
enum RoutingLoad {
    static let languages = ["en", "fr", "de", "es", "it"]

    static func measure(location: Storage, agents count: Int, tickets: Int, seconds: Int) async throws {
        var logger = Logger(label: "helpdesk-bench")
        logger.logLevel = .error
        let desk = try await HelpDesk.open(location, logger: logger)
        do {
            try await run(desk, agents: count, tickets: tickets, seconds: seconds)
        } catch {
            await desk.close()
            throw error
        }
        await desk.close()
    }

    static func run(_ desk: HelpDesk, agents count: Int, tickets: Int, seconds: Int) async throws {
        let admin = try await existingOrNew(desk, email: "admin@routing-bench.example", roles: [.superAdmin])
        let caller = Caller(user: admin, source: "BENCH")
        var users = try await desk.people.users().filter { $0.email.hasSuffix("@agents.routing-bench.example") }
        if users.count < count {
            print("  adding \(count - users.count) agents with skills, one in ten away")
            for n in users.count..<count {
                let user = try await desk.people.createUser(UserDraft(email: "agent\(n)@agents.routing-bench.example", firstName: "Agent",
                                                                      lastName: "\(n)", serviceSeat: true))
                _ = try await desk.routing.setProfile(RoutingProfile(skills: [
                    Skill(property: "hs_language", value: languages[n % 5]), Skill(property: "hs_language", value: languages[n / 5 % 5]),
                ]), userID: user.id, by: caller)
                if n % 10 == 0 { _ = try await desk.routing.setStatus(.away, by: Caller(user: user, source: "BENCH")) }
                users.append(user)
            }
        }
        let ids = users.prefix(count).map(\.id)
        let stored = try await desk.records.search(type: "tickets", SearchRequest(limit: 0), by: caller).total
        if stored < tickets { try await seed(desk, agents: ids, from: stored, to: tickets, caller: caller) }

        var found = try await desk.channels.list(by: caller).first { $0.kind == .custom && $0.address == "routing-bench" }
        if found == nil { found = try await desk.channels.create(ChannelDraft(kind: .custom, address: "routing-bench"), by: caller) }
        guard let channel = found else { return }
        let rule = RoutingRule(assignment: .usersAndTeams, userIDs: ids, distribution: .loadBalanced, skillProperties: ["hs_language"])
        _ = try await desk.routing.setRule(rule, channelID: channel.id, by: caller)
        let schema = try await desk.recordSchema("tickets")

        // The decision with its reads, one at a time, each in its own read transaction.
        var timings: [Double] = []
        var candidates = 0
        let end = ContinuousClock.now + .seconds(seconds)
        var n = 0
        while ContinuousClock.now < end {
            n += 1
            let ticket = ["source_type": ["EMAIL", "CHAT", "EMAIL", "PHONE"][n % 4], "hs_language": languages[n % 5]]
            let routing = TicketRouting(desk: desk, tickets: schema, now: Timestamp.now())
            let started = ContinuousClock.now
            let decision = try await desk.database.read { session in
                try await routing.decide(rule, ticket: ticket, channelID: channel.id, contactOwnerID: nil, session: session)
            }
            timings.append(milliseconds(started.duration(to: .now)))
            candidates = decision.named - decision.leftOut.values.reduce(0, +)
        }
        report("decision with its reads", timings, extra: "\(count) agents named, \(candidates) with the skill and available")
        // The rule alone, over the same agents with their loads in hand.
        let profiles = try await desk.database.read { try await $0.routingProfiles(userIDs: ids) }
        let agents = Dictionary(uniqueKeysWithValues: users.prefix(count).enumerated().map { index, user in
            (user.id, RoutingDecision.Agent(user: user, profile: profiles[user.id] ?? RoutingProfile(), load: index * 7 % 23,
                                            latestAssignment: Timestamp(millisecondsSince1970: Int64(index))))
        })
        var generator = SystemRandomNumberGenerator()
        timings = []
        let pureEnd = ContinuousClock.now + .seconds(max(1, seconds / 2))
        while ContinuousClock.now < pureEnd {
            n += 1
            let ticket = ["source_type": "EMAIL", "hs_language": languages[n % 5]]
            let started = ContinuousClock.now
            let decision = RoutingDecision.decide(rule: rule, ticket: ticket, contactOwnerID: nil, agents: agents, teams: [],
                                                  lastInRotation: nil, using: &generator)
            timings.append(milliseconds(started.duration(to: .now)))
            precondition(decision.ownerID != nil)
        }
        report("the rule alone", timings, extra: "Core's RoutingDecision.decide")

        // Messages taken in, 16 at a time, without a rule, with one naming 25 agents, as a team's
        // rule does, and with one naming every agent; three rounds, taken in turn, since the store
        // grows and warms as they go: the median of each.
        let team = RoutingRule(assignment: .usersAndTeams, userIDs: Array(ids.prefix(25)), distribution: .loadBalanced)
        let rules = [("routing off", RoutingRule.nobody), ("routing among 25 agents", team), ("routing among \(count) agents", rule)]
        var rates = [[Double]](repeating: [], count: rules.count)
        for _ in 0..<3 {
            for (index, (_, chosen)) in rules.enumerated() {
                _ = try await desk.routing.setRule(chosen, channelID: channel.id, by: caller)
                rates[index].append(try await takeIn(1_000, on: channel.id, desk: desk, caller: caller))
            }
        }
        for (index, (name, _)) in rules.enumerated() {
            let sorted = rates[index].sorted()
            print(String(format: "  messages taken in, %@: %.0f per second (median of 3 rounds of 1000, 16 at a time; %.0f-%.0f)",
                         name as NSString, sorted[1], sorted[0], sorted[2]))
        }
    }

    /// Messages from new customers on a channel, 16 at a time; returns how many per second.
    static func takeIn(_ messages: Int, on channelID: String, desk: HelpDesk, caller: Caller) async throws -> Double {
        let started = ContinuousClock.now
        let prefix = "\(Int.random(in: 0..<1_000_000_000))"
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<16 {
                group.addTask {
                    for m in stride(from: lane, to: messages, by: 16) {
                        _ = try await desk.channelMessages.publish(CustomerMessage(
                            customerAddress: "bench-\(prefix)-\(m)", text: "Hello \(m)", externalID: "\(prefix)-\(m)"),
                            channelID: channelID, by: caller)
                    }
                }
            }
            try await group.waitForAll()
        }
        return Double(messages) * 1000 / milliseconds(started.duration(to: .now))
    }

    static func report(_ name: String, _ timings: [Double], extra: String) {
        let sorted = timings.sorted()
        func at(_ p: Double) -> Double { sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
        let total = timings.reduce(0, +)
        print(String(format: "  %@: %.0f decisions per second, p50 %.3f ms, p99 %.3f ms (%@)", name as NSString,
                     total > 0 ? Double(timings.count) * 1000 / total : 0, at(0.5), at(0.99), extra as NSString))
    }

    static func existingOrNew(_ desk: HelpDesk, email: String, roles: Roles) async throws -> User {
        if let user = try await desk.people.users().first(where: { $0.email == email }) { return user }
        return try await desk.people.createUser(UserDraft(email: email, roles: roles))
    }

    /// Tickets spread over the agents as years leave them: one in twenty open, email, chat and
    /// calls mixed, in five languages.
    static func seed(_ desk: HelpDesk, agents: [String], from start: Int, to total: Int, caller: Caller) async throws {
        let sources = ["EMAIL", "EMAIL", "CHAT", "EMAIL", "PHONE"]
        try await TicketSeeding.store(desk, from: start, to: total, by: caller, reportEvery: 100_000) { n in
            ["subject": "Ticket \(n)", "hs_pipeline": "0", "hs_pipeline_stage": n % 20 == 0 ? String(n / 20 % 3 + 1) : "4",
             "source_type": sources[n % sources.count], "hs_language": languages[n / 7 % 5], "hubspot_owner_id": agents[n * 7919 % agents.count]]
        }
    }
}
