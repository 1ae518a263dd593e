/// One line of a ticket's activity timeline (R7), in words: who did what, with the labels a user
/// knows (statuses, options, people) rather than the stored ids.
public enum ActivityLine {
    /// The sentence for an event, or `nil` for events the timeline does not show (a stage entry
    /// repeats the status change logged with it).
    /// - Parameter people: user ids to display names; ids not in it show as "someone".
    public static func describe(_ event: FeedEvent, schema: RecordSchema, people: [String: String],
                                teams: [String: String] = [:]) -> String? {
        let actor = event.actor == "system" || event.actor.isEmpty ? "The help desk" : people[event.actor] ?? "Someone"
        switch event.kind {
        case .created:
            return "\(actor) created the \(schema.type.singularLabel.lowercased())"
        case .propertyChanged:
            guard let name = event.property else { return nil }
            // A ticket's stage is its status, in the words of the workspace.
            let label = name == "hs_pipeline_stage" && schema.type.isTicket ? "Status" : schema.properties[name]?.label ?? name
            let old = event.oldValue.map { value(name, $0, schema: schema, people: people, teams: teams) }.flatMap { $0.isEmpty ? nil : $0 }
            let new = event.newValue.map { value(name, $0, schema: schema, people: people, teams: teams) }.flatMap { $0.isEmpty ? nil : $0 }
            switch (old, new) {
            case (nil, let new?): return "\(actor) set \(label) to \(new)"
            case (let old?, nil): return "\(actor) cleared \(label) (was \(old))"
            case (let old?, let new?): return "\(actor) changed \(label) from \(old) to \(new)"
            case (nil, nil): return nil
            }
        case .stageEntered: return nil
        case .archived: return "\(actor) moved it to the trash"
        case .restored: return "\(actor) restored it from the trash"
        case .associated: return "\(actor) linked \(article(of: event.property)) (#\(event.newValue ?? ""))"
        case .dissociated: return "\(actor) unlinked \(article(of: event.property)) (#\(event.oldValue ?? ""))"
        case .messageReceived: return "A message arrived from the customer"
        case .messageSent: return "\(actor) sent a message"
        case .conversationOpened: return "A conversation began"
        case .conversationChanged:
            guard event.property == "status", let new = event.newValue else { return nil }
            return "The conversation was \(new == "CLOSED" ? "closed" : "reopened")"
        case .conversationTrashed: return "\(actor) moved a conversation to the trash"
        case .conversationRestored: return "\(actor) restored a conversation"
        case .configurationChanged, .notified: return nil
        }
    }

    static func value(_ name: String, _ stored: String, schema: RecordSchema, people: [String: String], teams: [String: String]) -> String {
        switch name {
        case Record.ownerProperty: return people[stored] ?? (stored.isEmpty ? "" : "user \(stored)")
        case "hubspot_team_id": return teams[stored] ?? (stored.isEmpty ? "" : "team \(stored)")
        case "hs_pipeline": return schema.pipeline(stored)?.label ?? stored
        case "hs_pipeline_stage":
            return schema.pipelines.lazy.compactMap { $0.stages.first { $0.id == stored }?.label }.first ?? stored
        default:
            guard let definition = schema.properties[name], definition.type == .enumeration else { return stored }
            return stored.split(separator: ";").map { part in definition.options.first { $0.value == part }?.label ?? String(part) }
                .joined(separator: ", ")
        }
    }

    static func article(of typeID: String?) -> String {
        switch typeID {
        case ObjectType.contacts.id: "a contact"
        case ObjectType.companies.id: "a company"
        case ObjectType.deals.id: "a deal"
        case ObjectType.tickets.id: "a ticket"
        default: "a record"
        }
    }
}
