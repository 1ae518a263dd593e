/// How a ticket and its conversations follow each other (C4-C7). It only says what changes; the
/// engine stores the changes in the same transaction as the change that caused them.
public enum ConversationCascade {
    /// C6: the conversations that change when their ticket moves from a status in state `old` to
    /// one in state `new`. Closing the ticket closes every conversation; reopening it reopens its
    /// conversation only when it has exactly one, since with several nobody can tell which one
    /// the customer came back on.
    public static func ticketStatusChanged(from old: TicketState, to new: TicketState, conversations: [Conversation],
                                           at now: Timestamp) -> [Conversation] {
        switch (old, new) {
        case (.open, .closed):
            return conversations.filter { $0.status == .open }.map { closed($0, at: now) }
        case (.closed, .open):
            guard conversations.count == 1, let only = conversations.first, only.status == .closed else { return [] }
            return [reopened(only)]
        default:
            return []
        }
    }

    /// C6: closing or reopening one conversation by itself changes nothing else.
    public static func statusSet(_ status: Conversation.Status, on conversation: Conversation, at now: Timestamp) -> Conversation {
        switch status {
        case .closed: conversation.status == .closed ? conversation : closed(conversation, at: now)
        case .open: reopened(conversation)
        }
    }

    /// C5: a conversation's new owner, and the owner its ticket takes with it (`nil` when it has
    /// no ticket). The way back does not exist: a ticket's owner never changes its conversations.
    public static func ownerSet(_ ownerID: String?, on conversation: Conversation) -> (conversation: Conversation, ticketOwner: String?) {
        var changed = conversation
        changed.ownerID = ownerID
        return (changed, conversation.ticketID == nil ? nil : ownerID ?? "")
    }

    /// A2: replying to an unassigned ticket assigns it to the agent who replied, and the
    /// conversation answered with it; a conversation without a ticket is taken the same way.
    /// Returns the new owner, or `nil` when someone already owns the ticket or the conversation.
    public static func ownerAfterReply(by agentID: String, to conversation: Conversation, ticketOwner: String?) -> String? {
        guard (conversation.ownerID ?? "").isEmpty else { return nil }
        if conversation.ticketID != nil, !(ticketOwner ?? "").isEmpty { return nil }
        return agentID
    }

    /// C4: a conversation joins a ticket once and never leaves it.
    public static func attach(_ conversation: Conversation, to ticketID: String) throws(ConversationRuleError) -> Conversation {
        if let current = conversation.ticketID {
            throw current == ticketID ? .alreadyOnThisTicket(conversation: conversation.id, ticket: current)
                : .belongsToAnotherTicket(conversation: conversation.id, ticket: current)
        }
        var attached = conversation
        attached.ticketID = ticketID
        return attached
    }

    /// C4: the properties of the ticket made from a conversation: its subject, owner and status
    /// carry over (an open conversation enters the pipeline's first OPEN status, a closed one its
    /// first CLOSED status). `given` are what the agent chose, and win.
    public static func ticketProperties(from conversation: Conversation, on channel: Channel.Kind, text: String,
                                        pipeline: Pipeline, given: [String: String] = [:]) throws(ConversationRuleError)
        -> [String: String] {
        var properties = ["subject": conversation.subject.isEmpty ? "(no subject)" : conversation.subject,
                          "content": String(text.trimmingWhitespace.prefix(65_536)), "hs_pipeline": pipeline.id,
                          "source_type": channel.ticketSource]
        if given["hs_pipeline_stage"] == nil {
            let wanted: TicketState = conversation.status == .closed ? .closed : .open
            guard let stage = pipeline.activeStages.first(where: { ($0.ticketState ?? .open) == wanted }) else {
                throw .noStatus(pipeline: pipeline.id, state: wanted)
            }
            properties["hs_pipeline_stage"] = stage.id
        }
        if let owner = conversation.ownerID { properties[Record.ownerProperty] = owner }
        properties.merge(given) { _, chosen in chosen }
        return properties
    }

    static func closed(_ conversation: Conversation, at now: Timestamp) -> Conversation {
        var changed = conversation
        changed.status = .closed
        changed.closedAt = now
        return changed
    }

    static func reopened(_ conversation: Conversation) -> Conversation {
        var changed = conversation
        changed.status = .open
        changed.closedAt = nil
        return changed
    }
}

/// A change to a conversation that the conversation rules refuse, with the reason to show.
public enum ConversationRuleError: Error, Sendable, Equatable, CustomStringConvertible {
    case belongsToAnotherTicket(conversation: String, ticket: String)
    case alreadyOnThisTicket(conversation: String, ticket: String)
    case noStatus(pipeline: String, state: TicketState)

    public var description: String {
        switch self {
        case .belongsToAnotherTicket(let conversation, let ticket):
            "Conversation \(conversation) is part of ticket \(ticket); a conversation never leaves its ticket."
        case .alreadyOnThisTicket(let conversation, let ticket):
            "Conversation \(conversation) is already part of ticket \(ticket)."
        case .noStatus(let pipeline, let state):
            "Pipeline \(pipeline) has no \(state.rawValue) status for the ticket; add one or name hs_pipeline_stage."
        }
    }
}
