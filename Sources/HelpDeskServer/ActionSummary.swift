import HelpDeskCore

/// Workflow actions as the automation page lists them: what each is set to do, in words, with
/// names for the people, templates and statuses it refers to, and the places a new action can go.
struct ActionSummary {
    let schema: RecordSchema
    let users: [String: String]
    let teams: [String: String]
    let templates: [EmailTemplate]
    let pipeline: Pipeline

    static let operators: [(SearchRequest.Operator, String)] = [
        (.eq, "is"), (.neq, "is not"), (.in, "is any of"), (.notIn, "is none of"), (.containsToken, "contains"),
        (.hasProperty, "is known"), (.notHasProperty, "is unknown"), (.gt, "is more than"), (.lt, "is less than"),
    ]

    func criterion(_ filter: SearchRequest.Filter) -> String {
        let name = schema.properties[filter.propertyName]?.label ?? filter.propertyName
        let verb = Self.operators.first { $0.0 == filter.operator }?.1 ?? filter.operator.rawValue
        switch filter.operator {
        case .hasProperty, .notHasProperty: return "\(name) \(verb)"
        case .in, .notIn: return "\(name) \(verb) \(filter.values.map { value(filter.propertyName, $0) }.joined(separator: ", "))"
        default: return "\(name) \(verb) \(value(filter.propertyName, filter.value ?? ""))"
        }
    }

    /// A value as people read it: a status's or an option's label.
    func value(_ property: String, _ raw: String) -> String {
        if property == schema.type.stageProperty, let stage = pipeline.stage(raw) { return stage.label }
        return schema.properties[property]?.options.first { $0.value == raw }?.label ?? raw
    }

    func people(_ action: WorkflowAction) -> String {
        let named = action.ids("users").map { users[$0] ?? "user \($0)" } + action.ids("teams").map { "team " + (teams[$0] ?? $0) }
        return named.joined(separator: ", ")
    }

    func summary(of action: WorkflowAction) -> String {
        switch action.kind {
        case .notify:
            let to = [people(action), action["owner"] == "true" ? "the record's owner" : ""].filter { !$0.isEmpty }.joined(separator: ", ")
            return "To \(to): \u{201C}\(action["subject"] ?? "")\u{201D}"
        case .emailContact:
            let template = templates.first { $0.id == action["template"] }
            return "Template \u{201C}\(template?.name ?? action["template"] ?? "")\u{201D}" + (template.map { $0.transactional ? "" : ", to marketing contacts only" } ?? "")
        case .createTask:
            let owner = action["owner"] == "OWNER" ? ", for the record's owner" : action["owner"].map { ", for \(users[$0] ?? $0)" } ?? ""
            return "\u{201C}\(action["title"] ?? "")\u{201D}, due in \(action["dueInDays"] ?? "1") day(s)\(owner)"
        case .delay:
            if let minutes = action["minutes"].flatMap(Int.init) {
                return minutes % 1440 == 0 ? "\(minutes / 1440) day(s)" : minutes % 60 == 0 ? "\(minutes / 60) hour(s)" : "\(minutes) minute(s)"
            }
            let days = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
            let day = action["weekday"].flatMap(Int.init).flatMap { (1...7).contains($0) ? days[$0 - 1] : nil } ?? "?"
            return "Until \(day) \(action["time"] ?? "") (\(action["timeZone"] ?? ""))"
        case .branch:
            return "If " + action.criteria.map(criterion).joined(separator: " and ")
        case .setProperty:
            let name = action["property"] ?? ""
            return "\(schema.properties[name]?.label ?? name) to \u{201C}\(value(name, action.fields["value"] ?? ""))\u{201D}"
        case .assignOwner:
            return "One of \(people(action)), \(Distribution(rawValue: action["distribution"] ?? "")?.title ?? "round robin")"
        case .createRecord:
            return "A record of \(action["objectType"] ?? ""), linked to this one"
        case .associateRecord:
            return "With the \(action["objectType"] ?? "") whose \(action["matchProperty"] ?? "") is this record's \(action["property"] ?? "")"
        case .webhook:
            return "POST to \(action["url"] ?? "")"
        }
    }

    /// The actions as rows, a branch's arms under it one level in.
    func rows(_ actions: [WorkflowAction], depth: Int) -> [AutomationPages.ActionRow] {
        actions.flatMap { action -> [AutomationPages.ActionRow] in
            var fields = action.fields.filter { !WorkflowAction.secretFields.contains($0.key) }
                .map { AutomationPages.Option(value: $0.key, label: $0.value) }.sorted { $0.value < $1.value }
            if action.kind == .branch, let first = action.criteria.first {
                fields += [.init(value: "criterion.property", label: first.propertyName),
                           .init(value: "criterion.operator", label: first.operator.rawValue),
                           .init(value: "criterion.value", label: first.value ?? first.values.joined(separator: ","))]
            }
            var result = [AutomationPages.ActionRow(
                id: action.id, title: action.kind.title, summary: summary(of: action), depth: min(depth, 4), arm: nil,
                comments: action.comments.map { "\(users[$0.authorID] ?? "Someone"): \($0.text)" }, fields: fields,
                hasComments: !action.comments.isEmpty)]
            if action.kind == .branch {
                result.append(.init(id: action.id + "-then", title: "", summary: "", depth: min(depth + 1, 4), arm: "If the criteria hold",
                                    comments: [], fields: []))
                result += rows(action.then, depth: depth + 1)
                result.append(.init(id: action.id + "-otherwise", title: "", summary: "", depth: min(depth + 1, 4), arm: "Otherwise",
                                    comments: [], fields: []))
                result += rows(action.otherwise, depth: depth + 1)
            }
            return result
        }
    }

    /// Where a new action can go besides the end: after each action, or first in a branch's arm.
    func places(_ actions: [WorkflowAction]) -> [AutomationPages.Option] {
        actions.flatMap { action -> [AutomationPages.Option] in
            var result = [AutomationPages.Option(value: "after:\(action.id)", label: "After \(action.id) (\(action.kind.title))")]
            if action.kind == .branch {
                result.append(.init(value: "then:\(action.id)", label: "First if \(action.id)'s criteria hold"))
                result += places(action.then)
                result.append(.init(value: "otherwise:\(action.id)", label: "First otherwise, in \(action.id)"))
                result += places(action.otherwise)
            }
            return result
        }
    }
}
