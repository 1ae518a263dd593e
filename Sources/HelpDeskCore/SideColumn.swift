/// Which ticket properties a user sees and edits beside the thread (R7): their own choice, or the
/// defaults. Owner, team and status always show; identifiers and timestamps the help desk keeps
/// itself are never offered.
public enum SideColumn {
    public static let defaultProperties = ["hs_ticket_priority", "hs_ticket_category", "source_type", "hs_language", "closed_date"]
    public static let maxProperties = 40
    /// Shown in their own places of the page, so not offered again.
    public static let alwaysShown: Set<String> = ["subject", "hs_pipeline", "hs_pipeline_stage", "hubspot_owner_id", "hubspot_team_id"]

    /// The properties a user may choose from, by label.
    public static func choices(in schema: RecordSchema) -> [PropertyDefinition] {
        schema.properties.values.filter { !$0.readOnlyValue && !alwaysShown.contains($0.name) }
            .sorted { ($0.label.lowercased(), $0.name) < ($1.label.lowercased(), $1.name) }
    }

    /// The properties to show, in the order chosen; names the schema no longer has are skipped.
    public static func properties(chosen: [String]?, in schema: RecordSchema) -> [PropertyDefinition] {
        let offered = Dictionary(choices(in: schema).map { ($0.name, $0) }) { first, _ in first }
        var seen: Set<String> = []
        return (chosen ?? defaultProperties).compactMap { name in seen.insert(name).inserted ? offered[name] : nil }
    }

    /// Why a choice cannot be kept, or `nil`.
    public static func problem(with names: [String], in schema: RecordSchema) -> String? {
        if names.count > maxProperties { return "Choose at most \(maxProperties) properties; \(names.count) were chosen." }
        let offered = Set(choices(in: schema).map(\.name))
        if let unknown = names.first(where: { !offered.contains($0) }) {
            return "\"\(unknown)\" is not a ticket property that can be shown beside the thread."
        }
        return nil
    }
}
