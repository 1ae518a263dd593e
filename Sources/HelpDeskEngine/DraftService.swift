import HelpDeskCore
import HelpDeskMail
import HelpDeskStore

/// Each agent's unsent replies (R4). A draft is its author's alone: nobody else reads, lists or
/// removes it, and it is kept only on a ticket its author may answer.
public struct DraftService: Sendable {
    let desk: HelpDesk

    /// The most drafts the Drafts view lists.
    public static let listLimit = 200

    /// Keeps the caller's draft of its ticket; an empty one removes it.
    public func save(_ draft: Draft, by caller: Caller) async throws {
        var draft = draft
        draft.authorID = caller.user.id
        draft.updatedAt = desk.clock()
        if let problem = draft.problem { throw HelpDeskError.badRequest(problem) }
        // Cleaned as a sent reply is: the editor puts a draft's rich text back into the page.
        draft.html = draft.html.map { HTMLSanitizer.clean($0) }
        try await requireAnswerable(ticketID: draft.ticketID, by: caller)
        if let conversationID = draft.conversationID {
            let conversation = try await desk.conversations.get(id: conversationID, by: caller)
            guard conversation.ticketID == draft.ticketID else {
                throw HelpDeskError.badRequest("Conversation \(conversationID) is not a thread of ticket \(draft.ticketID).")
            }
        }
        let kept = draft
        try await desk.database.write { session in
            if kept.isEmpty {
                try await session.deleteDraft(userID: kept.authorID, ticketID: kept.ticketID)
            } else {
                try await session.saveDraft(kept)
            }
        }
    }

    /// The caller's draft of a ticket, if they left one.
    public func draft(ticketID: String, by caller: Caller) async throws -> Draft? {
        let userID = caller.user.id
        return try await desk.database.read { try await $0.draft(userID: userID, ticketID: ticketID) }
    }

    /// The caller's drafts on tickets they may still see, the most recently written first.
    public func list(by caller: Caller) async throws -> [Draft] {
        let userID = caller.user.id
        let drafts = try await desk.database.read { try await $0.drafts(userID: userID, limit: Self.listLimit) }
        guard !drafts.isEmpty, Access.allows(caller.user, .readRecords(.tickets)) else { return [] }
        let visible = Set(try await desk.records.read(type: ObjectType.tickets.name, ids: drafts.map(\.ticketID),
                                                      options: ReadOptions(properties: []), by: caller).map(\.record.id))
        return drafts.filter { visible.contains($0.ticketID) }
    }

    /// Throws away the caller's draft of a ticket; nothing happens when there is none.
    public func discard(ticketID: String, by caller: Caller) async throws {
        guard Int64(ticketID) != nil else { throw HelpDeskError.notFound("Ticket \(ticketID) does not exist.") }
        let userID = caller.user.id
        try await desk.database.write { try await $0.deleteDraft(userID: userID, ticketID: ticketID) }
    }

    private func requireAnswerable(ticketID: String, by caller: Caller) async throws {
        try caller.check(.writeRecords(.tickets))
        let found = try await desk.records.read(type: ObjectType.tickets.name, ids: [ticketID], options: ReadOptions(properties: []),
                                                by: caller)
        guard !found.isEmpty else { throw HelpDeskError.notFound("Ticket \(ticketID) does not exist, or you may not see it.") }
    }
}
