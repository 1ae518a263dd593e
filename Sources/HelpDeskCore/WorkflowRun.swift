/// One record's way through a workflow, as it is recorded for anyone to read: why it started,
/// where it is, and each action with what came of it or why it was skipped.
public struct WorkflowRun: Sendable, Hashable {
    /// Where a run is.
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Its next action is due now.
        case running = "RUNNING"
        /// In a delay, until `wakeAt`.
        case waiting = "WAITING"
        /// Every action it reached is done.
        case finished = "FINISHED"
        /// Ended early, for the `reason` given (a loop, the workflow switched off, its place removed).
        case stopped = "STOPPED"
        /// A step could not be done, even after its tries; the `reason` says why.
        case failed = "FAILED"

        public var isOver: Bool { self == .finished || self == .stopped || self == .failed }
    }

    /// One action a run reached.
    public struct Step: Sendable, Hashable {
        /// What came of the action.
        public enum Outcome: String, Sendable, Hashable {
            case done = "DONE"
            case skipped = "SKIPPED"
            case failed = "FAILED"
        }

        public var actionID: String
        public var kind: WorkflowAction.Kind
        public var outcome: Outcome
        public var detail: String
        public var at: Timestamp

        public init(actionID: String, kind: WorkflowAction.Kind, outcome: Outcome, detail: String, at: Timestamp) {
            self.actionID = actionID
            self.kind = kind
            self.outcome = outcome
            self.detail = detail
            self.at = at
        }
    }

    public var id: String
    public var workflowID: String
    /// The workflow's version when the run last moved.
    public var workflowVersion: Int
    public var objectType: String
    public var recordID: String
    public var status: Status
    /// The action due next; `nil` once over.
    public var currentAction: String?
    public var wakeAt: Timestamp?
    public var reason: String?
    /// How many runs in a row, of any workflow, started from a change the run before made (to this
    /// record, or by creating it): 0 for a run a person or the mail started.
    public var chain: Int
    /// The run whose change started this one, if a run's did.
    public var causedBy: String?
    /// The place in the feed of the event that started the run.
    public var eventPosition: Int64?
    public var startedAt: Timestamp
    public var endedAt: Timestamp?
    public var steps: [Step]

    public init(id: String, workflowID: String, workflowVersion: Int, objectType: String, recordID: String, status: Status,
                currentAction: String?, wakeAt: Timestamp? = nil, reason: String? = nil, chain: Int = 0, causedBy: String? = nil,
                eventPosition: Int64? = nil, startedAt: Timestamp, endedAt: Timestamp? = nil, steps: [Step] = []) {
        self.id = id
        self.workflowID = workflowID
        self.workflowVersion = workflowVersion
        self.objectType = objectType
        self.recordID = recordID
        self.status = status
        self.currentAction = currentAction
        self.wakeAt = wakeAt
        self.reason = reason
        self.chain = chain
        self.causedBy = causedBy
        self.eventPosition = eventPosition
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.steps = steps
    }

    /// The loop guard: a workflow started for the third time in one chain of runs (each started by
    /// a change the one before made), or any run this deep in a chain, is stopped, with the reason.
    /// One workflow re-entering its own stage runs twice; two workflows handing a record back and
    /// forth run twice each. `ancestors` are the workflows of the runs that led here, nearest first.
    public static func loopReason(workflowID: String, ancestors: [String]) -> String? {
        let repeats = ancestors.filter { $0 == workflowID }.count
        if repeats >= repeatLimit {
            return "The workflow was started \(repeats + 1) times in one chain of runs, each by a change the run before made; stopped to break the loop."
        }
        if ancestors.count >= chainLimit {
            return "\(ancestors.count) runs in a row started each other; stopped to break the loop."
        }
        return nil
    }

    public static let repeatLimit = 2
    public static let chainLimit = 10

    /// Where a run waiting in a delay goes when it wakes and its workflow changed meanwhile: off,
    /// it stops; if the action it waits for is still there, it goes on with the workflow as it is
    /// now; if that action was deleted, it stops, saying so. Never does it run an action of the
    /// workflow as it was.
    public static func resumption(of run: WorkflowRun, in workflow: Workflow) -> (next: String?, stop: String?) {
        guard workflow.enabled else { return (nil, "The workflow was switched off while the record waited.") }
        guard let current = run.currentAction else { return (nil, nil) }
        guard workflow.action(current) != nil else {
            return (nil, "The action the record waited for (\(current)) was deleted from the workflow.")
        }
        return (current, nil)
    }
}
