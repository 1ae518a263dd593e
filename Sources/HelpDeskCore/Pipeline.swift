/// An ordered list of stages a record moves through (P2). Ticket pipelines call their stages
/// statuses; each is OPEN or CLOSED.
public struct Pipeline: Sendable, Hashable, Codable {
    public var id: String
    public var objectType: String
    public var label: String
    public var displayOrder: Int
    public var stages: [Stage]
    /// P4: set a ticket's close date when it enters a CLOSED status. On by default.
    public var setsCloseDate: Bool
    public var archived: Bool
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: String, objectType: String, label: String, displayOrder: Int, stages: [Stage],
        setsCloseDate: Bool = true, archived: Bool = false, createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.objectType = objectType
        self.label = label
        self.displayOrder = displayOrder
        self.stages = stages
        self.setsCloseDate = setsCloseDate
        self.archived = archived
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// The live stages, in display order.
    public var activeStages: [Stage] {
        stages.filter { !$0.archived }.sorted { ($0.displayOrder, $0.id) < ($1.displayOrder, $1.id) }
    }

    public func stage(_ id: String) -> Stage? {
        stages.first { $0.id == id && !$0.archived }
    }

    /// The first OPEN stage in display order, where new and reopened tickets go (C2, W1).
    public var firstOpenStage: Stage? {
        activeStages.first { $0.ticketState != .closed }
    }

    /// The first CLOSED stage in display order, where "Close" in the workspace puts a ticket.
    public var firstClosedStage: Stage? {
        activeStages.first { $0.ticketState == .closed }
    }
}

/// One step of a pipeline (for tickets: a status).
public struct Stage: Sendable, Hashable, Codable {
    public var id: String
    public var label: String
    public var displayOrder: Int
    /// Free key/value metadata as the API carries it (`ticketState`, `probability`, ...).
    public var metadata: [String: String]
    /// P3: properties that must have a value before a record may enter this stage.
    public var requiredProperties: [String]
    public var archived: Bool
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: String, label: String, displayOrder: Int, metadata: [String: String] = [:],
        requiredProperties: [String] = [], archived: Bool = false, createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.label = label
        self.displayOrder = displayOrder
        self.metadata = metadata
        self.requiredProperties = requiredProperties
        self.archived = archived
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    public var ticketState: TicketState? {
        metadata["ticketState"].flatMap { TicketState(rawValue: $0.uppercased()) }
    }

    /// A closed deal stage (`isClosed`) or a CLOSED ticket status.
    public var isClosed: Bool {
        ticketState == .closed || metadata["isClosed"] == "true"
    }
}

/// Whether a ticket status counts as open work or as done.
public enum TicketState: String, Sendable, Codable {
    case open = "OPEN"
    case closed = "CLOSED"
}
