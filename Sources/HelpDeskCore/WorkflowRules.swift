/// Why a workflow was refused, every problem at once, each saying what to change.
public struct WorkflowError: Error, Sendable, Equatable, CustomStringConvertible {
    public var problems: [String]
    public var description: String { problems.joined(separator: " ") }

    public init(problems: [String]) {
        self.problems = problems
    }
}

/// What a workflow may name besides its own record type: the people, templates, other object
/// types and time zones that exist when it is saved.
public struct WorkflowContext: Sendable {
    public var users: [User]
    public var teams: [Team]
    public var templates: [EmailTemplate]
    /// Other record types by name or id, for creating and associating records.
    public var schemas: [String: RecordSchema]
    public var knowsTimeZone: @Sendable (String) -> Bool

    public init(users: [User], teams: [Team], templates: [EmailTemplate], schemas: [String: RecordSchema],
                knowsTimeZone: @escaping @Sendable (String) -> Bool) {
        self.users = users
        self.teams = teams
        self.templates = templates
        self.schemas = schemas
        self.knowsTimeZone = knowsTimeZone
    }
}

extension Workflow {
    /// The workflow as it may be saved for records of `schema`, or every problem with it.
    public func validated(schema: RecordSchema, context: WorkflowContext) throws(WorkflowError) -> Workflow {
        var problems: [String] = []
        let name = String(self.name[...].trimmingCharacters())
        if name.isEmpty || name.count > 120 { problems.append("A workflow needs a name of 1 to 120 characters.") }
        if let pipeline = schema.pipeline(pipelineID) {
            switch trigger {
            case .stageEntered(let stage):
                if pipeline.stage(stage) == nil { problems.append("Stage \"\(stage)\" is not a stage of pipeline \"\(pipeline.label)\".") }
            case .emailSent, .customerReplied:
                if schema.type.id != ObjectType.tickets.id { problems.append("Status from email (W1) is for ticket pipelines only.") }
            }
        } else {
            problems.append("Pipeline \"\(pipelineID)\" is not a \(schema.type.singularLabel.lowercased()) pipeline.")
        }
        if criteria.count > Self.maxCriteria { problems.append("A workflow has at most \(Self.maxCriteria) enrollment criteria.") }
        problems += Self.problems(with: criteria, schema: schema, what: "Enrollment criterion")
        let ids = allActionIDs
        if ids.count > Self.maxActions { problems.append("A workflow has at most \(Self.maxActions) actions; this one has \(ids.count).") }
        var seen = Set<String>()
        for id in ids where !seen.insert(id).inserted { problems.append("Two actions have the id \"\(id)\"; each needs its own.") }
        for id in ids where id.isEmpty || id.count > 40 || !id.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
            problems.append("Action id \"\(id)\" must be 1 to 40 letters, digits, - or _.")
        }
        let pipeline = schema.pipeline(pipelineID)
        func check(_ list: [WorkflowAction]) {
            for action in list {
                problems += action.problems(schema: schema, pipeline: pipeline, context: context)
                check(action.then)
                check(action.otherwise)
            }
        }
        check(actions)
        guard problems.isEmpty else { throw WorkflowError(problems: problems) }
        var valid = self
        valid.name = name
        return valid
    }

    static func problems(with filters: [SearchRequest.Filter], schema: RecordSchema, what: String) -> [String] {
        do {
            _ = try SearchRequest(filterGroups: filters.isEmpty ? [] : [filters], limit: 0).validated(against: schema)
            return []
        } catch {
            return error.problems.map { "\(what): \($0)" }
        }
    }

    /// W5: whether a record is taken in. All criteria must hold. Records that came from live chat
    /// or Messenger are left out unless a criterion speaks of their source.
    public func enrolls(_ properties: [String: String], schema: RecordSchema) -> Bool {
        if !criteria.contains(where: { $0.propertyName == Self.sourceProperty }),
           let source = properties[Self.sourceProperty], Self.sourcesLeftOut.contains(source) { return false }
        return criteria.allSatisfy { $0.holds(in: properties, type: schema.properties[$0.propertyName]?.type) }
    }

    public static let sourceProperty = "source_type"
    public static let sourcesLeftOut: Set<String> = ["CHAT", "MESSENGER"]
}

extension WorkflowAction {
    /// What is wrong with this action alone (its arms are checked on their own).
    func problems(schema: RecordSchema, pipeline: Pipeline?, context: WorkflowContext) -> [String] {
        var problems: [String] = []
        let label = "\(kind.title) (\(id))"
        func need(_ field: String, _ what: String) {
            if self[field] == nil { problems.append("\(label) needs \(what).") }
        }
        if kind != .branch, !criteria.isEmpty || !then.isEmpty || !otherwise.isEmpty {
            problems.append("\(label): only a branch has criteria and arms.")
        }
        for comment in comments where comment.text.isEmpty || comment.text.count > Self.maxCommentLength {
            problems.append("\(label): a comment holds 1 to \(Self.maxCommentLength) characters.")
        }
        let users = Set(context.users.filter { !$0.archived }.map(\.id)), teams = Set(context.teams.map(\.id))
        for user in ids("users") where !users.contains(user) { problems.append("\(label): user \(user) does not exist or is deactivated.") }
        for team in ids("teams") where !teams.contains(team) { problems.append("\(label): team \(team) does not exist.") }
        switch kind {
        case .notify:
            if ids("users").isEmpty, ids("teams").isEmpty, self["owner"] != "true" {
                problems.append("\(label) needs users, teams or the record's owner to write to.")
            }
            need("subject", "a subject")
            need("body", "a text")
        case .emailContact:
            if let template = self["template"] {
                if !context.templates.contains(where: { $0.id == template }) { problems.append("\(label): template \(template) does not exist.") }
            } else {
                need("template", "a template")
            }
        case .createTask:
            need("title", "a title")
            if let days = self["dueInDays"], Int(days).map({ (0...365).contains($0) }) != true {
                problems.append("\(label): the due date is 0 to 365 days away; \"\(days)\" given.")
            }
            if let owner = self["owner"], owner != "OWNER", !users.contains(owner) {
                problems.append("\(label): owner \(owner) is neither OWNER (the record's) nor an active user.")
            }
        case .delay:
            problems += delayProblems(label: label, knowsTimeZone: context.knowsTimeZone)
        case .branch:
            if criteria.isEmpty { problems.append("\(label) needs at least one criterion.") }
            if criteria.count > Workflow.maxCriteria { problems.append("\(label) has at most \(Workflow.maxCriteria) criteria.") }
            problems += Workflow.problems(with: criteria, schema: schema, what: label)
        case .setProperty:
            if let name = self["property"] {
                if let definition = schema.properties[name] {
                    let value = fields["value"] ?? ""
                    if definition.readOnlyValue || ["hs_object_id", schema.createdProperty, schema.type.lastModifiedProperty].contains(name) {
                        problems.append("\(label): \(name) is read-only.")
                    } else if value.contains("{{") {
                        // Filled when the step runs: checked then, and a wrong value fails the step, saying why.
                    } else if name == schema.type.stageProperty, let pipeline {
                        if pipeline.stage(value) == nil {
                            let known = pipeline.activeStages.map { "\($0.id) (\($0.label))" }.joined(separator: ", ")
                            problems.append("\(label): \"\(value)\" is not a stage of \(pipeline.label); its stages are \(known).")
                        }
                    } else if definition.type == .enumeration, !value.isEmpty,
                              let wrong = value.split(separator: ";").first(where: { part in !definition.options.contains { $0.value == part } }) {
                        problems.append("\(label): \"\(wrong)\" is not an option of \(name); its options are "
                                        + definition.options.map(\.value).joined(separator: ", ") + ".")
                    }
                } else {
                    problems.append("\(label): \(name) is not a \(schema.type.singularLabel.lowercased()) property.")
                }
            } else {
                need("property", "a property")
            }
        case .assignOwner:
            if Distribution(rawValue: self["distribution"] ?? Distribution.roundRobin.rawValue) == nil {
                problems.append("\(label): distribution is LOAD_BALANCED, ROUND_ROBIN or RANDOM.")
            }
            if ids("users").isEmpty, ids("teams").isEmpty { problems.append("\(label) needs users or teams to give the record to.") }
        case .createRecord:
            if let type = self["objectType"] {
                if let other = context.schemas[type] {
                    for name in propertyLines.keys where other.properties[name] == nil {
                        problems.append("\(label): \(name) is not a \(other.type.singularLabel.lowercased()) property.")
                    }
                } else {
                    problems.append("\(label): object type \(type) does not exist.")
                }
            } else {
                need("objectType", "an object type")
            }
            if propertyLines.isEmpty { problems.append("\(label) needs properties, one name=value per line.") }
        case .associateRecord:
            if let type = self["objectType"] {
                if let other = context.schemas[type], let match = self["matchProperty"], other.properties[match] == nil {
                    problems.append("\(label): \(match) is not a \(other.type.singularLabel.lowercased()) property.")
                } else if context.schemas[type] == nil {
                    problems.append("\(label): object type \(type) does not exist.")
                }
            } else {
                need("objectType", "an object type")
            }
            need("matchProperty", "the other records' property to match")
            if let name = self["property"], schema.properties[name] == nil {
                problems.append("\(label): \(name) is not a \(schema.type.singularLabel.lowercased()) property.")
            } else {
                need("property", "this record's property to match")
            }
        case .webhook:
            if let url = self["url"] {
                if !Self.isWebURL(url) { problems.append("\(label): \"\(url)\" is not an http or https address.") }
            } else {
                need("url", "an address")
            }
            if (self["secret"] ?? "").count < 16 { problems.append("\(label) needs a secret of at least 16 characters to sign with.") }
        }
        return problems
    }

    func delayProblems(label: String, knowsTimeZone: (String) -> Bool) -> [String] {
        if let minutes = self["minutes"] {
            return Int(minutes).map { (1...Self.maxDelayMinutes).contains($0) } == true ? []
                : ["\(label): a delay lasts 1 to \(Self.maxDelayMinutes) minutes; \"\(minutes)\" given."]
        }
        var problems: [String] = []
        if Int(self["weekday"] ?? "").map({ (1...7).contains($0) }) != true {
            problems.append("\(label) needs minutes, or a weekday from 1 (Monday) to 7 (Sunday) with a time.")
        }
        if Self.minuteOfDay(self["time"] ?? "") == nil { problems.append("\(label): the time is written HH:MM.") }
        if !knowsTimeZone(self["timeZone"] ?? "") { problems.append("\(label): \"\(self["timeZone"] ?? "")\" is not a time zone such as Europe/Paris.") }
        return problems
    }

    public static let maxDelayMinutes = 366 * 24 * 60

    /// `09:30` as minutes since midnight.
    public static func minuteOfDay(_ text: String) -> Int? {
        let parts = text.split(separator: ":")
        guard parts.count == 2, parts[0].count == 2, parts[1].count == 2, let hour = Int(parts[0]), let minute = Int(parts[1]),
              (0..<24).contains(hour), (0..<60).contains(minute) else { return nil }
        return hour * 60 + minute
    }

    static func isWebURL(_ text: String) -> Bool {
        let lowered = text.lowercased()
        guard let rest = lowered.hasPrefix("https://") ? lowered.dropFirst(8) : lowered.hasPrefix("http://") ? lowered.dropFirst(7) : nil
        else { return false }
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return !host.isEmpty && !text.contains(where: \.isWhitespace) && text.count <= 2048
    }

    /// When a delay that starts at `now` ends. `local` reads a moment on the wall clock of the
    /// delay's time zone (weekday 1 = Monday, minute of the day).
    public func delayEnd(from now: Timestamp, local: (Timestamp) -> (weekday: Int, minute: Int)?) -> Timestamp? {
        if let minutes = self["minutes"].flatMap({ Int64($0) }) { return now.adding(milliseconds: minutes * 60_000) }
        guard let weekday = self["weekday"].flatMap({ Int($0) }), let minute = self["time"].flatMap(Self.minuteOfDay),
              let here = local(now) else { return nil }
        let startOfMinute = now.adding(milliseconds: -(now.millisecondsSince1970 % 60_000))
        var ahead = ((weekday - here.weekday + 7) % 7) * 1440 + minute - here.minute
        if ahead <= 0 { ahead += 7 * 1440 }
        var end = startOfMinute.adding(milliseconds: Int64(ahead) * 60_000)
        // Across a change of the clocks the wall clock moved: set it right once.
        if let there = local(end), there.minute != minute || there.weekday != weekday {
            var shift = minute - there.minute
            if there.weekday != weekday { shift += ((weekday - there.weekday + 7) % 7 == 1 ? 1440 : -1440) }
            end = end.adding(milliseconds: Int64(shift) * 60_000)
        }
        return end
    }
}
