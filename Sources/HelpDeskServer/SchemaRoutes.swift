import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// `/crm/v3/schemas`: custom object types.
struct SchemaRoutes {
    let desk: HelpDesk

    struct SchemaJSON: Encodable {
        struct Labels: Codable {
            var singular: String?
            var plural: String?
        }
        struct AssociationJSON: Encodable {
            var id: String
            var fromObjectTypeId: String
            var toObjectTypeId: String
            var name: String
            var createdAt: String?
            var updatedAt: String?
        }
        var id: String
        var objectTypeId: String
        var fullyQualifiedName: String
        var name: String
        var labels: Labels
        var primaryDisplayProperty: String
        var requiredProperties: [String]
        var searchableProperties: [String]
        var secondaryDisplayProperties: [String] = []
        var properties: [PropertyRoutes.PropertyJSON]
        var associations: [AssociationJSON]
        var createdAt: String
        var updatedAt: String
        var archived = false

        init(_ view: ObjectTypeView, allTypes: [ObjectType]) {
            let type = view.type
            id = type.id
            objectTypeId = type.id
            fullyQualifiedName = type.isCustom ? "p_\(type.name)" : type.name
            name = type.name
            labels = Labels(singular: type.singularLabel, plural: type.pluralLabel)
            primaryDisplayProperty = type.primaryDisplayProperty
            requiredProperties = type.requiredProperties
            searchableProperties = type.searchableProperties
            properties = view.properties.map(PropertyRoutes.PropertyJSON.init)
            associations = allTypes.filter { $0.id != type.id }.map { other in
                let link = AssociationType.defaultType(from: type.id, to: other.id)
                return AssociationJSON(id: String(link.id), fromObjectTypeId: type.id, toObjectTypeId: other.id,
                                       name: RecordJSON.label(from: type.name, to: other.name, link).uppercased())
            }
            createdAt = view.createdAt.isoString
            updatedAt = view.createdAt.isoString
        }
    }

    struct SchemaBody: Decodable {
        var name: String?
        var labels: SchemaJSON.Labels?
        var primaryDisplayProperty: String?
        var requiredProperties: [String]?
        var searchableProperties: [String]?
        var properties: [PropertyRoutes.PropertyBody]?
        var associatedObjects: [String]?
    }

    /// The API names associated types in the singular upper case (`CONTACT`, `COMPANY`).
    static func pluralTypeName(_ name: String) -> String {
        switch name.uppercased() {
        case "CONTACT": "contacts"
        case "COMPANY": "companies"
        case "DEAL": "deals"
        case "TICKET": "tickets"
        default: name
        }
    }

    func register(_ schemas: RouteBook.Section) {
        schemas.add(.get, "", "getAllSchemas", "List custom object types", response: "ObjectSchemaList") { _, context in
            let caller = try context.requireCaller()
            let views = try await desk.schemas.objectTypes(customOnly: true, by: caller)
            let all = try await desk.schemas.objectTypes(customOnly: false, by: caller).map(\.type)
            return try JSONBody.response(PipelineRoutes.ListJSON(results: views.map { SchemaJSON($0, allTypes: all) }))
        }
        schemas.add(.post, "", "createSchema", "Define a custom object type", request: "ObjectSchemaEgg", response: "ObjectSchema",
                    status: 201) { request, context in
            let body = try await JSONBody.decode(SchemaBody.self, from: request)
            guard let name = body.name else { throw APIError.badRequest("An object type needs a \"name\".") }
            let caller = try context.requireCaller()
            let draft = ObjectTypeDraft(
                name: name, singularLabel: body.labels?.singular ?? "", pluralLabel: body.labels?.plural ?? "",
                primaryDisplayProperty: body.primaryDisplayProperty, requiredProperties: body.requiredProperties ?? [],
                searchableProperties: body.searchableProperties ?? [],
                properties: try (body.properties ?? []).map { try $0.definition(base: nil) },
                associatedTypes: (body.associatedObjects ?? []).map(Self.pluralTypeName))
            let view = try await desk.schemas.createObjectType(draft, by: caller)
            let all = try await desk.schemas.objectTypes(customOnly: false, by: caller).map(\.type)
            return try JSONBody.response(SchemaJSON(view, allTypes: all), status: .created)
        }
        schemas.add(.get, ":objectType", "getSchema", "Read an object type", response: "ObjectSchema") { _, context in
            let caller = try context.requireCaller()
            let view = try await desk.schemas.objectType(try context.parameters.require("objectType"), by: caller)
            let all = try await desk.schemas.objectTypes(customOnly: false, by: caller).map(\.type)
            return try JSONBody.response(SchemaJSON(view, allTypes: all))
        }
        schemas.add(.delete, ":objectType", "archiveSchema", "Archive a custom object type that has no records",
                    status: 204, errors: [400, 404, 409]) { _, context in
            try await desk.schemas.archiveObjectType(try context.parameters.require("objectType"), by: try context.requireCaller())
            return JSONBody.noContent()
        }
    }
}
