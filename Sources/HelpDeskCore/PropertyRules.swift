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

    /// The internal name a label suggests when the admin gives none: its letters and digits in
    /// lowercase ASCII (a Latin letter with an accent as the letter without it), every other run
    /// of characters one underscore, and a leading `p_` when it would not start with a letter.
    /// "Délai (jours)" gives `delai_jours`.
    public static func name(derivedFrom label: String) -> String {
        var name = ""
        for scalar in label.lowercased().unicodeScalars {
            if let letter = asciiLetter(scalar) {
                name.unicodeScalars.append(letter)
            } else if scalar.properties.isDiacritic || scalar.properties.isAlphabetic {
                continue
            } else if !name.isEmpty, name.last != "_" {
                name.append("_")
            }
        }
        while name.last == "_" { name.removeLast() }
        if name.first.map({ !$0.isLetter }) ?? true { name = "p_" + name }
        return String(name.prefix(100))
    }

    /// A lowercase ASCII letter or digit, or the base letter of a Latin letter with marks, by its
    /// Unicode name ("LATIN SMALL LETTER E WITH ACUTE").
    static func asciiLetter(_ scalar: Unicode.Scalar) -> Unicode.Scalar? {
        if (97...122).contains(scalar.value) || (48...57).contains(scalar.value) { return scalar }
        guard let unicodeName = scalar.properties.name else { return nil }
        for prefix in ["LATIN SMALL LETTER ", "LATIN CAPITAL LETTER "] where unicodeName.hasPrefix(prefix) {
            let base = unicodeName.dropFirst(prefix.count).prefix { $0 != " " }
            if base.count == 1, let letter = base.lowercased().unicodeScalars.first, (97...122).contains(letter.value) { return letter }
        }
        return nil
    }
}

/// Why a property definition was refused.
public struct PropertyDefinitionError: Error, Sendable, Equatable {
    public var problems: [String]
    public var message: String { problems.joined(separator: " ") }
}
