/// A record search as the CRM v3 search endpoint takes it: filter groups (OR of ANDs), sorts,
/// a free-text query, paging. `validated` enforces the same limits as the commercial API.
public struct SearchRequest: Sendable, Hashable {
    /// One condition on one property.
    public struct Filter: Sendable, Hashable {
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
    }

    public enum Operator: String, Sendable, Hashable, CaseIterable {
        case eq = "EQ", neq = "NEQ", lt = "LT", lte = "LTE", gt = "GT", gte = "GTE"
        case between = "BETWEEN", `in` = "IN", notIn = "NOT_IN"
        case hasProperty = "HAS_PROPERTY", notHasProperty = "NOT_HAS_PROPERTY"
        case containsToken = "CONTAINS_TOKEN", notContainsToken = "NOT_CONTAINS_TOKEN"
    }

    public struct Sort: Sendable, Hashable {
        public var propertyName: String
        public var descending: Bool

        public init(propertyName: String, descending: Bool) {
            self.propertyName = propertyName
            self.descending = descending
        }
    }

    public var filterGroups: [[Filter]]
    public var sorts: [Sort]
    public var query: String?
    public var properties: [String]
    public var limit: Int
    public var offset: Int
    /// Keyset paging, instead of `offset`: the page starts after this position of the leading
    /// sort, which must be on the id, the creation or the last modification time.
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

    /// The properties a list can be paged by position on: those kept as integers on every record.
    public static func pagesByPosition(_ property: String, schema: RecordSchema) -> Bool {
        property == "hs_object_id" || property == schema.createdProperty || property == schema.type.lastModifiedProperty
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
        if start != nil {
            if offset != 0 { problems.append("Page by position or by offset, not both.") }
            if !(sorts.first.map { Self.pagesByPosition($0.propertyName, schema: schema) } ?? false) {
                problems.append("Paging by position needs a first sort on hs_object_id, \(schema.createdProperty) or \(schema.type.lastModifiedProperty).")
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
