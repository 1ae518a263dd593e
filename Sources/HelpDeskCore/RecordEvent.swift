/// One entry of the event log, the spine of the help desk: who changed what, when, from which
/// value to which (R7). Routing, automation and live updates read the same log.
public struct RecordEvent: Sendable, Hashable {
    public enum Kind: String, Sendable {
        case created = "record.created"
        case propertyChanged = "property.changed"
        case stageEntered = "stage.entered"
        case archived = "record.archived"
        case restored = "record.restored"
        case associated = "association.added"
        case dissociated = "association.removed"
        /// A customer's message arrived in one of the ticket's conversations; `newValue` is its id.
        case messageReceived = "message.received"
        /// An agent sent a message from one of the ticket's conversations; `newValue` is its id.
        case messageSent = "message.sent"
    }

    public var id: Int64
    public var recordID: String
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

    public init(id: Int64 = 0, recordID: String, objectType: String, kind: Kind, property: String? = nil,
                oldValue: String? = nil, newValue: String? = nil, values: [String: String] = [:], actor: String,
                source: String, occurredAt: Timestamp) {
        self.id = id
        self.recordID = recordID
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
}
