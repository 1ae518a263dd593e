/// One entry of the event feed, the spine of the help desk: who changed what, when, from which
/// value to which (R7). Every write appends its events in its own transaction; each gets a
/// `position` when that transaction commits, in commit order, so that the timeline, routing,
/// automation, notifications and live updates all read the same history in the same order.
public struct FeedEvent: Sendable, Hashable {
    public enum Kind: String, Sendable, CaseIterable {
        case created = "record.created"
        case propertyChanged = "property.changed"
        /// A record entered the stage `newValue`; `oldValue` is `workflowRun(_:)` when a
        /// workflow's action moved it (the loop guard reads it).
        case stageEntered = "stage.entered"
        case archived = "record.archived"
        case restored = "record.restored"
        case associated = "association.added"
        case dissociated = "association.removed"
        /// A customer's message arrived in a conversation; `newValue` is its id, `oldValue` is
        /// `FeedEvent.openedTicket` when the message opened its ticket, `FeedEvent.customerReply`
        /// when it is a reply W1's switch acts on.
        case messageReceived = "message.received"
        /// An agent sent a message from a conversation; `newValue` is its id, `oldValue` is
        /// `FeedEvent.statusChosen` when the reply set the ticket's status itself (R5).
        case messageSent = "message.sent"
        /// A conversation began; `newValue` is its channel's id.
        case conversationOpened = "conversation.opened"
        /// A conversation's `property` (`status`, `owner`) went from `oldValue` to `newValue`.
        case conversationChanged = "conversation.changed"
        case conversationTrashed = "conversation.trashed"
        case conversationRestored = "conversation.restored"
        /// The account's configuration changed: `property` names the `Area`, `newValue` the item.
        case configurationChanged = "configuration.changed"
        /// A user was notified (A10): `property` is their id, `newValue` the notification's.
        case notified = "notification.created"
    }

    /// See `Kind.messageReceived`.
    public static let openedTicket = "opened-ticket"
    /// See `Kind.messageReceived`.
    public static let customerReply = "customer-reply"
    /// See `Kind.messageSent`.
    public static let statusChosen = "status-chosen"

    /// See `Kind.stageEntered`.
    public static func workflowRun(_ id: String) -> String { "workflow-run:" + id }

    /// The run whose action made this event, if a workflow's did.
    public var workflowRunID: String? {
        guard kind == .stageEntered, let old = oldValue, old.hasPrefix("workflow-run:") else { return nil }
        return String(old.dropFirst(13))
    }

    /// What part of the configuration a `configurationChanged` event is about.
    public enum Area: String, Sendable, CaseIterable {
        case pipelines
        case properties
        case schemas
        case channels
        case forms
        case users
        case teams
        case tokens
        case snippets
        /// Views saved from filters (V1).
        case views
        /// The New ticket page's form (P5).
        case ticketForm = "ticket_form"
        /// The saved replies answers start from (R3).
        case templates
        /// Agents' availability, working hours, skills and capacity (A6, A7).
        case routing
        /// Workflows and the email templates they send (W1-W6).
        case workflows
    }

    /// The place in the feed, given at commit; 0 until then.
    public var position: Int64
    /// The record the event is about, if any (a conversation without a ticket has none).
    public var recordID: String?
    /// The conversation the event is about, if any.
    public var conversationID: Int64?
    public var objectType: String
    public var kind: Kind
    public var property: String?
    public var oldValue: String?
    public var newValue: String?
    /// For a creation: the record's first values, all in one event rather than one per property.
    public var values: [String: String]
    /// The user id, or `system` for the help desk's own changes.
    public var actor: String
    /// Where the change came from: `API`, `CLI`, `EMAIL`, `AUTOMATION`, ...
    public var source: String
    public var occurredAt: Timestamp

    public init(position: Int64 = 0, recordID: String?, conversationID: Int64? = nil, objectType: String, kind: Kind,
                property: String? = nil, oldValue: String? = nil, newValue: String? = nil, values: [String: String] = [:],
                actor: String, source: String, occurredAt: Timestamp) {
        self.position = position
        self.recordID = recordID
        self.conversationID = conversationID
        self.objectType = objectType
        self.kind = kind
        self.property = property
        self.oldValue = oldValue
        self.newValue = newValue
        self.values = values
        self.actor = actor
        self.source = source
        self.occurredAt = occurredAt
    }

    /// A change to the configuration: `id` of `area` was created, changed or archived.
    public static func configuration(_ area: Area, id: String, objectType: String = "", actor: String, source: String,
                                     at time: Timestamp) -> FeedEvent {
        FeedEvent(recordID: nil, objectType: objectType, kind: .configurationChanged, property: area.rawValue, newValue: id,
                  actor: actor, source: source, occurredAt: time)
    }

    /// A conversation's `property` changed from `old` to `new`.
    public static func conversation(_ conversationID: Int64, ticketID: String?, changed property: String, from old: String?,
                                    to new: String?, actor: String, source: String, at time: Timestamp) -> FeedEvent {
        FeedEvent(recordID: ticketID, conversationID: conversationID, objectType: ObjectType.tickets.id, kind: .conversationChanged,
                  property: property, oldValue: old, newValue: new, actor: actor, source: source, occurredAt: time)
    }

    /// The configuration area this event changed, if it is a configuration change.
    public var area: Area? {
        kind == .configurationChanged ? property.flatMap(Area.init(rawValue:)) : nil
    }
}
