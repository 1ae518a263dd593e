/// A kind of record the help desk stores: tickets, contacts, companies, deals, projects, tasks, or a
/// custom type an admin defines (P1). Identified both by its name (`tickets`) and by its type id (`0-5`), as the
/// CRM v3 API accepts either.
public struct ObjectType: Sendable, Hashable, Codable {
    public var id: String
    public var name: String
    public var singularLabel: String
    public var pluralLabel: String
    public var primaryDisplayProperty: String
    /// Properties that must be given when a record of this type is created.
    public var requiredProperties: [String]
    /// Properties the search `query` matches against.
    public var searchableProperties: [String]
    public var hasPipelines: Bool
    public var isCustom: Bool

    public init(
        id: String, name: String, singularLabel: String, pluralLabel: String,
        primaryDisplayProperty: String, requiredProperties: [String] = [],
        searchableProperties: [String], hasPipelines: Bool, isCustom: Bool
    ) {
        self.id = id
        self.name = name
        self.singularLabel = singularLabel
        self.pluralLabel = pluralLabel
        self.primaryDisplayProperty = primaryDisplayProperty
        self.requiredProperties = requiredProperties
        self.searchableProperties = searchableProperties
        self.hasPipelines = hasPipelines
        self.isCustom = isCustom
    }

    /// The property holding the record's pipeline id (`hs_pipeline`, or `pipeline` for deals).
    public var pipelineProperty: String? {
        guard hasPipelines else { return nil }
        return name == "deals" ? "pipeline" : "hs_pipeline"
    }

    /// The property holding the record's stage id (`hs_pipeline_stage`, or `dealstage` for deals).
    public var stageProperty: String? {
        guard hasPipelines else { return nil }
        return name == "deals" ? "dealstage" : "hs_pipeline_stage"
    }

    /// The property the API calls the last modification time (`lastmodifieddate` for contacts).
    public var lastModifiedProperty: String {
        name == "contacts" ? "lastmodifieddate" : "hs_lastmodifieddate"
    }

    public var isTicket: Bool { name == "tickets" }

    public static let contacts = ObjectType(
        id: "0-1", name: "contacts", singularLabel: "Contact", pluralLabel: "Contacts",
        primaryDisplayProperty: "email",
        searchableProperties: ["email", "firstname", "lastname", "phone", "company"],
        hasPipelines: false, isCustom: false)
    public static let companies = ObjectType(
        id: "0-2", name: "companies", singularLabel: "Company", pluralLabel: "Companies",
        primaryDisplayProperty: "name", searchableProperties: ["name", "domain", "website", "phone"],
        hasPipelines: false, isCustom: false)
    public static let deals = ObjectType(
        id: "0-3", name: "deals", singularLabel: "Deal", pluralLabel: "Deals",
        primaryDisplayProperty: "dealname", searchableProperties: ["dealname", "description"],
        hasPipelines: true, isCustom: false)
    public static let tickets = ObjectType(
        id: "0-5", name: "tickets", singularLabel: "Ticket", pluralLabel: "Tickets",
        primaryDisplayProperty: "subject", requiredProperties: ["subject"],
        searchableProperties: ["subject", "content"], hasPipelines: true, isCustom: false)

    public static let projects = ObjectType(
        id: "0-970", name: "projects", singularLabel: "Project", pluralLabel: "Projects",
        primaryDisplayProperty: "hs_name", requiredProperties: ["hs_name"], searchableProperties: ["hs_name", "hs_description"],
        hasPipelines: true, isCustom: false)

    /// Things to do, with a due time and an owner: made by hand or by a workflow's action (W2).
    public static let tasks = ObjectType(
        id: "0-27", name: "tasks", singularLabel: "Task", pluralLabel: "Tasks",
        primaryDisplayProperty: "hs_task_subject", requiredProperties: ["hs_timestamp"],
        searchableProperties: ["hs_task_subject", "hs_task_body"], hasPipelines: false, isCustom: false)

    public static let builtIn: [ObjectType] = [.contacts, .companies, .deals, .tickets, .projects, .tasks]

    /// Whether `reference` (a name, a type id, or a fully qualified name) names this type.
    public func isNamed(_ reference: String) -> Bool {
        let lowered = reference.lowercased()
        return lowered == name || reference == id || lowered == "p_\(name)"
            || (lowered.hasSuffix("_\(name)") && isCustom)
    }
}
