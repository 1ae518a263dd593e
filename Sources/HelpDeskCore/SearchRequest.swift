/// A record search as the CRM v3 search endpoint takes it: filter groups (OR of ANDs), sorts,
/// a free-text query, paging. `validated` enforces the same limits as the commercial API.
public struct SearchRequest: Sendable, Hashable {
    /// One condition on one property.
    public struct Filter: Sendable, Hashable, Codable {
        public var propertyName: String
        public var `operator`: Operator
        public var value: String?
        public var highValue: String?
        public var values: [String]

        public init(propertyName: String, operator: Operator, value: String? = nil,
                    highValue: String? = nil, values: [String] = []) {
            self.propertyName = propertyName
            self.operator = `operator`
            self.value = value
            self.highValue = highValue
            self.values = values
        }

        enum CodingKeys: String, CodingKey { case propertyName, `operator`, value, highValue, values }

        /// As the search endpoint and workflows' criteria write it: `values` may be left out.
        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            propertyName = try container.decode(String.self, forKey: .propertyName)
            `operator` = try container.decode(Operator.self, forKey: .operator)
            value = try container.decodeIfPresent(String.self, forKey: .value)
            highValue = try container.decodeIfPresent(String.self, forKey: .highValue)
            values = try container.decodeIfPresent([String].self, forKey: .values) ?? []
        }
    }

    public enum Operator: String, Sendable, Hashable, CaseIterable, Codable {
        case eq = "EQ", neq = "NEQ", lt = "LT", lte = "LTE", gt = "GT", gte = "GTE"
        case between = "BETWEEN", `in` = "IN", notIn = "NOT_IN"
        case hasProperty = "HAS_PROPERTY", notHasProperty = "NOT_HAS_PROPERTY"
        case containsToken = "CONTAINS_TOKEN", notContainsToken = "NOT_CONTAINS_TOKEN"
    }

    public struct Sort: Sendable, Hashable {
        public var propertyName: String
        public var descending: Bool
        /// Orders tickets by the rank of their priority (`TicketPriority`) rather than by its
        /// value as text. Only a list by priority asks for it (`ListSort.priority`); the search
        /// API sorts a priority as it sorts any other value.
        public var byRank: Bool

        public init(propertyName: String, descending: Bool, byRank: Bool = false) {
            self.propertyName = propertyName
            self.descending = descending
            self.byRank = byRank
        }
    }

    public var filterGroups: [[Filter]]
    public var sorts: [Sort]
    public var query: String?
    public var properties: [String]
    public var limit: Int
    public var offset: Int
    /// Keyset paging, instead of `offset`: the page starts after this position of the leading
    /// sort, which must be on the id, the creation or the last modification time, or be a list
    /// by priority's (with the rank in the position).
    public var start: ListPosition?

    public init(filterGroups: [[Filter]] = [], sorts: [Sort] = [], query: String? = nil,
                properties: [String] = [], limit: Int = 10, offset: Int = 0, start: ListPosition? = nil) {
        self.filterGroups = filterGroups
        self.sorts = sorts
        self.query = query
        self.properties = properties
        self.limit = limit
        self.offset = offset
        self.start = start
    }

    /// The orders a list can be paged by position in: those led by a property kept as an integer
    /// on every record, and a list of tickets by priority.
    public static func pagesByPosition(_ sorts: [Sort], schema: RecordSchema) -> Bool {
        if isByPriority(sorts, schema: schema) { return true }
        guard let sort = sorts.first, !sort.byRank else { return false }
        return ["hs_object_id", schema.createdProperty, schema.type.lastModifiedProperty].contains(sort.propertyName)
    }

    /// Whether the sorts are a list of tickets by priority, the one order that sorts by a rank.
    public static func isByPriority(_ sorts: [Sort], schema: RecordSchema) -> Bool {
        schema.type.isTicket && sorts == ListSort.priority.sorts
    }

    public static let maxFilterGroups = 5
    public static let maxFiltersPerGroup = 10
    public static let maxFilters = 25
    public static let maxLimit = 200
    public static let maxOffset = 10_000

    /// Checks limits, operators and property names; returns every problem in one error.
    public func validated(against schema: RecordSchema) throws(SearchError) -> SearchRequest {
        var problems: [String] = []
        if filterGroups.count > Self.maxFilterGroups {
            problems.append("Too many filter groups: \(filterGroups.count) given, at most \(Self.maxFilterGroups) allowed.")
        }
        for (index, group) in filterGroups.enumerated() where group.count > Self.maxFiltersPerGroup {
            problems.append("Filter group \(index + 1) has \(group.count) filters; at most \(Self.maxFiltersPerGroup) are allowed per group.")
        }
        let total = filterGroups.reduce(0) { $0 + $1.count }
        if total > Self.maxFilters {
            problems.append("Too many filters: \(total) given, at most \(Self.maxFilters) allowed across all groups.")
        }
        if limit < 0 || limit > Self.maxLimit {
            problems.append("limit must be between 0 and \(Self.maxLimit); \(limit) given.")
        }
        if offset < 0 || offset > Self.maxOffset {
            problems.append("after must be a position between 0 and \(Self.maxOffset); \(offset) given.")
        }
        for filter in filterGroups.joined() {
            if schema.properties[filter.propertyName] == nil {
                problems.append("Filter on unknown property \"\(filter.propertyName)\".")
                continue
            }
            switch filter.operator {
            case .in, .notIn:
                if filter.values.isEmpty { problems.append("\(filter.operator.rawValue) on \"\(filter.propertyName)\" needs a non-empty \"values\" list.") }
            case .between:
                if filter.value == nil || filter.highValue == nil {
                    problems.append("BETWEEN on \"\(filter.propertyName)\" needs both \"value\" and \"highValue\".")
                }
            case .hasProperty, .notHasProperty:
                break
            default:
                if filter.value == nil { problems.append("\(filter.operator.rawValue) on \"\(filter.propertyName)\" needs a \"value\".") }
            }
        }
        let byPriority = Self.isByPriority(sorts, schema: schema)
        if sorts.contains(where: \.byRank), !byPriority {
            problems.append("Only a list of tickets by priority sorts by the priority's rank.")
        }
        if byPriority, offset != 0 { problems.append("A list by priority is paged by position, not by offset.") }
        if let start {
            if offset != 0 { problems.append("Page by position or by offset, not both.") }
            if !Self.pagesByPosition(sorts, schema: schema) {
                problems.append("Paging by position needs a first sort on hs_object_id, \(schema.createdProperty) or \(schema.type.lastModifiedProperty).")
            } else if byPriority, !(start.rank.map(TicketPriority.ranks.contains) ?? false) {
                problems.append("A position in a list by priority starts with a priority's rank, from \(TicketPriority.ranks.lowerBound) to \(TicketPriority.ranks.upperBound).")
            } else if !byPriority, start.rank != nil {
                problems.append("Only a position in a list by priority has a rank.")
            }
        }
        for sort in sorts where schema.properties[sort.propertyName] == nil {
            problems.append("Sort on unknown property \"\(sort.propertyName)\".")
        }
        guard problems.isEmpty else { throw SearchError(problems: problems) }
        return self
    }
}

/// Why a search request was refused.
public struct SearchError: Error, Sendable, Equatable {
    public var problems: [String]
    public var message: String { problems.joined(separator: " ") }
}
