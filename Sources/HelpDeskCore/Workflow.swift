/// An automation of one pipeline (W2-W4): what starts it, which records it takes in (W5), and the
/// actions it runs, in order. A stage's workflow starts when a record enters the stage; W1's two
/// switches are workflows too, started by a reply sent to a customer or by the customer's reply,
/// so they can be opened and widened like any other.
public struct Workflow: Sendable, Hashable {
    public var id: String
    /// The object type id (`0-5` for tickets) of the pipeline.
    public var objectType: String
    public var pipelineID: String
    public var trigger: WorkflowTrigger
    public var name: String
    public var enabled: Bool
    /// W5: all must hold for a record to be taken in.
    public var criteria: [SearchRequest.Filter]
    public var actions: [WorkflowAction]
    /// Goes up with every saved change; each run keeps the one it last moved in.
    public var version: Int
    /// How many action ids were given out (`takeActionID`), deleted actions' included.
    public var actionsNumbered: Int
    public var updatedAt: Timestamp
    public var updatedBy: String

    public init(id: String, objectType: String, pipelineID: String, trigger: WorkflowTrigger, name: String, enabled: Bool = true,
                criteria: [SearchRequest.Filter] = [], actions: [WorkflowAction] = [], version: Int = 1, actionsNumbered: Int = 0,
                updatedAt: Timestamp = Timestamp(millisecondsSince1970: 0), updatedBy: String = "") {
        self.id = id
        self.objectType = objectType
        self.pipelineID = pipelineID
        self.trigger = trigger
        self.name = name
        self.enabled = enabled
        self.criteria = criteria
        self.actions = actions
        self.version = version
        self.actionsNumbered = actionsNumbered
        self.updatedAt = updatedAt
        self.updatedBy = updatedBy
    }

    public static let maxActions = 100
    public static let maxCriteria = SearchRequest.maxFiltersPerGroup
}

/// What starts a workflow.
public enum WorkflowTrigger: Sendable, Hashable {
    /// A record enters this stage of the workflow's pipeline (W2).
    case stageEntered(String)
    /// W1: an agent sends an email to the customer from the ticket.
    case emailSent
    /// W1: the customer replies in the ticket's own thread (after a close and reopen, in any).
    case customerReplied

    /// How the trigger is stored and written in the API: `stage:<id>`, `EMAIL_SENT`, `CUSTOMER_REPLIED`.
    public var key: String {
        switch self {
        case .stageEntered(let stage): "stage:" + stage
        case .emailSent: "EMAIL_SENT"
        case .customerReplied: "CUSTOMER_REPLIED"
        }
    }

    public init?(key: String) {
        switch key {
        case "EMAIL_SENT": self = .emailSent
        case "CUSTOMER_REPLIED": self = .customerReplied
        default:
            guard key.hasPrefix("stage:"), key.count > 6 else { return nil }
            self = .stageEntered(String(key.dropFirst(6)))
        }
    }

    /// W1's triggers exist for ticket pipelines only.
    public var isStatusFromEmail: Bool { self == .emailSent || self == .customerReplied }
}
