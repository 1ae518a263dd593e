/// One step of a workflow (W2): its kind, the fields that kind reads, and the users' comments on
/// it (W3). A branch holds two lists of actions of its own.
public struct WorkflowAction: Sendable, Hashable, Codable {
    /// What an action does, as the API names it.
    public enum Kind: String, Sendable, Hashable, CaseIterable, Codable {
        /// An internal email to users, teams or the record's owner: `users`, `teams` (ids,
        /// comma-separated), `owner` (`true`), `subject`, `body`.
        case notify = "NOTIFY"
        /// An email to the record's contact from a template: `template`.
        case emailContact = "EMAIL_CONTACT"
        /// A task linked to the record: `title`, `dueInDays`, `owner` (`OWNER` for the record's, or
        /// a user id), `notes`.
        case createTask = "CREATE_TASK"
        /// A pause: `minutes`, or `weekday` (1 = Monday), `time` (`HH:MM`) and `timeZone`.
        case delay = "DELAY"
        /// If the criteria hold, the `then` actions, otherwise the `otherwise` ones; then on.
        case branch = "BRANCH"
        /// `property` takes `value` (placeholders allowed).
        case setProperty = "SET_PROPERTY"
        /// Gives the record to one of `users` or `teams`' members, by `distribution`, available
        /// agents only.
        case assignOwner = "ASSIGN_OWNER"
        /// A new record of `objectType` with `properties` (`name=value` lines), linked to this one.
        case createRecord = "CREATE_RECORD"
        /// Links the record to the records of `objectType` whose `matchProperty` equals this
        /// record's `property`.
        case associateRecord = "ASSOCIATE_RECORD"
        /// POSTs the record as JSON to `url`, signed with `secret` (HMAC-SHA256), retried, with an
        /// idempotency key.
        case webhook = "WEBHOOK"

        public var title: String {
            switch self {
            case .notify: "Send internal email notification"
            case .emailContact: "Send email to contact"
            case .createTask: "Create task"
            case .delay: "Delay"
            case .branch: "If/then branch"
            case .setProperty: "Set property value"
            case .assignOwner: "Rotate record to owner"
            case .createRecord: "Create record"
            case .associateRecord: "Create associations"
            case .webhook: "Send a webhook"
            }
        }
    }

    /// A user's note on an action (W3).
    public struct Comment: Sendable, Hashable, Codable {
        public var authorID: String
        public var text: String
        public var at: Timestamp

        public init(authorID: String, text: String, at: Timestamp) {
            self.authorID = authorID
            self.text = text
            self.at = at
        }

        enum CodingKeys: String, CodingKey { case authorID = "authorId", text, at }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            authorID = try container.decodeIfPresent(String.self, forKey: .authorID) ?? ""
            text = try container.decode(String.self, forKey: .text)
            let written = try container.decodeIfPresent(String.self, forKey: .at)
            at = Timestamp(millisecondsSince1970: written.flatMap(Timestamp.parse) ?? 0)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(authorID, forKey: .authorID)
            try container.encode(text, forKey: .text)
            try container.encode(at.isoString, forKey: .at)
        }
    }

    /// Unique within its workflow; runs waiting in a delay keep it to find their place again.
    public var id: String
    public var kind: Kind
    public var fields: [String: String]
    /// `branch` only: all must hold to take `then`.
    public var criteria: [SearchRequest.Filter]
    public var then: [WorkflowAction]
    public var otherwise: [WorkflowAction]
    public var comments: [Comment]

    public init(id: String, kind: Kind, fields: [String: String] = [:], criteria: [SearchRequest.Filter] = [],
                then: [WorkflowAction] = [], otherwise: [WorkflowAction] = [], comments: [Comment] = []) {
        self.id = id
        self.kind = kind
        self.fields = fields
        self.criteria = criteria
        self.then = then
        self.otherwise = otherwise
        self.comments = comments
    }

    enum CodingKeys: String, CodingKey { case id, type, fields, criteria, then, otherwise, comments }

    /// As the API and storage write it: `{"id", "type", "fields", ...}`, lists left out when empty.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        id = try container.decodeIfPresent(String.self, forKey: .id) ?? ""
        kind = try container.decode(Kind.self, forKey: .type)
        fields = try container.decodeIfPresent([String: String].self, forKey: .fields) ?? [:]
        criteria = try container.decodeIfPresent([SearchRequest.Filter].self, forKey: .criteria) ?? []
        then = try container.decodeIfPresent([WorkflowAction].self, forKey: .then) ?? []
        otherwise = try container.decodeIfPresent([WorkflowAction].self, forKey: .otherwise) ?? []
        comments = try container.decodeIfPresent([Comment].self, forKey: .comments) ?? []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(id, forKey: .id)
        try container.encode(kind, forKey: .type)
        try container.encode(fields, forKey: .fields)
        if kind == .branch {
            try container.encode(criteria, forKey: .criteria)
            try container.encode(then, forKey: .then)
            try container.encode(otherwise, forKey: .otherwise)
        }
        if !comments.isEmpty { try container.encode(comments, forKey: .comments) }
    }

    /// The action as others may read it: without its secrets, at every depth.
    public var withoutSecrets: WorkflowAction {
        var copy = self
        for name in Self.secretFields { copy.fields[name] = nil }
        copy.then = then.map(\.withoutSecrets)
        copy.otherwise = otherwise.map(\.withoutSecrets)
        return copy
    }

    public subscript(field: String) -> String? {
        fields[field].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Ids listed in a comma-separated field.
    public func ids(_ field: String) -> [String] {
        (fields[field] ?? "").split(separator: ",").map { String($0.trimmingCharacters()) }.filter { !$0.isEmpty }
    }

    /// The `name=value` lines of `createRecord`'s `properties`.
    public var propertyLines: [String: String] {
        var result: [String: String] = [:]
        for line in (fields["properties"] ?? "").split(whereSeparator: \.isNewline) {
            guard let equals = line.firstIndex(of: "=") else { continue }
            let name = String(line[..<equals].trimmingCharacters())
            if !name.isEmpty { result[name] = String(line[line.index(after: equals)...].trimmingCharacters()) }
        }
        return result
    }

    /// Fields kept from the API's view of an action: a webhook's secret is written, never read back.
    public static let secretFields: Set<String> = ["secret"]
    public static let maxCommentLength = 2000
}
