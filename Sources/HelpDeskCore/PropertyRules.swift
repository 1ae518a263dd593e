/// Checks a custom property an admin defines: a fresh lowercase name, a type with a matching
/// field type, and, for enumerations, distinct option values.
public enum PropertyRules {
    static let fieldTypes: [PropertyType: Set<String>] = [
        .string: ["text", "textarea", "html", "phonenumber", "file"],
        .number: ["number", "calculation_equation"],
        .date: ["date"],
        .datetime: ["date"],
        .enumeration: ["select", "radio", "checkbox", "booleancheckbox"],
        .bool: ["booleancheckbox", "calculation_equation"],
    ]

    public static func check(_ definition: PropertyDefinition, schema: RecordSchema, isNew: Bool) throws(PropertyDefinitionError) {
        var problems: [String] = []
        let name = definition.name
        let validName = name.utf8.first.map { $0 >= 97 && $0 <= 122 } == true
            && name.utf8.allSatisfy { ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 }
            && name.utf8.count <= 100
        if !validName {
            problems.append("Property name \"\(name)\" must start with a lowercase letter and hold only lowercase letters, digits and underscores (at most 100).")
        }
        if isNew, schema.properties[name] != nil {
            problems.append("Property \"\(name)\" already exists on \(schema.type.name).")
        }
        if !isNew, schema.properties[name]?.builtIn == true {
            problems.append("Property \"\(name)\" is built in and cannot be changed.")
        }
        if definition.label.trimmingSpaces.isEmpty {
            problems.append("Property \"\(name)\" needs a label.")
        }
        if fieldTypes[definition.type]?.contains(definition.fieldType) != true {
            let allowed = (fieldTypes[definition.type] ?? []).sorted().joined(separator: ", ")
            problems.append("Field type \"\(definition.fieldType)\" does not suit type \(definition.type.rawValue); use one of: \(allowed).")
        }
        if definition.type == .enumeration {
            if definition.options.isEmpty {
                problems.append("Enumeration property \"\(name)\" needs at least one option.")
            }
            var seen = Set<String>()
            for option in definition.options where !seen.insert(option.value).inserted {
                problems.append("Option value \"\(option.value)\" appears twice in \"\(name)\".")
            }
            for option in definition.options where option.value.isEmpty || option.value.contains(";") {
                problems.append("Option values of \"\(name)\" must be non-empty and contain no \";\".")
            }
        }
        guard problems.isEmpty else { throw PropertyDefinitionError(problems: problems) }
    }
}

/// Why a property definition was refused.
public struct PropertyDefinitionError: Error, Sendable, Equatable {
    public var problems: [String]
    public var message: String { problems.joined(separator: " ") }
}
