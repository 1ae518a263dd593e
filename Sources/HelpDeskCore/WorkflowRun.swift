/// One record's way through a workflow, as it is recorded for anyone to read: why it started,
/// where it is, and each action with what came of it or why it was skipped.
public struct WorkflowRun: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable, CaseIterable {
        /// Its next action is due now.
        case running = "RUNNING"
        /// In a delay, until `wakeAt`.
        case waiting = "WAITING"
        /// Every action it reached is done.
        case finished = "FINISHED"
        /// Ended early, for the `reason` given (a loop, the workflow switched off, its place removed).
        case stopped = "STOPPED"
        /// An action failed for good.
        case failed = "FAILED"

        public var isOver: Bool { self == .finished || self == .stopped || self == .failed }
    }

    /// One action a run reached.
    public struct Step: Sendable, Hashable {
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
    /// How many runs of this workflow in a row started from a change the one before made to the
    /// same record: the loop guard stops the second.
    public var chain: Int
    public var startedAt: Timestamp
    public var endedAt: Timestamp?
    public var steps: [Step]

    public init(id: String, workflowID: String, workflowVersion: Int, objectType: String, recordID: String, status: Status,
                currentAction: String?, wakeAt: Timestamp? = nil, reason: String? = nil, chain: Int = 0, startedAt: Timestamp,
                endedAt: Timestamp? = nil, steps: [Step] = []) {
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
        self.startedAt = startedAt
        self.endedAt = endedAt
        self.steps = steps
    }

    /// Runs in a row a workflow may start on one record from its own changes before the loop
    /// guard stops it: the first re-entry runs, the second is stopped.
    public static let loopLimit = 2

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
