import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// `/crm/v3/properties/{objectType}`: the typed properties of each object type.
struct PropertyRoutes {
    let desk: HelpDesk

    struct OptionJSON: Codable {
        var label: String
        var value: String
        var displayOrder: Int?
        var hidden: Bool?
        var description: String?
    }

    struct PropertyJSON: Encodable {
        struct Modification: Encodable {
            var archivable: Bool
            var readOnlyDefinition: Bool
            var readOnlyValue: Bool
        }
        var name: String
        var label: String
        var type: String
        var fieldType: String
        var description: String
        var groupName: String
        var options: [OptionJSON]
        var displayOrder = -1
        var calculated = false
        var externalOptions = false
        var hasUniqueValue: Bool
        var hidden = false
        var hubspotDefined: Bool?
        var formField: Bool
        var modificationMetadata: Modification
        var createdAt: String
        var updatedAt: String
        var archived = false

        init(_ view: PropertyView) {
            let definition = view.definition
            name = definition.name
            label = definition.label
            type = definition.type.rawValue
            fieldType = definition.fieldType
            description = definition.description
            groupName = definition.groupName
            options = definition.options.map {
                OptionJSON(label: $0.label, value: $0.value, displayOrder: $0.displayOrder, hidden: $0.hidden)
            }
            hasUniqueValue = definition.hasUniqueValue
            hubspotDefined = definition.builtIn ? true : nil
            formField = !definition.readOnlyValue
            modificationMetadata = Modification(archivable: !definition.builtIn, readOnlyDefinition: definition.builtIn,
                                                readOnlyValue: definition.readOnlyValue)
            createdAt = view.createdAt.isoString
            updatedAt = view.updatedAt.isoString
        }
    }

    struct PropertyBody: Decodable {
        var name: String?
        var label: String?
        var type: String?
        var fieldType: String?
        var groupName: String?
        var description: String?
        var options: [OptionJSON]?
        var hasUniqueValue: Bool?

        /// The definition this body describes, on top of `base` when updating.
        func definition(base: PropertyDefinition?) throws -> PropertyDefinition {
            guard let name = name ?? base?.name else { throw APIError.badRequest("A property needs a \"name\".") }
            guard let label = label ?? base?.label else { throw APIError.badRequest("Property \"\(name)\" needs a \"label\".") }
            let typeName = type ?? base?.type.rawValue ?? ""
            guard let propertyType = PropertyType(rawValue: typeName) else {
                throw APIError.badRequest("Property type \"\(typeName)\" is unknown; use one of: "
                    + PropertyType.allCases.map(\.rawValue).joined(separator: ", ") + ".")
            }
            let options = self.options.map { list in
                list.enumerated().map { index, option in
                    PropertyDefinition.Option(label: option.label, value: option.value,
                                              displayOrder: option.displayOrder ?? index, hidden: option.hidden ?? false)
                }
            } ?? base?.options ?? []
            return PropertyDefinition(
                name: name, label: label, type: propertyType, fieldType: fieldType ?? base?.fieldType,
                groupName: groupName ?? base?.groupName ?? "information", description: description ?? base?.description ?? "",
                options: options, hasUniqueValue: hasUniqueValue ?? base?.hasUniqueValue ?? false)
        }
    }

    func register(_ properties: RouteBook.Section) {
        properties.add(.get, ":objectType", "getAllProperties", "List a type's properties", response: "PropertyList") { _, context in
            let list = try await desk.schemas.properties(of: try type(context), by: try context.requireCaller())
            return try JSONBody.response(PipelineRoutes.ListJSON(results: list.map(PropertyJSON.init)))
        }
        properties.add(.post, ":objectType", "createProperty", "Create a custom property", request: "PropertyCreate",
                       response: "Property", status: 201, errors: [400, 404, 409, 413]) { request, context in
            let body = try await JSONBody.decode(PropertyBody.self, from: request)
            let view = try await desk.schemas.saveProperty(try body.definition(base: nil), of: try type(context), isNew: true,
                                                           by: try context.requireCaller())
            return try JSONBody.response(PropertyJSON(view), status: .created)
        }
        properties.add(.get, ":objectType/:propertyName", "getProperty", "Read a property", response: "Property") { _, context in
            let view = try await desk.schemas.property(try context.parameters.require("propertyName"), of: try type(context),
                                                       by: try context.requireCaller())
            return try JSONBody.response(PropertyJSON(view))
        }
        properties.add(.patch, ":objectType/:propertyName", "updateProperty", "Change a custom property", request: "PropertyCreate",
                       response: "Property") { request, context in
            let body = try await JSONBody.decode(PropertyBody.self, from: request)
            let caller = try context.requireCaller()
            let name: String = try context.parameters.require("propertyName")
            let current = try await desk.schemas.property(name, of: try type(context), by: caller)
            var definition = try body.definition(base: current.definition)
            definition.name = name
            let view = try await desk.schemas.saveProperty(definition, of: try type(context), isNew: false, by: caller)
            return try JSONBody.response(PropertyJSON(view))
        }
        properties.add(.delete, ":objectType/:propertyName", "archiveProperty", "Archive a custom property",
                       status: 204, errors: [400, 404]) { _, context in
            try await desk.schemas.archiveProperty(try context.parameters.require("propertyName"), of: try type(context),
                                                   by: try context.requireCaller())
            return JSONBody.noContent()
        }
    }

    func type(_ context: HelpDeskRequestContext) throws -> String {
        try context.parameters.require("objectType")
    }
}
