/// What a workflow would do to one record, worked out without doing it: the actions in the order
/// a run would take them, with the branch each criterion picks, the values set along the way and
/// the skips a run would record. The help desk's runs take the same decisions (`WorkflowDecision`).
public struct WorkflowDryRun: Sendable, Hashable {
    /// One action the run would reach.
    public struct Step: Sendable, Hashable {
        public var actionID: String
        public var kind: WorkflowAction.Kind
        /// What it would do, or why it would be skipped, in the help desk's words.
        public var outcome: String
        public var skipped: Bool
    }

    /// Whether the record would be taken in at all, and if not, why.
    public var enrolls: Bool
    public var reason: String?
    public var steps: [Step]

    /// The facts a dry run reads: the record, its contact, and what the workflow may name.
    public struct Facts: Sendable {
        public var record: [String: String]
        public var contact: [String: String]?
        public var schema: RecordSchema
        public var context: WorkflowContext
        public var now: Timestamp
        public var local: @Sendable (String, Timestamp) -> (weekday: Int, minute: Int)?

        public init(record: [String: String], contact: [String: String]?, schema: RecordSchema, context: WorkflowContext,
                    now: Timestamp, local: @escaping @Sendable (String, Timestamp) -> (weekday: Int, minute: Int)?) {
            self.record = record
            self.contact = contact
            self.schema = schema
            self.context = context
            self.now = now
            self.local = local
        }
    }

    public static func of(_ workflow: Workflow, facts: Facts) -> WorkflowDryRun {
        guard workflow.enrolls(facts.record, schema: facts.schema) else {
            return WorkflowDryRun(enrolls: false, reason: WorkflowDecision.enrollmentRefusal(workflow, record: facts.record), steps: [])
        }
        var steps: [Step] = []
        var record = facts.record
        var now = facts.now
        var current = workflow.firstActionID
        while let id = current, let action = workflow.action(id), steps.count < Workflow.maxActions {
            let decision = WorkflowDecision.decide(action, record: record, contact: facts.contact, schema: facts.schema,
                                                   context: facts.context, now: now, local: facts.local)
            steps.append(Step(actionID: id, kind: action.kind, outcome: decision.summary, skipped: decision.isSkip))
            switch decision {
            case .branch(let then):
                current = workflow.next(afterBranch: id, taking: then)
                continue
            case .wait(let until):
                now = until
            case .setProperty(let name, let value):
                record[name] = value
            default:
                break
            }
            current = workflow.next(after: id)
        }
        return WorkflowDryRun(enrolls: true, reason: nil, steps: steps)
    }
}

/// What one action comes to for one record at one moment, decided purely so that a run and a dry
/// run agree. Effects are carried out by the help desk; skips are recorded with their reason.
public enum WorkflowDecision: Sendable, Hashable {
    case notify(userIDs: [String], subject: String, body: String)
    case emailContact(templateID: String, to: String, subject: String, body: String)
    case createTask(properties: [String: String])
    case wait(until: Timestamp)
    case branch(then: Bool)
    case setProperty(name: String, value: String)
    case assignOwner(candidates: [String], distribution: Distribution)
    case createRecord(objectType: String, properties: [String: String])
    case associate(objectType: String, matchProperty: String, value: String)
    case webhook(url: String)
    case skip(String)

    public var isSkip: Bool { if case .skip = self { true } else { false } }

    public static func decide(_ action: WorkflowAction, record: [String: String], contact: [String: String]?, schema: RecordSchema,
                              context: WorkflowContext, now: Timestamp,
                              local: (String, Timestamp) -> (weekday: Int, minute: Int)?) -> WorkflowDecision {
        let recordName = schema.type.singularLabel.lowercased()
        func fill(_ text: String) -> String {
            Placeholders.fill(text, record: record, recordName: recordName, contact: contact ?? [:])
        }
        let active = context.users.filter { !$0.archived }
        switch action.kind {
        case .notify:
            var ids = action.ids("users")
            for team in action.ids("teams") { ids += context.teams.first { $0.id == team }?.memberIDs ?? [] }
            if action["owner"] == "true", let owner = record[Record.ownerProperty], !owner.isEmpty { ids.append(owner) }
            let users = RoutingRule.unique(ids).filter { id in active.contains { $0.id == id } }
            guard !users.isEmpty else { return .skip("Nobody to notify: the users and teams named are gone and the record has no owner.") }
            return .notify(userIDs: users, subject: fill(action["subject"] ?? ""), body: fill(action["body"] ?? ""))
        case .emailContact:
            guard let template = context.templates.first(where: { $0.id == action["template"] }) else {
                return .skip("The template \(action["template"] ?? "") no longer exists.")
            }
            guard let contact, let email = contact["email"], !email.isEmpty else {
                return .skip("The \(recordName) has no contact with an email address.")
            }
            if !template.transactional, contact["hs_marketable_status"] != "true" {
                return .skip("\(email) is not a marketing contact, and \"\(template.name)\" is not a transactional email.")
            }
            return .emailContact(templateID: template.id, to: email, subject: fill(template.subject), body: fill(template.body))
        case .createTask:
            let days = Int64(action["dueInDays"] ?? "1") ?? 1
            var properties = ["hs_task_subject": fill(action["title"] ?? ""),
                              "hs_timestamp": now.adding(milliseconds: days * 86_400_000).isoString,
                              "hs_task_status": "NOT_STARTED"]
            if let notes = action["notes"] { properties["hs_task_body"] = fill(notes) }
            let owner = action["owner"] == "OWNER" ? record[Record.ownerProperty] : action["owner"]
            if let owner, !owner.isEmpty { properties[Record.ownerProperty] = owner }
            return .createTask(properties: properties)
        case .delay:
            guard let end = action.delayEnd(from: now, local: { local(action["timeZone"] ?? "UTC", $0) }) else {
                return .skip("The delay's time zone is no longer known; the run goes on at once.")
            }
            return .wait(until: end)
        case .branch:
            let holds = action.criteria.allSatisfy { $0.holds(in: record, type: schema.properties[$0.propertyName]?.type) }
            return .branch(then: holds)
        case .setProperty:
            return .setProperty(name: action["property"] ?? "", value: fill(action.fields["value"] ?? ""))
        case .assignOwner:
            var ids = action.ids("users")
            for team in action.ids("teams") { ids += context.teams.first { $0.id == team }?.memberIDs ?? [] }
            let candidates = RoutingRule.unique(ids).filter { id in active.contains { $0.id == id } }
            guard !candidates.isEmpty else { return .skip("None of the users and teams named has an active user.") }
            return .assignOwner(candidates: candidates, distribution: Distribution(rawValue: action["distribution"] ?? "") ?? .roundRobin)
        case .createRecord:
            return .createRecord(objectType: action["objectType"] ?? "", properties: action.propertyLines.mapValues(fill))
        case .associateRecord:
            guard let value = record[action["property"] ?? ""], !value.isEmpty else {
                return .skip("The \(recordName) has no \(action["property"] ?? "") to match.")
            }
            return .associate(objectType: action["objectType"] ?? "", matchProperty: action["matchProperty"] ?? "", value: value)
        case .webhook:
            return .webhook(url: action["url"] ?? "")
        }
    }

    /// Why a record is not taken in (W5).
    public static func enrollmentRefusal(_ workflow: Workflow, record: [String: String]) -> String {
        if let source = record[Workflow.sourceProperty], Workflow.sourcesLeftOut.contains(source),
           !workflow.criteria.contains(where: { $0.propertyName == Workflow.sourceProperty }) {
            return "Records from \(source == "CHAT" ? "live chat" : "Messenger") are not enrolled unless a criterion on source_type asks for them."
        }
        return "The record does not meet the enrollment criteria."
    }

    /// The decision in a sentence, for run histories and dry runs.
    public var summary: String {
        switch self {
        case .notify(let users, let subject, _): "Emails \(users.count) user\(users.count == 1 ? "" : "s"): \"\(subject)\"."
        case .emailContact(_, let to, let subject, _): "Emails \(to): \"\(subject)\"."
        case .createTask(let properties):
            "Creates the task \"\(properties["hs_task_subject"] ?? "")\", due \(properties["hs_timestamp"] ?? "")"
                + (properties[Record.ownerProperty].map { " for user \($0)" } ?? "") + "."
        case .wait(let until): "Waits until \(until.isoString)."
        case .branch(let then): then ? "The criteria hold: the \"then\" branch." : "The criteria do not hold: the \"otherwise\" branch."
        case .setProperty(let name, let value): value.isEmpty ? "Clears \(name)." : "Sets \(name) to \"\(value)\"."
        case .assignOwner(let candidates, let distribution):
            "Gives the record to one of \(candidates.count) agent\(candidates.count == 1 ? "" : "s"), \(distribution.title), among those available."
        case .createRecord(let type, _): "Creates a record of \(type), linked to this one."
        case .associate(let type, let property, let value): "Links the records of \(type) whose \(property) is \"\(value)\"."
        case .webhook(let url): "Posts the record to \(url)."
        case .skip(let reason): "Skipped: \(reason)"
        }
    }
}
