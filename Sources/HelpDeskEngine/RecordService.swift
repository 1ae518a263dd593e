import HelpDeskCore
import HelpDeskStore

/// A record to create: its property values and the records to link it to.
public struct RecordInput: Sendable {
    public var properties: [String: String]
    public var associations: [AssociationInput]

    public init(properties: [String: String], associations: [AssociationInput] = []) {
        self.properties = properties
        self.associations = associations
    }
}

/// A link to create with a new record: the target record and the association type ids, which
/// imply the target's type.
public struct AssociationInput: Sendable {
    public var toID: String
    public var typeIDs: [Int]
    /// The category given with each type id, if any.
    public var categories: [String?]

    public init(toID: String, typeIDs: [Int], categories: [String?] = []) {
        self.toID = toID
        self.typeIDs = typeIDs
        self.categories = categories
    }
}

/// What to return with a record.
public struct ReadOptions: Sendable {
    /// Properties to return; `nil` for the type's default set.
    public var properties: [String]?
    public var propertiesWithHistory: [String]
    /// Object types whose linked record ids to return.
    public var associations: [String]
    public var archived: Bool

    public init(properties: [String]? = nil, propertiesWithHistory: [String] = [], associations: [String] = [],
                archived: Bool = false) {
        self.properties = properties
        self.propertiesWithHistory = propertiesWithHistory
        self.associations = associations
        self.archived = archived
    }
}

/// A record as a reader gets it: the chosen properties, their history, and its links.
public struct RecordView: Sendable {
    public var record: Record
    /// The chosen properties; a property without a value maps to `nil`.
    public var properties: [(String, String?)]
    public var history: [(String, [FeedEvent])]
    /// Linked record ids, by the requested type name.
    public var associations: [(String, [Association])]
}

/// Creating, reading, changing, archiving and searching records of every type.
public struct RecordService: Sendable {
    let desk: HelpDesk

    /// Creates records, all or none. A single record joins others being created at the same moment
    /// (see `CreationQueue`), so that a busy server stores many per transaction.
    public func create(type reference: String, _ inputs: [RecordInput], by caller: Caller) async throws -> [Record] {
        try await desk.catalog.withSchema(for: reference) { schema in try await create(inputs, schema: schema, by: caller) }
    }

    func create(_ inputs: [RecordInput], schema: RecordSchema, by caller: Caller) async throws -> [Record] {
        try caller.check(.writeRecords(schema.type))
        let now = desk.clock()
        var creations: [Creation] = []
        var problems: [RecordInputError.Problem] = []
        let links = try await resolveLinks(inputs, from: schema.type)
        for (index, input) in inputs.enumerated() {
            do {
                let write = try RecordWrite.create(input.properties, schema: schema, now: now)
                creations.append(Creation(write: write, stored: NewRecord(properties: write.properties, schema: schema, createdAt: now),
                                          links: links[index], caller: caller, at: now))
            } catch {
                problems += inputs.count == 1 ? error.problems
                    : error.problems.map { .init(code: $0.code, property: $0.property, message: "Input \(index + 1): \($0.message)") }
            }
        }
        guard problems.isEmpty else { throw HelpDeskError.invalidInput(RecordInputError(problems)) }
        try await checkPeople(creations.map(\.write.properties))
        if creations.count == 1 {
            return [try await desk.creationQueue.submit(creations[0], schema: schema)]
        }
        let planned = creations
        return try await desk.database.write { session in
            try await Self.store(planned, schema: schema, session: session)
        }
    }

    /// One checked record waiting to be stored, with who creates it.
    struct Creation: Sendable {
        var write: RecordWrite
        var stored: NewRecord
        var links: [Link]
        var caller: Caller
        var at: Timestamp
    }

    /// Stores checked records with their links and events in a few statements.
    static func store(_ creations: [Creation], schema: RecordSchema, session: StoreSession) async throws -> [Record] {
        var targets: [String: (ObjectType, Set<Int64>)] = [:]
        for link in creations.flatMap(\.links) {
            targets[link.type.id, default: (link.type, [])].1.insert(link.id)
        }
        for (type, ids) in targets.values {
            let found = Set(try await session.records(type: type, ids: Array(ids)).compactMap { Int64($0.id) })
            if let missing = ids.subtracting(found).sorted().first {
                throw HelpDeskError.badRequest("Cannot associate with \(type.singularLabel.lowercased()) \(missing): it does not exist.")
            }
        }
        let (records, events) = try await insert(creations, schema: schema, session: session)
        try session.append(events)
        return records
    }

    /// Inserts checked records and their links, whose targets are known to exist, and returns
    /// the records with the events their creation makes, for the caller to append with others.
    static func insert(_ creations: [Creation], schema: RecordSchema, session: StoreSession) async throws
        -> (records: [Record], events: [FeedEvent]) {
        let ids = try await session.insertRecords(type: schema.type, creations.map(\.stored))
        var events: [FeedEvent] = []
        var records: [Record] = []
        var links: [AssociationRow] = []
        for (id, creation) in zip(ids, creations) {
            let recordID = String(id), actor = creation.caller.user.id, source = creation.caller.source, now = creation.at
            events.append(FeedEvent(recordID: recordID, objectType: schema.type.id, kind: .created,
                                    values: creation.write.properties.filter { !schema.isTimestamp($0.key) },
                                    actor: actor, source: source, occurredAt: now))
            if let stage = creation.write.enteredStage {
                events.append(FeedEvent(recordID: recordID, objectType: schema.type.id, kind: .stageEntered,
                                        property: schema.type.stageProperty, newValue: stage, actor: actor,
                                        source: source, occurredAt: now))
            }
            for link in creation.links {
                links.append(AssociationRow(fromType: schema.type.id, fromID: id, toType: link.type.id, toID: link.id,
                                            type: link.association, createdAt: now))
                events.append(FeedEvent(recordID: recordID, objectType: schema.type.id, kind: .associated,
                                        property: link.type.id, newValue: String(link.id), actor: actor,
                                        source: source, occurredAt: now))
            }
            records.append(Record(id: recordID, objectType: schema.type.id, properties: creation.write.properties,
                                  createdAt: now, updatedAt: now))
        }
        try await session.associate(links)
        return (records, events)
    }

    /// Applies changes to records by id (or by a unique property, `idProperty`), all or none.
    public func update(type reference: String, _ changes: [(id: String, properties: [String: String])],
                       idProperty: String? = nil, by caller: Caller) async throws -> [Record] {
        try await desk.catalog.withSchema(for: reference) { schema in
            try await update(changes, idProperty: idProperty, schema: schema, by: caller)
        }
    }

    func update(_ changes: [(id: String, properties: [String: String])], idProperty: String?, schema: RecordSchema,
                by caller: Caller) async throws -> [Record] {
        try caller.check(.writeRecords(schema.type))
        let ids = try await resolveIDs(changes.map(\.id), idProperty: idProperty, schema: schema)
        let now = desk.clock()
        let source = caller.source, user = caller.user
        try await checkPeople(changes.map(\.properties))
        return try await desk.database.write { session in
            let current = Dictionary(uniqueKeysWithValues: try await session.records(type: schema.type, ids: ids).map { ($0.id, $0) })
            var problems: [RecordInputError.Problem] = []
            var planned: [(Record, RecordWrite)] = []
            for ((given, change), id) in zip(changes.map { ($0.id, $0.properties) }, ids) {
                guard let record = current[String(id)], Self.visible(record, to: user, type: schema.type) else {
                    throw HelpDeskError.notFound("\(schema.type.singularLabel) \(given) does not exist.")
                }
                do {
                    planned.append((record, try RecordWrite.update(record.properties, with: change, schema: schema, now: now)))
                } catch let error as RecordInputError {
                    problems += changes.count == 1 ? error.problems
                        : error.problems.map { .init(code: $0.code, property: $0.property, message: "Record \(given): \($0.message)") }
                }
            }
            guard problems.isEmpty else { throw HelpDeskError.invalidInput(RecordInputError(problems)) }
            try await Self.apply(planned, schema: schema, actor: user.id, source: source, now: now, session: session)
            return planned.map { record, write in
                guard !write.changes.isEmpty else { return record }
                var result = record
                result.properties = write.properties
                result.updatedAt = now
                return result
            }
        }
    }

    /// Stores checked changes with their events; conversations follow their tickets (C6).
    /// `run` names the workflow run whose action made the change, if one did.
    static func apply(_ planned: [(Record, RecordWrite)], schema: RecordSchema, actor: String, source: String, now: Timestamp,
                      run: String? = nil, session: StoreSession) async throws {
        let changed = planned.filter { !$0.1.changes.isEmpty }
        guard !changed.isEmpty else { return }
        try await session.updateRecords(type: schema.type, changed.map { record, write in
            (Int64(record.id)!, write.properties, IndexedValue.entries(for: write.properties, schema: schema))
        }, now: now)
        try session.append(changed.flatMap { record, write in
            Self.events(for: write, recordID: record.id, type: schema.type, actor: actor, source: source, now: now).map { event in
                var event = event
                if event.kind == .stageEntered, let run { event.oldValue = FeedEvent.workflowRun(run) }
                return event
            }
        })
        guard schema.type.isTicket else { return }
        let moves = changed.compactMap { record, write -> (id: Int64, from: TicketState, to: TicketState)? in
            let from = schema.ticketState(of: record.properties), to = schema.ticketState(of: write.properties)
            return from == to ? nil : (Int64(record.id)!, from, to)
        }
        guard !moves.isEmpty else { return }
        let conversations = try await session.conversations(ticketIDs: moves.map(\.id))
        let before = Dictionary(conversations.map { ($0.id, $0) }) { first, _ in first }
        let byTicket = Dictionary(grouping: conversations, by: { $0.ticketID ?? "" })
        var events: [FeedEvent] = []
        for move in moves {
            for conversation in ConversationCascade.ticketStatusChanged(
                from: move.from, to: move.to, conversations: byTicket[String(move.id)] ?? [], at: now) {
                try await session.setStatus(of: conversation)
                if let old = before[conversation.id], let id = Int64(conversation.id), old.status != conversation.status {
                    events.append(.conversation(id, ticketID: conversation.ticketID, changed: "status", from: old.status.rawValue,
                                                to: conversation.status.rawValue, actor: actor, source: source, at: now))
                }
            }
        }
        try session.append(events)
    }

    /// Archives records. Ids that do not exist (or are already archived) are skipped. A deleted
    /// ticket takes its conversations to the trash (C7).
    public func archive(type reference: String, ids: [String], by caller: Caller) async throws {
        let schema = try await desk.catalog.schema(for: reference)
        try caller.check(.writeRecords(schema.type))
        let now = desk.clock()
        let numeric = ids.compactMap { Int64($0) }
        let source = caller.source, user = caller.user
        try await desk.database.write { session in
            let records = try await session.records(type: schema.type, ids: numeric)
                .filter { Self.visible($0, to: user, type: schema.type) }
            try await session.archiveRecords(ids: records.compactMap { Int64($0.id) }, now: now)
            if schema.type.isTicket {
                try await session.trashConversations(ticketIDs: records.compactMap { Int64($0.id) }, at: now)
            }
            try session.append(records.map {
                FeedEvent(recordID: $0.id, objectType: schema.type.id, kind: .archived, actor: user.id, source: source, occurredAt: now)
            })
        }
    }

    /// C7: takes a deleted record out of the archive while the trash keeps it, with (for a
    /// ticket) the conversations deleted with it. Restoring a live record changes nothing.
    public func restore(type reference: String, id: String, by caller: Caller) async throws -> Record {
        let schema = try await desk.catalog.schema(for: reference)
        try caller.check(.writeRecords(schema.type))
        let now = desk.clock()
        let source = caller.source, user = caller.user
        guard let numeric = Int64(id) else { throw HelpDeskError.notFound("\(schema.type.singularLabel) \(id) does not exist.") }
        return try await desk.database.write { session in
            try await session.lockRecords(ids: [numeric])
            guard let deleted = try await session.records(type: schema.type, ids: [numeric], archived: true).first,
                  Self.visible(deleted, to: user, type: schema.type) else {
                if let live = try await session.records(type: schema.type, ids: [numeric]).first,
                   Self.visible(live, to: user, type: schema.type) {
                    return live
                }
                throw HelpDeskError.notFound("\(schema.type.singularLabel) \(id) is not in the trash.")
            }
            guard let archivedAt = deleted.archivedAt, Trash.isRestorable(trashedAt: archivedAt, now: now) else {
                throw HelpDeskError.conflict("\(schema.type.singularLabel) \(id) was deleted more than \(Trash.retentionDays) days ago and can no longer be restored.")
            }
            if schema.type.isTicket {
                try await ConversationService.restoreTicket(numeric, by: caller, at: now, session: session)
            } else {
                try await session.restoreRecords(ids: [numeric])
                try session.append([FeedEvent(recordID: id, objectType: schema.type.id, kind: .restored, actor: user.id, source: source,
                                              occurredAt: now)])
            }
            var restored = deleted
            restored.archived = false
            restored.archivedAt = nil
            return restored
        }
    }

    /// Reads records by id (or by a unique property). Missing ids are left out of the result.
    public func read(type reference: String, ids: [String], idProperty: String? = nil, options: ReadOptions,
                     by caller: Caller) async throws -> [RecordView] {
        let schema = try await desk.catalog.schema(for: reference)
        try caller.check(.readRecords(schema.type))
        let user = caller.user
        let associationTypes = try await resolveTypes(options.associations)
        let numeric: [Int64]
        if let idProperty, idProperty != "hs_object_id" {
            numeric = try await desk.database.read { session in
                let found = try await session.recordIDs(type: schema.type, property: idProperty, values: ids)
                return ids.compactMap { found[IndexedValue.searchable($0)] }
            }
        } else {
            numeric = ids.compactMap { Int64($0) }
        }
        return try await desk.database.read { session in
            let records = try await session.records(type: schema.type, ids: numeric, archived: options.archived)
                .filter { Self.visible($0, to: user, type: schema.type) }
            let byID = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) })
            let ordered = numeric.compactMap { byID[String($0)] }
            return try await Self.views(of: ordered, schema: schema, options: options, associationTypes: associationTypes, caller: caller, session: session)
        }
    }

    /// One page of a type's records in id order. `after` is the cursor from the previous page.
    public func page(type reference: String, after: String?, limit: Int, options: ReadOptions,
                     by caller: Caller) async throws -> (views: [RecordView], next: String?) {
        let schema = try await desk.catalog.schema(for: reference)
        try caller.check(.readRecords(schema.type))
        guard (1...100).contains(limit) else { throw HelpDeskError.badRequest("limit must be between 1 and 100; \(limit) given.") }
        let afterID: Int64
        if let after, !after.isEmpty {
            guard let parsed = Int64(after), parsed >= 0 else {
                throw HelpDeskError.badRequest("after must be the cursor from the previous page (a record id); \"\(after)\" is not one.")
            }
            afterID = parsed
        } else {
            afterID = 0
        }
        let visibility = caller.visibility(for: schema.type)
        let associationTypes = try await resolveTypes(options.associations)
        return try await desk.database.read { session in
            let records = try await session.recordPage(type: schema.type, afterID: afterID, limit: limit + 1,
                                                       archived: options.archived, visibility: visibility)
            let page = Array(records.prefix(limit))
            let views = try await Self.views(of: page, schema: schema, options: options, associationTypes: associationTypes, caller: caller, session: session)
            return (views, records.count > limit ? page.last?.id : nil)
        }
    }

    /// Searches a type's records; `next` is the `after` value for the following page.
    public func search(type reference: String, _ request: SearchRequest, by caller: Caller) async throws
        -> (total: Int, views: [RecordView], next: String?) {
        let schema = try await desk.catalog.schema(for: reference)
        let validated = try Self.checked(request, schema: schema, by: caller)
        let visibility = caller.visibility(for: schema.type)
        let options = ReadOptions(properties: validated.properties.isEmpty ? nil : validated.properties)
        do {
            return try await search(validated, schema: schema, visibility: visibility, options: options)
        } catch StoreError.searchTimedOut {
            throw HelpDeskError.unavailable(StoreError.searchTimedOut.description)
        }
    }

    /// A page of a list, paged by position (keyset): the request's `start` (none for the first
    /// page) and the start of the next page, `nil` on the last one. Its cost does not grow with
    /// the page's depth, and no total is counted.
    public func list(type reference: String, _ request: SearchRequest, by caller: Caller) async throws
        -> (views: [RecordView], next: ListPosition?) {
        let schema = try await desk.catalog.schema(for: reference)
        var validated = try Self.checked(request, schema: schema, by: caller)
        guard let sort = validated.sorts.first, SearchRequest.pagesByPosition(validated.sorts, schema: schema) else {
            throw HelpDeskError.badRequest("A list is paged by position: sort it first by id, creation or last modification, or by priority.")
        }
        let byPriority = SearchRequest.isByPriority(validated.sorts, schema: schema)
        let limit = validated.limit
        validated.limit += 1
        let visibility = caller.visibility(for: schema.type)
        let options = ReadOptions(properties: validated.properties.isEmpty ? nil : validated.properties)
        let question = validated
        do {
            return try await desk.database.search { session in
                // Only chooses the plan (a walk in order when matches are dense): a capped count will do.
                let dense = session.readsTextInOrder(question, schema: schema) ? 0
                    : try await desk.searchCounts.total(of: question, schema: schema, visibility: visibility, upTo: Self.plannerCap,
                                                        session: session)
                let ids = try await session.searchRecords(question, schema: schema, visibility: visibility, total: dense)
                let records = try await session.records(type: schema.type, ids: Array(ids.prefix(limit)))
                let byID = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) })
                let page = ids.prefix(limit).compactMap { byID[String($0)] }
                let views = try await Self.views(of: page, schema: schema, options: options, associationTypes: [], caller: nil,
                                                 session: session)
                var next: ListPosition?
                if ids.count > limit, let last = page.last, let id = Int64(last.id) {
                    // By priority, the rank leads and the last activity orders within it.
                    let value: Int64 = switch byPriority ? schema.type.lastModifiedProperty : sort.propertyName {
                    case schema.createdProperty: last.createdAt.millisecondsSince1970
                    case schema.type.lastModifiedProperty: last.updatedAt.millisecondsSince1970
                    default: id
                    }
                    let rank = byPriority ? TicketPriority.rank(of: last.properties[TicketPriority.property]) : nil
                    next = ListPosition(rank: rank, value: value, id: id)
                }
                return (views, next)
            }
        } catch StoreError.searchTimedOut {
            throw HelpDeskError.unavailable(StoreError.searchTimedOut.description)
        }
    }

    /// How many records match, counting at most `cap` of them (a view shows "10,000+").
    public func count(type reference: String, _ request: SearchRequest, upTo cap: Int, by caller: Caller) async throws -> Int {
        let schema = try await desk.catalog.schema(for: reference)
        let validated = try Self.checked(request, schema: schema, by: caller)
        let visibility = caller.visibility(for: schema.type)
        do {
            return try await desk.database.search { session in
                try await desk.searchCounts.total(of: validated, schema: schema, visibility: visibility, upTo: cap, session: session)
            }
        } catch StoreError.searchTimedOut {
            throw HelpDeskError.unavailable(StoreError.searchTimedOut.description)
        }
    }

    /// The request as a search takes it, for a caller who may read the type.
    static func checked(_ request: SearchRequest, schema: RecordSchema, by caller: Caller) throws -> SearchRequest {
        try caller.check(.readRecords(schema.type))
        do {
            return try request.validated(against: schema)
        } catch {
            throw HelpDeskError.invalidSearch(error)
        }
    }

    /// Enough matches to tell a dense list (walked in order) from a sparse one (its matches found first).
    static let plannerCap = 10_001

    private func search(_ validated: SearchRequest, schema: RecordSchema, visibility: Visibility, options: ReadOptions) async throws
        -> (total: Int, views: [RecordView], next: String?) {
        try await desk.database.search { session in
            let total = try await desk.searchCounts.total(of: validated, schema: schema, visibility: visibility, session: session)
            let ids = try await session.searchRecords(validated, schema: schema, visibility: visibility, total: total)
            let records = try await session.records(type: schema.type, ids: ids)
            let byID = Dictionary(uniqueKeysWithValues: records.map { ($0.id, $0) })
            let views = try await Self.views(of: ids.compactMap { byID[String($0)] }, schema: schema, options: options,
                                             associationTypes: [], caller: nil, session: session)
            let end = validated.offset + ids.count
            return (total, views, end < total && !ids.isEmpty ? String(end) : nil)
        }
    }

    /// The activity timeline of one record, newest first (R7).
    public func timeline(type reference: String, id: String, limit: Int = 200, by caller: Caller) async throws -> [FeedEvent] {
        guard try await read(type: reference, ids: [id], options: ReadOptions(properties: []), by: caller).first != nil else {
            throw HelpDeskError.notFound("Record \(id) does not exist.")
        }
        return try await desk.database.read { session in
            try await session.timeline(recordID: Int64(id) ?? -1, limit: limit)
        }
    }

    static func visible(_ record: Record, to user: User, type: ObjectType) -> Bool {
        !type.isTicket || Access.canSee(ticketOwnedBy: record.properties["hubspot_owner_id"],
                                        team: record.properties["hubspot_team_id"], user: user)
    }

    static func events(for write: RecordWrite, recordID: String, type: ObjectType, actor: String, source: String,
                       now: Timestamp) -> [FeedEvent] {
        var events = write.changes.map {
            FeedEvent(recordID: recordID, objectType: type.id, kind: .propertyChanged, property: $0.name,
                      oldValue: $0.oldValue, newValue: $0.newValue, actor: actor, source: source, occurredAt: now)
        }
        if let stage = write.enteredStage {
            events.append(FeedEvent(recordID: recordID, objectType: type.id, kind: .stageEntered,
                                    property: type.stageProperty, newValue: stage, actor: actor, source: source, occurredAt: now))
        }
        return events
    }

    /// Records as a read shows them; the linked records of `associationTypes` are only those
    /// `caller` may see.
    static func views(of records: [Record], schema: RecordSchema, options: ReadOptions,
                      associationTypes: [ObjectType], caller: Caller?, session: StoreSession) async throws -> [RecordView] {
        let always = ["hs_object_id", schema.createdProperty, schema.type.lastModifiedProperty]
        let requested = options.properties ?? BuiltInProperties.defaultReadProperties(for: schema.type)
        var names: [String] = []
        for name in always + requested where !names.contains(name) {
            names.append(name)
        }
        let ids = records.compactMap { Int64($0.id) }
        let historyNames = options.propertiesWithHistory.filter { schema.properties[$0] != nil }
        let history = try await session.propertyHistory(recordIDs: ids, properties: historyNames)
        var links: [(ObjectType, [Int64: [Association]])] = []
        for type in associationTypes {
            let visibility = caller?.visibility(for: type) ?? .everything
            links.append((type, try await session.associations(fromType: schema.type.id, fromIDs: ids, toType: type.id,
                                                                visibility: visibility)))
        }
        return records.map { record in
            var properties = record.properties
            properties["hs_object_id"] = record.id
            let values = names.filter { schema.properties[$0] != nil }.map { ($0, properties[$0]) }
            let own = history.filter { $0.recordID == record.id }
            let histories = historyNames.map { name in (name, own.filter { $0.property == name }.reversed().map { $0 }) }
            let id = Int64(record.id) ?? -1
            return RecordView(record: record, properties: values, history: histories,
                              associations: links.map { ($0.0.name, $0.1[id] ?? []) }.filter { !$0.1.isEmpty })
        }
    }

    struct Link: Sendable {
        var type: ObjectType
        var id: Int64
        var association: AssociationType
    }

    func resolveLinks(_ inputs: [RecordInput], from type: ObjectType) async throws -> [[Link]] {
        guard inputs.contains(where: { !$0.associations.isEmpty }) else { return inputs.map { _ in [] } }
        let types = try await desk.catalog.objectTypes()
        return try inputs.map { input in
            try input.associations.map { association in
                guard let id = Int64(association.toID) else {
                    throw HelpDeskError.badRequest("Association target \"\(association.toID)\" is not a record id.")
                }
                for typeID in association.typeIDs {
                    for target in types where AssociationType.defaultType(from: type.id, to: target.id).id == typeID {
                        let linking = AssociationType.defaultType(from: type.id, to: target.id)
                        if let problem = association.categories.lazy.compactMap(linking.problem(withCategory:)).first {
                            throw HelpDeskError.badRequest(problem)
                        }
                        return Link(type: target, id: id, association: linking)
                    }
                }
                throw HelpDeskError.badRequest("Association type ids \(association.typeIDs) do not link \(type.name) to any object type.")
            }
        }
    }

    func resolveTypes(_ references: [String]) async throws -> [ObjectType] {
        var result: [ObjectType] = []
        for reference in references {
            result.append(try await desk.catalog.schema(for: reference).type)
        }
        return result
    }

    func resolveIDs(_ given: [String], idProperty: String?, schema: RecordSchema) async throws -> [Int64] {
        if let idProperty, idProperty != "hs_object_id" {
            guard schema.properties[idProperty]?.hasUniqueValue == true else {
                throw HelpDeskError.badRequest("idProperty \"\(idProperty)\" is not a unique property of \(schema.type.name).")
            }
            let found = try await desk.database.read { session in
                try await session.recordIDs(type: schema.type, property: idProperty, values: given)
            }
            return try given.map { value in
                guard let id = found[IndexedValue.searchable(value)] else {
                    throw HelpDeskError.notFound("No \(schema.type.singularLabel.lowercased()) has \(idProperty) \"\(value)\".")
                }
                return id
            }
        }
        return try given.map { value in
            guard let id = Int64(value) else {
                throw HelpDeskError.notFound("\(schema.type.singularLabel) \"\(value)\" does not exist: ids are numbers.")
            }
            return id
        }
    }

    /// Owners and teams named in writes must exist.
    func checkPeople(_ propertySets: [[String: String]]) async throws {
        let owners = Set(propertySets.compactMap { $0["hubspot_owner_id"] }.filter { !$0.isEmpty })
        let teams = Set(propertySets.compactMap { $0["hubspot_team_id"] }.filter { !$0.isEmpty })
        guard !owners.isEmpty || !teams.isEmpty else { return }
        let (users, knownTeams) = try await desk.database.read { session in
            (try await session.users(includeArchived: false), try await session.teams())
        }
        var problems: [RecordInputError.Problem] = []
        let userIDs = Set(users.map(\.id)), teamIDs = Set(knownTeams.map(\.id))
        for owner in owners.sorted() where !userIDs.contains(owner) {
            problems.append(.init(code: .unknownOwner, property: "hubspot_owner_id", message: "Owner \"\(owner)\" does not exist or is deactivated."))
        }
        for team in teams.sorted() where !teamIDs.contains(team) {
            problems.append(.init(code: .unknownTeam, property: "hubspot_team_id", message: "Team \"\(team)\" does not exist."))
        }
        guard problems.isEmpty else { throw HelpDeskError.invalidInput(RecordInputError(problems)) }
    }
}
