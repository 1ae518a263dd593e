import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// `/crm/v4/objects/{type}/{id}/associations/...`: links between records.
struct AssociationRoutes {
    let desk: HelpDesk

    struct SpecBody: Decodable {
        var associationCategory: String?
        var associationTypeId: Int
    }

    struct SpecJSON: Encodable {
        var associationCategory: String
        var associationTypeId: Int
    }

    struct ObjectID: Encodable { var id: String }

    struct DefaultJSON: Encodable {
        var from: ObjectID
        var to: ObjectID
        var associationSpec: SpecJSON
    }

    struct LabelsJSON: Encodable {
        var fromObjectTypeId: String
        var fromObjectId: Int
        var toObjectTypeId: String
        var toObjectId: Int
        var labels: [String]
    }

    struct LinkJSON: Encodable {
        struct TypeJSON: Encodable {
            var category: String
            var typeId: Int
            var label: String?
        }
        var toObjectId: Int
        var associationTypes: [TypeJSON]
    }

    struct PageJSON: Encodable {
        var results: [LinkJSON]
        var paging: RecordPageJSON.Paging?
    }

    func register(_ objects: RouteBook.Section) {
        objects.add(.put, ":fromType/:fromId/associations/default/:toType/:toId", "createDefaultAssociation",
                    "Link two records with the default association type", response: "DefaultAssociationResponse") { _, context in
            let (fromType, fromID, toType, toID) = try parameters(context)
            let type = try await desk.associations.associate(fromType, fromID, with: toType, toID, by: try context.requireCaller())
            let now = Timestamp.now().isoString
            return try JSONBody.response(BatchJSON(
                results: [DefaultJSON(from: ObjectID(id: fromID), to: ObjectID(id: toID),
                                      associationSpec: SpecJSON(associationCategory: type.category, associationTypeId: type.id))],
                startedAt: now, completedAt: now))
        }
        objects.add(.put, ":fromType/:fromId/associations/:toType/:toId", "createAssociation",
                    "Link two records with the given association types", request: "AssociationSpec[]",
                    response: "LabelsBetweenObjectPair", status: 201) { request, context in
            let specs = try await JSONBody.decode([SpecBody].self, from: request)
            let (fromType, fromID, toType, toID) = try parameters(context)
            _ = try await desk.associations.associate(fromType, fromID, with: toType, toID, typeIDs: specs.map(\.associationTypeId),
                                                      categories: specs.map(\.associationCategory), by: try context.requireCaller())
            return try JSONBody.response(LabelsJSON(
                fromObjectTypeId: try await desk.objectType(fromType).id, fromObjectId: Int(fromID) ?? 0,
                toObjectTypeId: try await desk.objectType(toType).id, toObjectId: Int(toID) ?? 0, labels: []), status: .created)
        }
        objects.add(.delete, ":fromType/:fromId/associations/:toType/:toId", "archiveAssociation", "Unlink two records",
                    status: 204) { _, context in
            let (fromType, fromID, toType, toID) = try parameters(context)
            try await desk.associations.dissociate(fromType, fromID, from: toType, toID, by: try context.requireCaller())
            return JSONBody.noContent()
        }
        objects.add(.get, ":fromType/:fromId/associations/:toType", "getAssociations", "List the records linked to a record",
                    response: "AssociationPage", query: [("limit", "1 to 500"), ("after", "Cursor")]) { request, context in
            let query = request.uri.queryParameters
            let limit = try QueryNumber.read("limit", in: request, default: 500)
            let (links, next) = try await desk.associations.list(
                try context.parameters.require("fromType"), try context.parameters.require("fromId"),
                toType: try context.parameters.require("toType"), after: query.get("after"), limit: limit,
                by: try context.requireCaller())
            return try JSONBody.response(PageJSON(
                results: links.map { link in
                    LinkJSON(toObjectId: Int(link.toObjectID) ?? 0,
                             associationTypes: link.types.map { .init(category: $0.category, typeId: $0.id, label: $0.label) })
                },
                paging: next.map { .init(next: .init(after: $0)) }))
        }
    }

    func parameters(_ context: HelpDeskRequestContext) throws -> (String, String, String, String) {
        (try context.parameters.require("fromType"), try context.parameters.require("fromId"),
         try context.parameters.require("toType"), try context.parameters.require("toId"))
    }
}
