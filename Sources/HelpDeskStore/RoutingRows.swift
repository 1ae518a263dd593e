import Foundation
import HelpDeskCore
import SQLKit

/// Storage of what routing reads and keeps: agents' profiles, their loads, each channel's
/// rotation, and the decision made for each ticket.
extension StoreSession {
    /// The routing profiles of these users (every user's when `nil`); a user without one has the
    /// default profile.
    package func routingProfiles(userIDs: [String]? = nil) async throws -> [String: RoutingProfile] {
        var query: SQLQueryString = "SELECT user_id, profile FROM agent_routing"
        if let userIDs {
            let ids = userIDs.compactMap { Int64($0) }
            guard !ids.isEmpty else { return [:] }
            query += " WHERE user_id IN (\(binds: ids))"
        }
        var profiles: [String: RoutingProfile] = [:]
        for row in try await sql.raw(query).all() {
            let id = try row.decode(column: "user_id", as: Int64.self)
            profiles[String(id)] = try Self.decoded(RoutingProfile.self, row, column: "profile", table: "agent_routing")
        }
        return profiles
    }

    package func saveRoutingProfile(_ profile: RoutingProfile, userID: String, now: Timestamp) async throws {
        let id = try StoreError.rowID(userID, of: "agent_routing")
        try await sql.raw("""
            INSERT INTO agent_routing (user_id, profile, updated_at) VALUES (\(bind: id), \(bind: try Self.encoded(profile)), \(bind: now.millisecondsSince1970))
            ON CONFLICT (user_id) DO UPDATE SET profile = excluded.profile, updated_at = excluded.updated_at
            """).run()
    }

    /// An agent's open tickets of one work type, as routing weighs them (A5 and capacity).
    package struct AgentLoad: Sendable {
        /// Those assigned to them on or after the day the load window starts.
        package var recent: Int
        /// All of them, whenever assigned: what a capacity limits.
        package var open: Int
        /// When the latest of them was assigned.
        package var latest: Timestamp
    }

    /// Each user's open tickets of a work type, from the counts the database keeps as tickets
    /// change; `recent` counts those assigned on or after `firstDay` (days since 1970, UTC).
    /// Users with none are left out.
    package func routingLoads(userIDs: [String], workType: WorkType, firstDay: Int64) async throws -> [String: AgentLoad] {
        guard !userIDs.isEmpty else { return [:] }
        let rows = try await sql.raw("""
            SELECT owner_id, CAST(SUM(open_tickets) AS BIGINT) AS open,
                CAST(SUM(CASE WHEN assigned_day >= \(bind: firstDay) THEN open_tickets ELSE 0 END) AS BIGINT) AS recent,
                MAX(latest_assigned_at) AS latest
            FROM agent_loads WHERE work_type = \(bind: workType.rawValue) AND owner_id IN (\(binds: userIDs))
            GROUP BY owner_id
            """).all()
        var loads: [String: AgentLoad] = [:]
        loads.reserveCapacity(rows.count)
        for row in rows {
            loads[try row.decode(column: "owner_id", as: String.self)] = AgentLoad(
                recent: try row.decode(column: "recent", as: Int.self), open: try row.decode(column: "open", as: Int.self),
                latest: Timestamp(millisecondsSince1970: try row.decode(column: "latest", as: Int64.self)))
        }
        return loads
    }

    /// Tells the load counts which ticket statuses are open (those of ticket pipelines in use
    /// that are not closed); when that changed (a status added, closed or reopened, and on the
    /// first start) counts every agent's tickets again.
    package func syncOpenTicketStages() async throws {
        try await lock("open-ticket-stages")
        let stages = Set(try await pipelines(objectType: ObjectType.tickets.id).flatMap(\.stages).filter { !$0.isClosed }.map(\.id))
        let stored = Set(try await sql.raw("SELECT stage FROM open_ticket_stages").all()
            .map { try $0.decode(column: "stage", as: String.self) })
        guard stored != stages else { return }
        try await sql.raw("DELETE FROM open_ticket_stages").run()
        for stage in stages.sorted() {
            try await sql.raw("INSERT INTO open_ticket_stages (stage) VALUES (\(bind: stage))").run()
        }
        try await sql.raw("DELETE FROM agent_loads").run()
        try await sql.raw("""
            INSERT INTO agent_loads (owner_id, work_type, assigned_day, open_tickets, latest_assigned_at)
            SELECT owner_id, work_type, COALESCE(assigned_at, 0) / 86400000, COUNT(*), MAX(COALESCE(assigned_at, 0)) FROM records
            WHERE owner_id IS NOT NULL AND work_type IS NOT NULL AND archived = 0 AND stage IN (SELECT stage FROM open_ticket_stages)
            GROUP BY owner_id, work_type, COALESCE(assigned_at, 0) / 86400000
            """).run()
    }

    /// The agent a channel's round robin gave its last ticket, locked until the transaction ends
    /// so that two servers taking tickets at once take turns (on SQLite the single writer does).
    package func lockedRotation(channelID: String) async throws -> String? {
        try await lock("routing-rotation:\(channelID)")
        return try await sql.raw("SELECT last_user_id FROM routing_rotations WHERE channel_id = \(bind: channelID)").first()?
            .decode(column: "last_user_id", as: String.self)
    }

    /// The agent a channel's round robin gave its last ticket, as committed (no lock: for who a
    /// call rings, not for who gets a ticket).
    package func rotation(channelID: String) async throws -> String? {
        try await sql.raw("SELECT last_user_id FROM routing_rotations WHERE channel_id = \(bind: channelID)").first()?
            .decode(column: "last_user_id", as: String.self)
    }

    package func advanceRotation(channelID: String, to userID: String, now: Timestamp) async throws {
        try await sql.raw("""
            INSERT INTO routing_rotations (channel_id, last_user_id, updated_at) VALUES (\(bind: channelID), \(bind: userID), \(bind: now.millisecondsSince1970))
            ON CONFLICT (channel_id) DO UPDATE SET last_user_id = excluded.last_user_id, updated_at = excluded.updated_at
            """).run()
    }

    package func saveRoutingDecision(_ decision: RoutingDecision, ticketID: String, channelID: String, at time: Timestamp) async throws {
        let id = try StoreError.rowID(ticketID, of: "routing_decisions")
        try await sql.raw("""
            INSERT INTO routing_decisions (ticket_id, channel_id, decision, decided_at, waiting, waiting_for)
            VALUES (\(bind: id), \(bind: channelID), \(bind: decision.json), \(bind: time.millisecondsSince1970),
                    \(bind: decision.isWaiting ? 1 : 0), \(bind: decision.isWaiting ? channelID + " " + decision.waitingFor : nil))
            ON CONFLICT (ticket_id) DO UPDATE SET channel_id = excluded.channel_id, decision = excluded.decision,
                decided_at = excluded.decided_at, waiting = excluded.waiting, waiting_for = excluded.waiting_for
            """).run()
    }

    /// A ticket routing left waiting, with what it waits for (its channel, work type and skills:
    /// tickets that wait for the same find nobody together).
    package struct WaitingTicket: Sendable {
        package var ticketID: String
        package var channelID: String
        package var waitingFor: String
        package var decidedAt: Int64
    }

    /// Tickets routing left waiting (`RoutingDecision.isWaiting`), oldest first, after `after`
    /// (the last one of the previous page); some may have been taken or closed since.
    package func waitingTickets(after: WaitingTicket?, limit: Int) async throws -> [WaitingTicket] {
        var query: SQLQueryString = "SELECT ticket_id, channel_id, waiting_for, decided_at FROM routing_decisions WHERE waiting = 1"
        if let after, let id = Int64(after.ticketID) {
            query += " AND (decided_at > \(bind: after.decidedAt) OR (decided_at = \(bind: after.decidedAt) AND ticket_id > \(bind: id)))"
        }
        query += " ORDER BY decided_at, ticket_id LIMIT \(bind: limit)"
        return try await sql.raw(query).all().map { row in
            WaitingTicket(ticketID: String(try row.decode(column: "ticket_id", as: Int64.self)),
                          channelID: try row.decode(column: "channel_id", as: String.self),
                          waitingFor: try row.decode(column: "waiting_for", as: String?.self) ?? "",
                          decidedAt: try row.decode(column: "decided_at", as: Int64.self))
        }
    }

    /// A ticket no longer waits: someone took it, it was closed, or its channel no longer routes.
    package func stopWaiting(ticketID: String) async throws {
        let id = try StoreError.rowID(ticketID, of: "routing_decisions")
        try await sql.raw("UPDATE routing_decisions SET waiting = 0 WHERE ticket_id = \(bind: id)").run()
    }

    /// The latest routing decision for a ticket, with its channel and time.
    package func routingDecision(ticketID: String) async throws -> (decision: RoutingDecision, channelID: String, decidedAt: Timestamp)? {
        guard let id = Int64(ticketID),
              let row = try await sql.raw("SELECT decision, channel_id, decided_at FROM routing_decisions WHERE ticket_id = \(bind: id)").first()
        else { return nil }
        return (try Self.decoded(RoutingDecision.self, row, column: "decision", table: "routing_decisions"),
                try row.decode(column: "channel_id", as: String.self),
                Timestamp(millisecondsSince1970: try row.decode(column: "decided_at", as: Int64.self)))
    }

    static func decoded<T: Decodable>(_ type: T.Type, _ row: any SQLRow, column: String, table: String) throws -> T {
        let json = try row.decode(column: column, as: String.self)
        do {
            return try JSONDecoder().decode(T.self, from: Data(json.utf8))
        } catch {
            throw StoreError.corruptRow(table: table, detail: "\(error)")
        }
    }

    static func encoded<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}
