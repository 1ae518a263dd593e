import HelpDeskCore
import SQLKit

/// Translation of a validated `SearchRequest` into SQL over the value index.
extension StoreSession {
    /// The number of records that match the request's filters and query.
    /// With `upTo`, counting stops there: a view shows "10,000+" at once where an exact count of
    /// a million closed tickets would take a while.
    package func countRecords(_ request: SearchRequest, schema: RecordSchema, visibility: Visibility, upTo cap: Int? = nil) async throws -> Int {
        var source: SQLQueryString = "records r"
        var matching = conditions(request, schema: schema, visibility: visibility, style: .sets)
        if dialect == .sqlite, schema.type.isTicket, let query = request.query, let match = fullTextMatch(query) {
            // The full-text index leads (tickets are most of it, see `readsTextInOrder`): each of its
            // matches is one probe of a record, where walking records to test each reads many more.
            var others = request
            others.query = nil
            source = "record_search JOIN records r ON r.id = record_search.rowid"
            matching = "record_search MATCH \(bind: match) AND " + conditions(others, schema: schema, visibility: visibility, style: .sets)
        }
        let row = try await sql.raw(cap.map { cap in
            "SELECT COUNT(*) AS n FROM (SELECT 1 FROM \(source) WHERE \(matching) LIMIT \(bind: cap)) AS capped"
        } ?? "SELECT COUNT(*) AS n FROM \(source) WHERE \(matching)").first()
        return try row?.decode(column: "n", as: Int.self) ?? 0
    }

    /// The ids of the requested page, in order. `total` is the count of all matches: it chooses
    /// the plan. Few matches are found first and then sorted. Many are looked for by walking
    /// records in sort order (by an index) and testing each, which finds a page of dense matches
    /// at once; the walk covers only the first `walkWindow` records, as matches that crowd in
    /// one part of the table (a priority only older tickets have) would make it read most of it.
    /// When the walk finds too few, or the sort is on a property's value, which no index orders,
    /// the matches are found first. A list by priority is searched a rank at a time
    /// (`searchByRank`).
    package func searchRecords(
        _ request: SearchRequest, schema: RecordSchema, visibility: Visibility, total: Int
    ) async throws -> [Int64] {
        guard request.limit > 0 else { return [] }
        if readsTextInOrder(request, schema: schema), let query = request.query, let match = fullTextMatch(query) {
            return try await searchInTextOrder(request, match: match, descending: request.sorts.first?.descending ?? false,
                                               schema: schema, visibility: visibility)
        }
        guard request.offset < total else { return [] }
        if SearchRequest.isByPriority(request.sorts, schema: schema) {
            return try await searchByRank(request, schema: schema, visibility: visibility, total: total)
        }
        return try await searchInOrder(request, schema: schema, visibility: visibility, total: total)
    }

    /// A list by priority, one rank at a time from the position's down (from the highest on the
    /// first page). Within a rank the list is in the order of the last change, so that each rank
    /// is one range of the priority index entered at the position, where one condition across
    /// ranks would read the position's rank from its start on every page.
    func searchByRank(_ request: SearchRequest, schema: RecordSchema, visibility: Visibility, total: Int) async throws -> [Int64] {
        let highest = TicketPriority.ranks.upperBound
        let start = request.start ?? ListPosition(rank: highest, value: .min, id: 0)
        var ids: [Int64] = []
        for rank in stride(from: start.rank ?? highest, through: TicketPriority.ranks.lowerBound, by: -1) {
            var pass = request
            pass.start = rank == start.rank ? start : ListPosition(rank: rank, value: .min, id: 0)
            pass.limit = request.limit - ids.count
            ids += try await searchInOrder(pass, schema: schema, visibility: visibility, total: total)
            if ids.count == request.limit { break }
        }
        return ids
    }

    /// The page in the request's order (see `searchRecords`).
    func searchInOrder(_ request: SearchRequest, schema: RecordSchema, visibility: Visibility, total: Int) async throws -> [Int64] {
        var order: [SQLQueryString] = []
        var leading: (column: String, descending: Bool)?
        var valueSorts: [(alias: String, property: String)] = []
        for (position, sort) in request.sorts.enumerated() {
            let direction = sort.descending ? "DESC" : "ASC"
            if let column = sortColumn(for: sort, schema: schema) {
                order.append("\(unsafeRaw: column) \(unsafeRaw: direction)")
                // A rank is searched one at a time (`searchByRank`): the walk goes on by the sort after it.
                if leading == nil, position == 0 || request.sorts[0].byRank, !sort.byRank { leading = (column, sort.descending) }
                continue
            }
            let alias = "s\(position)"
            valueSorts.append((alias, sort.propertyName))
            let isNumeric = schema.properties[sort.propertyName].map { [.number, .date, .datetime, .bool].contains($0.type) } ?? false
            let column = isNumeric ? "number_value" : "text_value"
            order.append("\(unsafeRaw: alias).\(unsafeRaw: column) \(unsafeRaw: direction) NULLS LAST")
        }
        order.append("r.id ASC")
        let orderBy = order.joined(separator: ", ")
        if valueSorts.isEmpty, total > max(5_000, 50 * (request.offset + request.limit)) {
            let (column, descending) = leading ?? ("r.id", false)
            let reach = max(Self.walkWindow, 20 * (request.offset + request.limit))
            let base = conditions(SearchRequest(sorts: request.sorts, start: request.start), schema: schema, visibility: visibility, style: .sets)
            var bounded = conditions(request, schema: schema, visibility: visibility, style: .probes)
            // The sort key of the last record in reach: the walk stops there, having covered a
            // prefix of the whole order, so the matches it finds are the first ones overall.
            // Without one, the walk covers every record after the position: it finds them all.
            let edge = try await sql.raw("""
                SELECT \(unsafeRaw: column) AS edge FROM records r WHERE \(base) ORDER BY \(orderBy) LIMIT 1 OFFSET \(bind: reach)
                """).first()
            if let edge {
                bounded += " AND \(unsafeRaw: column) \(unsafeRaw: descending ? ">=" : "<=") \(bind: try edge.decode(column: "edge", as: Int64.self))"
            }
            let rows = try await sql.raw("""
                SELECT r.id FROM records r WHERE \(bounded)
                ORDER BY \(orderBy) LIMIT \(bind: request.limit) OFFSET \(bind: request.offset)
                """).all()
            if edge == nil || rows.count >= min(request.limit, total - request.offset) {
                return try rows.map { try $0.decode(column: "id", as: Int64.self) }
            }
        }
        var joins: SQLQueryString = ""
        for (alias, property) in valueSorts {
            joins += " LEFT JOIN record_values \(unsafeRaw: alias) ON \(unsafeRaw: alias).record_id = r.id AND \(unsafeRaw: alias).name = \(bind: property)"
        }
        let rows = try await sql.raw("""
            SELECT r.id FROM records r\(joins) WHERE \(conditions(request, schema: schema, visibility: visibility, style: .sets))
            ORDER BY \(orderBy) LIMIT \(bind: request.limit) OFFSET \(bind: request.offset)
            """).all()
        return try rows.map { try $0.decode(column: "id", as: Int64.self) }
    }

    /// Whether a search is answered by reading the full-text index in id order (see
    /// `searchInTextOrder`), which needs no count of the matches to choose how. Only for tickets,
    /// which are most of what the index holds: contacts and companies are few among its matches,
    /// so their own records are walked instead and each tested against the matches.
    package func readsTextInOrder(_ request: SearchRequest, schema: RecordSchema) -> Bool {
        guard dialect == .sqlite, schema.type.isTicket, let sort = request.sorts.first, request.query.flatMap(fullTextMatch) != nil,
              case .integer("r.id", _) = recordColumn(for: sort.propertyName, schema: schema) else { return false }
        return true
    }

    /// Words searched in id order, on SQLite: the full-text index lists its matches by record id,
    /// so it leads and is read only as far as the page needs, where finding every match first and
    /// then sorting them would read tens of thousands of records for a common word.
    func searchInTextOrder(_ request: SearchRequest, match: String, descending: Bool, schema: RecordSchema,
                           visibility: Visibility) async throws -> [Int64] {
        var others = request
        others.query = nil
        others.start = nil
        var conditions = "record_search MATCH \(bind: match) AND " + self.conditions(others, schema: schema, visibility: visibility, style: .probes)
        if let start = request.start {
            conditions += " AND record_search.rowid \(unsafeRaw: descending ? "<" : ">") \(bind: start.id)"
        }
        let rows = try await sql.raw("""
            SELECT r.id FROM record_search JOIN records r ON r.id = record_search.rowid WHERE \(conditions)
            ORDER BY record_search.rowid \(unsafeRaw: descending ? "DESC" : "ASC") LIMIT \(bind: request.limit) OFFSET \(bind: request.offset)
            """).all()
        return try rows.map { try $0.decode(column: "id", as: Int64.self) }
    }

    /// How many records a walk in sort order covers before the matches are looked up instead
    /// (see `searchRecords`).
    static let walkWindow = 2_000

    /// How a filter is written. Counting all matches, or finding few, is fastest with each filter
    /// as a set of record ids (`IN (SELECT ...)`); walking records in sort order is fastest when
    /// each is probed by its key (`EXISTS (...)`) and record columns are not offered as an index
    /// (a unary `+`), so that the database keeps to the sort's index.
    enum FilterStyle {
        case sets
        case probes
    }

    func conditions(_ request: SearchRequest, schema: RecordSchema, visibility: Visibility, style: FilterStyle) -> SQLQueryString {
        var conditions: SQLQueryString = "r.object_type = \(bind: schema.type.id) AND r.archived = 0 \(visibility.condition)"
        if !request.filterGroups.isEmpty {
            var groups: [SQLQueryString] = []
            for group in request.filterGroups {
                let parts = group.map { condition(for: $0, schema: schema, style: style) }
                groups.append(parts.isEmpty ? "1 = 1" : "(" + parts.joined(separator: " AND ") + ")")
            }
            conditions += " AND (" + groups.joined(separator: " OR ") + ")"
        }
        if let query = request.query, let match = fullTextCondition(query, type: schema.type) {
            conditions += " AND " + match
        }
        if let position = positionCondition(request, schema: schema) {
            conditions += " AND " + position
        }
        return conditions
    }

    /// Keyset paging: the records after the request's start in its order (leading sort, then id).
    /// In a list by priority, the rest of the start's rank only (see `searchByRank`): within it
    /// the order is ascending in the last change and the id, one range of the priority index.
    func positionCondition(_ request: SearchRequest, schema: RecordSchema) -> SQLQueryString? {
        guard let start = request.start, let sort = request.sorts.first, let column = sortColumn(for: sort, schema: schema) else { return nil }
        if let rank = start.rank, sort.byRank, request.sorts.count > 1, let next = sortColumn(for: request.sorts[1], schema: schema) {
            return "\(unsafeRaw: column) = \(bind: rank) AND (\(unsafeRaw: next), r.id) > (\(bind: start.value), \(bind: start.id))"
        }
        let beyond = sort.descending ? "<" : ">"
        if column == "r.id" { return "r.id \(unsafeRaw: beyond) \(bind: start.id)" }
        return "(\(unsafeRaw: column) \(unsafeRaw: beyond) \(bind: start.value) OR (\(unsafeRaw: column) = \(bind: start.value) AND r.id > \(bind: start.id)))"
    }

    /// The column of `records` a sort orders by, if any: the integer columns, and the rank of a
    /// ticket's priority when the sort asks for its rank.
    func sortColumn(for sort: SearchRequest.Sort, schema: RecordSchema) -> String? {
        if sort.byRank { return "r.priority" }
        guard case .integer(let column, _) = recordColumn(for: sort.propertyName, schema: schema) else { return nil }
        return column
    }

    func condition(for filter: SearchRequest.Filter, schema: RecordSchema, style: FilterStyle) -> SQLQueryString {
        let type = schema.type.id
        let name = filter.propertyName
        switch recordColumn(for: name, schema: schema) {
        case .integer(let column, let parse):
            return columnCondition(filter, column: style == .probes ? "+" + column : column, parse: parse)
        case .text(let column):
            if let condition = textColumnCondition(filter, column: style == .probes ? unindexed(column) : column) {
                return condition
            }
        case nil:
            break
        }
        let definition = schema.properties[name]
        let numeric = definition.map { [.number, .date, .datetime].contains($0.type) } ?? false
        func matching(_ predicate: SQLQueryString) -> SQLQueryString {
            switch style {
            case .sets:
                "r.id IN (SELECT record_id FROM record_values WHERE object_type = \(bind: type) AND name = \(bind: name) AND \(predicate))"
            case .probes:
                "EXISTS (SELECT 1 FROM record_values v WHERE v.record_id = r.id AND v.name = \(bind: name) AND \(predicate))"
            }
        }
        func comparable(_ raw: String) -> (SQLQueryString, any Encodable & Sendable) {
            if numeric, let number = definition.flatMap({ def in (try? def.normalize(raw)).flatMap(def.numericValue(of:)) }) ?? Double(raw) {
                return ("number_value", number)
            }
            return ("text_value", IndexedValue.searchable(raw))
        }
        func compare(_ op: String, _ raw: String) -> SQLQueryString {
            let (column, value) = comparable(raw)
            return matching("\(column) \(unsafeRaw: op) \(bind: value)")
        }
        switch filter.operator {
        case .eq: return compare("=", filter.value ?? "")
        case .neq: return "NOT " + compare("=", filter.value ?? "")
        case .lt: return compare("<", filter.value ?? "")
        case .lte: return compare("<=", filter.value ?? "")
        case .gt: return compare(">", filter.value ?? "")
        case .gte: return compare(">=", filter.value ?? "")
        case .between:
            let (column, low) = comparable(filter.value ?? "")
            let (_, high) = comparable(filter.highValue ?? "")
            return matching("\(column) >= \(bind: low) AND \(column) <= \(bind: high)")
        case .in:
            return matching("text_value IN (\(binds: filter.values.map(IndexedValue.searchable)))")
        case .notIn:
            return "NOT " + matching("text_value IN (\(binds: filter.values.map(IndexedValue.searchable)))")
        case .hasProperty:
            return matching("1 = 1")
        case .notHasProperty:
            return "NOT " + matching("1 = 1")
        case .containsToken:
            return matching("text_value LIKE \(bind: tokenPattern(filter.value ?? ""))")
        case .notContainsToken:
            return "NOT " + matching("text_value LIKE \(bind: tokenPattern(filter.value ?? ""))")
        }
    }

    /// A property that is also a column of `records`, filtered (and, for integers, sorted) there,
    /// on indexes, instead of through the value index.
    enum RecordColumn {
        /// Id, creation and modification times: a filter's values are parsed to integers.
        case integer(String, @Sendable (String) -> Int64?)
        /// Stage, owner and team, as given: the workspace's views filter on them.
        case text(String)
    }

    func recordColumn(for property: String, schema: RecordSchema) -> RecordColumn? {
        switch property {
        case "hs_object_id": .integer("r.id", { Int64($0) })
        case schema.createdProperty: .integer("r.created_at", Timestamp.parse)
        case schema.type.lastModifiedProperty: .integer("r.updated_at", Timestamp.parse)
        case Record.ownerProperty: .text("r.owner_id")
        case Record.teamProperty: .text("r.team_id")
        case schema.type.stageProperty: .text("r.stage")
        default: nil
        }
    }

    /// A column kept out of the database's choice of index, so that a walk in sort order keeps
    /// to the sort's index (SQLite takes a unary `+` as that sign; PostgreSQL has no `+` for text
    /// and plans by its statistics anyway).
    func unindexed(_ column: String) -> String {
        dialect == .sqlite ? "+" + column : column
    }

    /// Equality filters on a text column; `nil` for the other operators, which the value index
    /// answers. Values compare as stored: these columns hold ids.
    func textColumnCondition(_ filter: SearchRequest.Filter, column c: String) -> SQLQueryString? {
        switch filter.operator {
        case .eq: "\(unsafeRaw: c) = \(bind: filter.value ?? "")"
        case .neq: "(\(unsafeRaw: c) IS NULL OR \(unsafeRaw: c) <> \(bind: filter.value ?? ""))"
        case .in: "\(unsafeRaw: c) IN (\(binds: filter.values))"
        case .notIn: "(\(unsafeRaw: c) IS NULL OR \(unsafeRaw: c) NOT IN (\(binds: filter.values)))"
        case .hasProperty: "\(unsafeRaw: c) <> ''"
        case .notHasProperty: "(\(unsafeRaw: c) IS NULL OR \(unsafeRaw: c) = '')"
        default: nil
        }
    }

    func columnCondition(_ filter: SearchRequest.Filter, column: String, parse: (String) -> Int64?) -> SQLQueryString {
        // A value that is not a number or date matches nothing, as no stored value equals it.
        let value = parse(filter.value ?? "") ?? Int64.min
        let values = filter.values.compactMap(parse) + [Int64.min]
        let c = column
        switch filter.operator {
        case .eq: return "\(unsafeRaw: c) = \(bind: value)"
        case .neq: return "\(unsafeRaw: c) <> \(bind: value)"
        case .lt: return "\(unsafeRaw: c) < \(bind: value)"
        case .lte: return "\(unsafeRaw: c) <= \(bind: value)"
        case .gt: return "\(unsafeRaw: c) > \(bind: value)"
        case .gte: return "\(unsafeRaw: c) >= \(bind: value)"
        case .between: return "\(unsafeRaw: c) BETWEEN \(bind: value) AND \(bind: parse(filter.highValue ?? "") ?? Int64.min)"
        case .in: return "\(unsafeRaw: c) IN (\(binds: values))"
        case .notIn: return "\(unsafeRaw: c) NOT IN (\(binds: values))"
        case .hasProperty: return "1 = 1"
        case .notHasProperty: return "1 = 0"
        case .containsToken: return "CAST(\(unsafeRaw: c) AS TEXT) LIKE \(bind: tokenPattern(filter.value ?? ""))"
        case .notContainsToken: return "CAST(\(unsafeRaw: c) AS TEXT) NOT LIKE \(bind: tokenPattern(filter.value ?? ""))"
        }
    }

    /// CONTAINS_TOKEN matches a word inside the value; `*` stands for any run of characters.
    func tokenPattern(_ token: String) -> String {
        let escaped = IndexedValue.searchable(token).replacingOccurrences(of: "%", with: "").replacingOccurrences(of: "_", with: "")
        return "%" + escaped.replacingOccurrences(of: "*", with: "%") + "%"
    }

    /// SQLite's full-text query for the words: each a prefix, all required.
    func fullTextMatch(_ query: String) -> String? {
        let words = IndexedValue.words(of: query).prefix(16).map { "\"\($0)\"*" }
        return words.isEmpty ? nil : words.joined(separator: " ")
    }

    /// Words of the query, each matched as a prefix, all required.
    func fullTextCondition(_ query: String, type: ObjectType) -> SQLQueryString? {
        let words = IndexedValue.words(of: query).prefix(16).map(String.init)
        guard !words.isEmpty else { return nil }
        switch dialect {
        case .sqlite:
            guard let match = fullTextMatch(query) else { return nil }
            // A probe per record would expand every prefix again; the set of matches is read once.
            let index = [ObjectType.contacts.id, ObjectType.companies.id].contains(type.id) ? "people_search" : "record_search"
            return "r.id IN (SELECT rowid FROM \(unsafeRaw: index) WHERE \(unsafeRaw: index) MATCH \(bind: match))"
        case .postgres:
            let match = words.map { "\($0):*" }.joined(separator: " & ")
            return "r.search_vector @@ to_tsquery('simple', \(bind: match))"
        }
    }
}
