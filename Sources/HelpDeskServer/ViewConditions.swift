import HelpDeskCore

/// A saved view's conditions as its form shows them: a property, a comparison in words, and
/// values as agents write them (a status's, an owner's or a team's name rather than its id),
/// turned into the search's filters and back.
struct ViewConditions {
    let tickets: RecordSchema
    let users: [User]
    let teams: [Team]

    /// A comparison in the form's words.
    enum Comparison: String, CaseIterable {
        case equals = "is"
        case differs = "is-not"
        case known
        case unknown
        case contains
        case before
        case after

        var title: String {
            switch self {
            case .equals: "is"
            case .differs: "is not"
            case .known: "is known"
            case .unknown: "is unknown"
            case .contains: "contains the word"
            case .before: "is before"
            case .after: "is after"
            }
        }
    }

    /// One line of the form.
    struct Row: Equatable {
        var property: String
        var comparison: Comparison
        var value: String
    }

    /// The lines the form offers, blank ones after the view's own.
    static let rows = 5

    /// The form's lines as filters; a blank line is skipped, every problem is told at once.
    func filters(from rows: [Row]) -> (filters: [SearchRequest.Filter], problems: [String]) {
        var filters: [SearchRequest.Filter] = []
        var problems: [String] = []
        for row in rows where !row.property.isEmpty {
            guard let definition = tickets.properties[row.property] else {
                problems.append("There is no property \"\(row.property)\".")
                continue
            }
            let written = row.value.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let needsValue = row.comparison != .known && row.comparison != .unknown
            if needsValue && written.isEmpty {
                problems.append("Give a value for \(definition.label) \(row.comparison.title).")
                continue
            }
            var values: [String] = []
            for word in written {
                let found = self.values(for: row.property, named: word)
                if found.isEmpty {
                    let known = choices(for: row.property).map(\.label).joined(separator: ", ")
                    problems.append("\(definition.label) has no \"\(word)\"; it is one of: \(known).")
                }
                values += found.filter { !values.contains($0) }
            }
            let name = row.property
            if [.date, .datetime].contains(definition.type), [.before, .after].contains(row.comparison),
               written.first.flatMap(Timestamp.parse) == nil {
                problems.append("\(definition.label) \(row.comparison.title) needs a date written as 2026-12-31.")
                continue
            }
            switch row.comparison {
            case .equals: filters.append(values.count == 1 ? .init(propertyName: name, operator: .eq, value: values[0])
                                         : .init(propertyName: name, operator: .in, values: values))
            case .differs: filters.append(values.count == 1 ? .init(propertyName: name, operator: .neq, value: values[0])
                                          : .init(propertyName: name, operator: .notIn, values: values))
            case .known: filters.append(.init(propertyName: name, operator: .hasProperty))
            case .unknown: filters.append(.init(propertyName: name, operator: .notHasProperty))
            case .contains: filters.append(.init(propertyName: name, operator: .containsToken, value: written.joined(separator: " ")))
            case .before: filters.append(.init(propertyName: name, operator: .lt, value: values.first ?? ""))
            case .after: filters.append(.init(propertyName: name, operator: .gt, value: values.first ?? ""))
            }
        }
        return (filters, problems)
    }

    /// A view's filters as the form's lines.
    func rows(from filters: [SearchRequest.Filter]) -> [Row] {
        filters.map { filter in
            let values = filter.values.isEmpty ? [filter.value].compactMap { $0 } : filter.values
            let named = values.map { value in choices(for: filter.propertyName).first { $0.value == value }?.label ?? value }
            let comparison: Comparison = switch filter.operator {
            case .eq, .in, .between: .equals
            case .neq, .notIn: .differs
            case .hasProperty: .known
            case .notHasProperty: .unknown
            case .containsToken, .notContainsToken: .contains
            case .lt, .lte: .before
            case .gt, .gte: .after
            }
            return Row(property: filter.propertyName, comparison: comparison, value: named.joined(separator: ", "))
        }
    }

    /// The values a property takes by name: statuses, pipelines, owners, teams and the options
    /// of a property with a list of them. Empty for a property whose values are free.
    func choices(for property: String) -> [(value: String, label: String)] {
        switch property {
        case "hs_pipeline_stage":
            tickets.pipelines.filter { !$0.archived }.flatMap { pipeline in pipeline.activeStages.map { ($0.id, $0.label) } }
        case "hs_pipeline":
            tickets.pipelines.filter { !$0.archived }.map { ($0.id, $0.label) }
        case Record.ownerProperty:
            users.map { ($0.id, $0.displayName ?? $0.email) }
        case Record.teamProperty:
            teams.map { ($0.id, $0.name) }
        default:
            tickets.properties[property]?.options.filter { !$0.hidden }.map { ($0.value, $0.label) } ?? []
        }
    }

    /// The stored values a written word stands for: a name (a status's may stand for several, one
    /// per pipeline) or the value itself; for an owner, their email too. A free value as written.
    func values(for property: String, named word: String) -> [String] {
        let choices = choices(for: property)
        guard !choices.isEmpty else { return [word] }
        let lowered = word.lowercased()
        let byName = choices.filter { $0.label.lowercased() == lowered }.map(\.value)
        if !byName.isEmpty { return byName }
        if property == Record.ownerProperty, let user = users.first(where: { $0.email.lowercased() == lowered }) { return [user.id] }
        return choices.filter { $0.value == word }.map(\.value)
    }
}
