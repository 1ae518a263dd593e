import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// `/crm/v3/objects/{objectType}`: records of every type, one at a time, in batches, and search.
struct ObjectRoutes {
    let desk: HelpDesk

    struct CreateBody: Decodable {
        struct AssociationBody: Decodable {
            struct To: Decodable { var id: String }
            struct TypeBody: Decodable {
                var associationCategory: String?
                var associationTypeId: Int
            }
            var to: To
            var types: [TypeBody]
        }
        var properties: [String: PropertyValue]?
        var associations: [AssociationBody]?

        var input: RecordInput {
            RecordInput(properties: PropertyValue.strings(properties),
                        associations: (associations ?? []).map {
                            AssociationInput(toID: $0.to.id, typeIDs: $0.types.map(\.associationTypeId),
                                             categories: $0.types.map(\.associationCategory))
                        })
        }
    }

    struct UpdateBody: Decodable {
        var id: String?
        var properties: [String: PropertyValue]?
        var idProperty: String?
    }

    struct BatchBody<Input: Decodable>: Decodable {
        var inputs: [Input]
        var properties: [String]?
        var propertiesWithHistory: [String]?
        var idProperty: String?
    }

    struct IDBody: Decodable { var id: String }

    struct SearchBody: Decodable {
        struct FilterBody: Decodable {
            var propertyName: String
            var `operator`: String
            var value: PropertyValue?
            var highValue: PropertyValue?
            var values: [PropertyValue]?
        }
        struct GroupBody: Decodable { var filters: [FilterBody] }
        struct SortBody: Decodable {
            var propertyName: String
            var direction: String?
        }
        var filterGroups: [GroupBody]?
        var filters: [FilterBody]?
        var sorts: [Sort]?
        var query: String?
        var properties: [String]?
        var limit: Int?
        var after: PropertyValue?

        /// Sorts come as objects or as strings such as `-createdate`.
        enum Sort: Decodable {
            case object(SortBody)
            case text(String)
            init(from decoder: any Decoder) throws {
                if let text = try? decoder.singleValueContainer().decode(String.self) {
                    self = .text(text)
                } else {
                    self = .object(try SortBody(from: decoder))
                }
            }
        }
    }

    static let readQuery = [("properties", "Comma-separated properties to return"),
                            ("propertiesWithHistory", "Properties to return with their change history"),
                            ("associations", "Object types whose associated record ids to return"),
                            ("archived", "true to read archived records")]

    func register(_ routes: RouteBook.Section) {
        routes.add(.get, ":objectType", "getPage", "List a type's records, a page at a time", response: "CollectionResponse",
                   query: Self.readQuery + [("limit", "1 to 100, default 10"), ("after", "Cursor from paging.next.after")]) {
            try await page($0, $1)
        }
        routes.add(.post, ":objectType", "create", "Create a record", request: "SimplePublicObjectInputForCreate",
                   response: "SimplePublicObject", status: 201) { try await create($0, $1) }
        routes.add(.get, ":objectType/:id", "getById", "Read a record", response: "SimplePublicObject",
                   query: Self.readQuery + [("idProperty", "A unique property to find the record by instead of its id")]) {
            try await read($0, $1)
        }
        routes.add(.patch, ":objectType/:id", "update", "Change a record's properties", request: "SimplePublicObjectInput",
                   response: "SimplePublicObject", query: [("idProperty", "A unique property to find the record by")]) {
            try await update($0, $1)
        }
        routes.add(.delete, ":objectType/:id", "archive", "Archive a record", status: 204) { try await archive($0, $1) }
        routes.add(.post, ":objectType/:id/restore", "restore",
                   "Take a deleted record out of the trash, within 30 days, with a ticket's conversations (C7)",
                   response: "SimplePublicObject", errors: [404, 409]) { try await restore($0, $1) }
        routes.add(.get, ":objectType/:id/timeline", "getTimeline",
                   "A record's activity timeline, newest first, with its conversations' events (R7)", response: "Timeline",
                   query: [("limit", "1 to 500, default 100")]) { try await timeline($0, $1) }
        routes.add(.post, ":objectType/search", "doSearch", "Search records with filters, sorts and a free-text query",
                   request: "PublicObjectSearchRequest", response: "CollectionResponseWithTotal", errors: [400, 404, 413, 503]) {
            try await search($0, $1)
        }
        routes.add(.post, ":objectType/batch/create", "batchCreate", "Create up to 100 records, all or none",
                   request: "BatchInputForCreate", response: "BatchResponse", status: 201) { try await batchCreate($0, $1) }
        routes.add(.post, ":objectType/batch/read", "batchRead", "Read up to 100 records", request: "BatchInputIds",
                   response: "BatchResponse",
                   also: [.json(207, "BatchResponse", "Some records were not found: results holds the others, errors the missing ids")]) {
            try await batchRead($0, $1)
        }
        routes.add(.post, ":objectType/batch/update", "batchUpdate", "Change up to 100 records, all or none",
                   request: "BatchInputUpdate", response: "BatchResponse") { try await batchUpdate($0, $1) }
        routes.add(.post, ":objectType/batch/archive", "batchArchive", "Archive up to 100 records", request: "BatchInputIds",
                   status: 204) { try await batchArchive($0, $1) }
    }

    func type(_ context: HelpDeskRequestContext) throws -> String {
        try context.parameters.require("objectType")
    }

    func readOptions(_ request: Request) -> ReadOptions {
        let query = request.uri.queryParameters
        func list(_ name: String) -> [String] {
            query.getAll(name).flatMap { $0.split(separator: ",").map(String.init) }.filter { !$0.isEmpty }
        }
        let properties = list("properties")
        return ReadOptions(properties: properties.isEmpty ? nil : properties,
                           propertiesWithHistory: list("propertiesWithHistory"), associations: list("associations"),
                           archived: query.get("archived") == "true")
    }

    func page(_ request: Request, _ context: HelpDeskRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        let limit = try QueryNumber.read("limit", in: request, default: 10)
        let type = try type(context)
        let (views, next) = try await desk.records.page(type: type, after: query.get("after"), limit: limit,
                                                         options: readOptions(request), by: try context.requireCaller())
        return JSONBody.response(RecordPageJSON(results: views.map { RecordJSON($0, typeName: type) }, next: next))
    }

    func read(_ request: Request, _ context: HelpDeskRequestContext) async throws -> Response {
        let type = try type(context), id: String = try context.parameters.require("id")
        let idProperty = request.uri.queryParameters.get("idProperty")
        guard let view = try await desk.records.read(type: type, ids: [id], idProperty: idProperty,
                                                     options: readOptions(request), by: try context.requireCaller()).first else {
            throw APIError.notFound("\(try await label(type)) \(id) does not exist.")
        }
        return JSONBody.response(RecordJSON(view, typeName: type))
    }

    /// One entry of a record's timeline as the API shows it.
    struct TimelineEntry: Encodable {
        var id: String
        var type: String
        var occurredAt: String
        var actorId: String
        var sourceType: String
        var propertyName: String?
        var oldValue: String?
        var newValue: String?
        var values: [String: String]?
        var conversationId: String?
    }

    func timeline(_ request: Request, _ context: HelpDeskRequestContext) async throws -> Response {
        let type = try type(context), id: String = try context.parameters.require("id")
        let limitText = request.uri.queryParameters.get("limit") ?? "100"
        guard let limit = Int(limitText), (1...500).contains(limit) else {
            throw APIError(status: .badRequest, category: "VALIDATION_ERROR", message: "limit must be between 1 and 500; \"\(limitText)\" given.")
        }
        let events = try await desk.records.timeline(type: type, id: id, limit: limit, by: try context.requireCaller())
        let entries = events.map { event in
            TimelineEntry(id: String(event.position), type: event.kind.rawValue, occurredAt: event.occurredAt.isoString,
                          actorId: event.actor, sourceType: event.source, propertyName: event.property, oldValue: event.oldValue,
                          newValue: event.newValue, values: event.values.isEmpty ? nil : event.values,
                          conversationId: event.conversationID.map(String.init))
        }
        return try JSONBody.response(["results": entries])
    }

    func create(_ request: Request, _ context: HelpDeskRequestContext) async throws -> Response {
        let buffer = try await JSONBody.collect(request)
        let input = try JSONBody.plainProperties(in: buffer).map { RecordInput(properties: $0) }
            ?? JSONBody.decode(CreateBody.self, from: buffer).input
        let type = try type(context)
        let records = try await desk.records.create(type: type, [input], by: try context.requireCaller())
        return JSONBody.response(try await json(records, type: type)[0], status: .created)
    }

    func update(_ request: Request, _ context: HelpDeskRequestContext) async throws -> Response {
        let buffer = try await JSONBody.collect(request)
        let properties = try JSONBody.plainProperties(in: buffer)
            ?? PropertyValue.strings(JSONBody.decode(UpdateBody.self, from: buffer).properties)
        let type = try type(context), id: String = try context.parameters.require("id")
        let idProperty = request.uri.queryParameters.get("idProperty")
        let records = try await desk.records.update(type: type, [(id, properties)],
                                                    idProperty: idProperty, by: try context.requireCaller())
        return JSONBody.response(try await json(records, type: type).first!)
    }

    func archive(_ request: Request, _ context: HelpDeskRequestContext) async throws -> Response {
        try await desk.records.archive(type: try type(context), ids: [try context.parameters.require("id")],
                                       by: try context.requireCaller())
        return JSONBody.noContent()
    }

    func restore(_ request: Request, _ context: HelpDeskRequestContext) async throws -> Response {
        let type = try type(context)
        let record = try await desk.records.restore(type: type, id: try context.parameters.require("id"), by: try context.requireCaller())
        return JSONBody.response(try await json([record], type: type)[0])
    }

    func search(_ request: Request, _ context: HelpDeskRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(SearchBody.self, from: request)
        let type = try type(context)
        var groups: [[SearchRequest.Filter]] = []
        for group in (body.filterGroups ?? []).map(\.filters) + (body.filters.map { [$0] } ?? []) {
            groups.append(try group.map { filter in
                guard let op = SearchRequest.Operator(rawValue: filter.operator.uppercased()) else {
                    throw APIError.badRequest("Unknown filter operator \"\(filter.operator)\"; use one of "
                        + SearchRequest.Operator.allCases.map(\.rawValue).joined(separator: ", ") + ".")
                }
                return SearchRequest.Filter(propertyName: filter.propertyName, operator: op, value: filter.value?.text,
                                            highValue: filter.highValue?.text, values: (filter.values ?? []).map(\.text))
            })
        }
        let sorts = try (body.sorts ?? []).map { sort -> SearchRequest.Sort in
            switch sort {
            case .text(let text):
                return text.hasPrefix("-") ? .init(propertyName: String(text.dropFirst()), descending: true)
                    : .init(propertyName: text, descending: false)
            case .object(let object):
                let direction = (object.direction ?? "ASCENDING").uppercased()
                guard ["ASCENDING", "DESCENDING", "ASC", "DESC"].contains(direction) else {
                    throw APIError.badRequest("Sort direction must be ASCENDING or DESCENDING; \"\(direction)\" given.")
                }
                return .init(propertyName: object.propertyName, descending: direction.hasPrefix("DESC"))
            }
        }
        let afterText = body.after?.text ?? ""
        guard afterText.isEmpty || Int(afterText) != nil else {
            throw APIError.badRequest("after must be the value from the previous page's paging.next.after; \"\(afterText)\" is not.")
        }
        let request = SearchRequest(filterGroups: groups, sorts: sorts, query: body.query, properties: body.properties ?? [],
                                    limit: body.limit ?? 10, offset: Int(afterText) ?? 0)
        let (total, views, next) = try await desk.records.search(type: type, request, by: try context.requireCaller())
        return JSONBody.response(RecordPageJSON(total: total, results: views.map { RecordJSON($0, typeName: type) }, next: next))
    }

    func batchCreate(_ request: Request, _ context: HelpDeskRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(BatchBody<CreateBody>.self, from: request)
        try checkBatchSize(body.inputs.count)
        let type = try type(context)
        let started = Timestamp.now()
        let records = try await desk.records.create(type: type, body.inputs.map(\.input), by: try context.requireCaller())
        return try JSONBody.response(BatchJSON(results: try await json(records, type: type), startedAt: started.isoString,
                                               completedAt: Timestamp.now().isoString), status: .created)
    }

    func batchRead(_ request: Request, _ context: HelpDeskRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(BatchBody<IDBody>.self, from: request)
        try checkBatchSize(body.inputs.count)
        let type = try type(context)
        let started = Timestamp.now()
        let options = ReadOptions(properties: (body.properties ?? []).isEmpty ? nil : body.properties,
                                  propertiesWithHistory: body.propertiesWithHistory ?? [],
                                  archived: request.uri.queryParameters.get("archived") == "true")
        let ids = body.inputs.map(\.id)
        let views = try await desk.records.read(type: type, ids: ids, idProperty: body.idProperty, options: options,
                                                by: try context.requireCaller())
        let found = Set(views.map(\.record.id))
        let missing = body.idProperty == nil ? ids.filter { !found.contains($0) } : []
        var batch = BatchJSON(results: views.map { RecordJSON($0, typeName: type) }, startedAt: started.isoString,
                              completedAt: Timestamp.now().isoString)
        if !missing.isEmpty {
            batch.errors = [.init(category: "OBJECT_NOT_FOUND", message: "Could not get some \(type) objects, they may be deleted or not exist.",
                                  context: ["ids": missing])]
            batch.numErrors = missing.count
        }
        return try JSONBody.response(batch, status: missing.isEmpty ? .ok : .init(code: 207, reasonPhrase: "Multi-Status"))
    }

    func batchUpdate(_ request: Request, _ context: HelpDeskRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(BatchBody<UpdateBody>.self, from: request)
        try checkBatchSize(body.inputs.count)
        let type = try type(context)
        let started = Timestamp.now()
        let changes = try body.inputs.map { input -> (id: String, properties: [String: String]) in
            guard let id = input.id else { throw APIError.badRequest("Every input of a batch update needs an \"id\".") }
            return (id, PropertyValue.strings(input.properties))
        }
        let records = try await desk.records.update(type: type, changes, idProperty: body.idProperty ?? body.inputs.first?.idProperty,
                                                    by: try context.requireCaller())
        return try JSONBody.response(BatchJSON(results: try await json(records, type: type), startedAt: started.isoString,
                                               completedAt: Timestamp.now().isoString))
    }

    func batchArchive(_ request: Request, _ context: HelpDeskRequestContext) async throws -> Response {
        let body = try await JSONBody.decode(BatchBody<IDBody>.self, from: request)
        try checkBatchSize(body.inputs.count)
        try await desk.records.archive(type: try type(context), ids: body.inputs.map(\.id), by: try context.requireCaller())
        return JSONBody.noContent()
    }

    func checkBatchSize(_ count: Int) throws {
        guard (1...100).contains(count) else {
            throw APIError.badRequest("A batch holds 1 to 100 inputs; \(count) given.")
        }
    }

    func json(_ records: [Record], type: String) async throws -> [RecordJSON] {
        let defaults = BuiltInProperties.defaultReadProperties(for: try await desk.objectType(type))
        return records.map { RecordJSON($0, schemaDefaults: defaults) }
    }

    func label(_ type: String) async throws -> String {
        try await desk.objectType(type).singularLabel
    }
}
