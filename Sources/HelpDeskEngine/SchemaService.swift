import HelpDeskCore
import HelpDeskStore

/// What an admin gives to define a custom object type.
public struct ObjectTypeDraft: Sendable {
    public var name: String
    public var singularLabel: String
    public var pluralLabel: String
    public var primaryDisplayProperty: String?
    public var requiredProperties: [String]
    public var searchableProperties: [String]
    public var properties: [PropertyDefinition]
    public var associatedTypes: [String]

    public init(name: String, singularLabel: String, pluralLabel: String, primaryDisplayProperty: String?,
                requiredProperties: [String], searchableProperties: [String], properties: [PropertyDefinition],
                associatedTypes: [String]) {
        self.name = name
        self.singularLabel = singularLabel
        self.pluralLabel = pluralLabel
        self.primaryDisplayProperty = primaryDisplayProperty
        self.requiredProperties = requiredProperties
        self.searchableProperties = searchableProperties
        self.properties = properties
        self.associatedTypes = associatedTypes
    }
}

/// An object type with its properties, as the schemas and properties APIs show it.
public struct ObjectTypeView: Sendable {
    public var type: ObjectType
    public var properties: [PropertyView]
    public var createdAt: Timestamp
}

/// A property with its timestamps (built-in ones date from the install).
public struct PropertyView: Sendable {
    public var definition: PropertyDefinition
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
}

/// Custom object types (P1) and the properties of every type.
public struct SchemaService: Sendable {
    let desk: HelpDesk

    public func objectTypes(customOnly: Bool, by caller: Caller) async throws -> [ObjectTypeView] {
        let types = try await desk.catalog.objectTypes().filter { !customOnly || $0.isCustom }
        var views: [ObjectTypeView] = []
        for type in types {
            views.append(try await view(of: type))
        }
        return views
    }

    public func objectType(_ reference: String, by caller: Caller) async throws -> ObjectTypeView {
        try await view(of: try await desk.catalog.schema(for: reference).type)
    }

    public func createObjectType(_ draft: ObjectTypeDraft, by caller: Caller) async throws -> ObjectTypeView {
        try caller.check(.configureObjectTypes)
        let name = draft.name.lowercased()
        let existing = try await desk.catalog.objectTypes()
        var problems: [String] = []
        if name.isEmpty || !name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) || name.first?.isLetter != true {
            problems.append("Object type name \"\(draft.name)\" must start with a letter and hold only letters, digits and underscores.")
        }
        if existing.contains(where: { $0.name == name }) {
            problems.append("An object type named \"\(name)\" already exists.")
        }
        if draft.singularLabel.isEmpty || draft.pluralLabel.isEmpty {
            problems.append("An object type needs singular and plural labels.")
        }
        let names = Set(draft.properties.map(\.name))
        for required in draft.requiredProperties + draft.searchableProperties + [draft.primaryDisplayProperty].compactMap({ $0 })
        where !names.contains(required) {
            problems.append("\"\(required)\" is named as required, searchable or primary but is not among the type's properties.")
        }
        let probe = RecordSchema(type: ObjectType(id: "2-0", name: name, singularLabel: draft.singularLabel,
                                                  pluralLabel: draft.pluralLabel, primaryDisplayProperty: "",
                                                  searchableProperties: [], hasPipelines: true, isCustom: true),
                                 properties: BuiltInProperties.definitions(for: .init(
                                    id: "2-0", name: name, singularLabel: "", pluralLabel: "", primaryDisplayProperty: "",
                                    searchableProperties: [], hasPipelines: true, isCustom: true)), pipelines: [])
        for property in draft.properties {
            do {
                try PropertyRules.check(property, schema: probe, isNew: true)
            } catch {
                problems += error.problems
            }
        }
        for associated in draft.associatedTypes where !existing.contains(where: { $0.isNamed(associated) }) {
            problems.append("Cannot associate with unknown object type \"\(associated)\".")
        }
        guard problems.isEmpty else { throw HelpDeskError.badRequest(problems.joined(separator: " ")) }
        let now = desk.clock()
        let type = try await desk.configure(.schemas, by: caller, item: \.id) { session in
            let number = try await session.nextValue(of: "object_type")
            let type = ObjectType(
                id: "2-\(number)", name: name, singularLabel: draft.singularLabel, pluralLabel: draft.pluralLabel,
                primaryDisplayProperty: draft.primaryDisplayProperty ?? draft.properties.first?.name ?? "hs_object_id",
                requiredProperties: draft.requiredProperties,
                searchableProperties: draft.searchableProperties.isEmpty
                    ? draft.properties.filter { $0.type == .string }.map(\.name) : draft.searchableProperties,
                hasPipelines: true, isCustom: true)
            try await session.saveObjectType(type, now: now)
            for property in draft.properties {
                try await session.saveProperty(property, objectType: type.id, now: now)
            }
            return type
        }
        return try await view(of: type)
    }

    /// Archives a custom object type that holds no live records.
    public func archiveObjectType(_ reference: String, by caller: Caller) async throws {
        try caller.check(.configureObjectTypes)
        let schema = try await desk.catalog.schema(for: reference)
        guard schema.type.isCustom else { throw HelpDeskError.badRequest("Built-in object types cannot be archived.") }
        let now = desk.clock()
        try await desk.configure(.schemas, objectType: schema.type.id, by: caller, item: { _ in schema.type.id }) { session in
            let live = try await session.recordPage(type: schema.type, afterID: 0, limit: 1, archived: false, visibility: .everything)
            guard live.isEmpty else {
                throw HelpDeskError.conflict("Object type \"\(schema.type.name)\" still has records; archive them first.")
            }
            try await session.saveObjectType(schema.type, archived: true, now: now)
        }
    }

    public func properties(of reference: String, by caller: Caller) async throws -> [PropertyView] {
        try await view(of: try await desk.catalog.schema(for: reference).type).properties
    }

    public func property(_ name: String, of reference: String, by caller: Caller) async throws -> PropertyView {
        guard let property = try await properties(of: reference, by: caller).first(where: { $0.definition.name == name }) else {
            throw HelpDeskError.notFound("Property \"\(name)\" does not exist on \(reference).")
        }
        return property
    }

    /// Creates or (with `isNew` false) changes a custom property.
    public func saveProperty(_ definition: PropertyDefinition, of reference: String, isNew: Bool,
                             by caller: Caller) async throws -> PropertyView {
        try caller.check(.configureProperties)
        let schema = try await desk.catalog.schema(for: reference)
        if !isNew, schema.properties[definition.name] == nil {
            throw HelpDeskError.notFound("Property \"\(definition.name)\" does not exist on \(schema.type.name).")
        }
        do {
            try PropertyRules.check(definition, schema: schema, isNew: isNew)
        } catch {
            throw isNew && schema.properties[definition.name] != nil
                ? HelpDeskError.conflict(error.message) : HelpDeskError.badRequest(error.message)
        }
        let now = desk.clock()
        try await desk.configure(.properties, objectType: schema.type.id, by: caller, item: { _ in definition.name }) { session in
            try await session.saveProperty(definition, objectType: schema.type.id, now: now)
        }
        return try await property(definition.name, of: reference, by: caller)
    }

    public func archiveProperty(_ name: String, of reference: String, by caller: Caller) async throws {
        try caller.check(.configureProperties)
        let schema = try await desk.catalog.schema(for: reference)
        guard let definition = schema.properties[name] else {
            throw HelpDeskError.notFound("Property \"\(name)\" does not exist on \(schema.type.name).")
        }
        guard !definition.builtIn else { throw HelpDeskError.badRequest("Built-in property \"\(name)\" cannot be archived.") }
        let now = desk.clock()
        try await desk.configure(.properties, objectType: schema.type.id, by: caller, item: { _ in name }) { session in
            try await session.saveProperty(definition, objectType: schema.type.id, archived: true, now: now)
        }
    }

    func view(of type: ObjectType) async throws -> ObjectTypeView {
        let custom = try await desk.database.read { session in try await session.customProperties(objectType: type.id) }
        let epoch = Timestamp(millisecondsSince1970: 0)
        let builtIn = BuiltInProperties.definitions(for: type).map { PropertyView(definition: $0, createdAt: epoch, updatedAt: epoch) }
        let views = builtIn + custom.map { PropertyView(definition: $0.definition, createdAt: $0.createdAt, updatedAt: $0.updatedAt) }
        return ObjectTypeView(type: type, properties: views, createdAt: custom.map(\.createdAt).min() ?? epoch)
    }
}
