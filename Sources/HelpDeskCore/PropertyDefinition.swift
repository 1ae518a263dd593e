/// One property of an object type: its name, label, value type and, for enumerations, the options
/// a value must come from. Built-in properties are defined by the help desk; admins add custom ones.
public struct PropertyDefinition: Sendable, Hashable, Codable {
    /// One allowed value of an enumeration property.
    public struct Option: Sendable, Hashable, Codable {
        public var label: String
        public var value: String
        public var displayOrder: Int
        public var hidden: Bool

        public init(label: String, value: String, displayOrder: Int = 0, hidden: Bool = false) {
            self.label = label
            self.value = value
            self.displayOrder = displayOrder
            self.hidden = hidden
        }
    }

    public var name: String
    public var label: String
    public var type: PropertyType
    public var fieldType: String
    public var groupName: String
    public var description: String
    public var options: [Option]
    /// Set by the help desk itself (ids, timestamps): clients may read it but never write it.
    public var readOnlyValue: Bool
    public var builtIn: Bool
    public var hasUniqueValue: Bool

    public init(
        name: String, label: String, type: PropertyType, fieldType: String? = nil,
        groupName: String = "information", description: String = "", options: [Option] = [],
        readOnlyValue: Bool = false, builtIn: Bool = false, hasUniqueValue: Bool = false
    ) {
        self.name = name
        self.label = label
        self.type = type
        self.fieldType = fieldType ?? Self.defaultFieldType(for: type)
        self.groupName = groupName
        self.description = description
        self.options = options
        self.readOnlyValue = readOnlyValue
        self.builtIn = builtIn
        self.hasUniqueValue = hasUniqueValue
    }

    public static func defaultFieldType(for type: PropertyType) -> String {
        switch type {
        case .string: "text"
        case .number: "number"
        case .date: "date"
        case .datetime: "date"
        case .enumeration: "select"
        case .bool: "booleancheckbox"
        }
    }

    /// Whether an enumeration holds several values at once, separated by `;`.
    public var isMultiValued: Bool { type == .enumeration && fieldType == "checkbox" }

    /// Checks a value given by a client and returns the form it is stored in: numbers without
    /// noise, dates as `YYYY-MM-DD`, datetimes as ISO 8601 in UTC with milliseconds, booleans as
    /// `true`/`false`. The empty string clears the property.
    public func normalize(_ raw: String) throws(PropertyValueError) -> String {
        if raw.isEmpty { return raw }
        switch type {
        case .string:
            return raw
        case .number:
            guard let number = Double(raw.trimmingSpaces), number.isFinite else {
                throw .notANumber(property: name, value: raw)
            }
            return Self.format(number)
        case .bool:
            switch raw.lowercased() {
            case "true", "1", "yes": return "true"
            case "false", "0", "no": return "false"
            default: throw .notABoolean(property: name, value: raw)
            }
        case .date:
            guard let millis = Timestamp.parse(raw) else { throw .notADate(property: name, value: raw) }
            return Timestamp(millisecondsSince1970: millis).dateString
        case .datetime:
            guard let millis = Timestamp.parse(raw) else { throw .notADate(property: name, value: raw) }
            return Timestamp(millisecondsSince1970: millis).isoString
        case .enumeration:
            let allowed = Set(options.map(\.value))
            let values = isMultiValued ? raw.split(separator: ";").map(String.init) : [raw]
            for value in values where !allowed.contains(value) {
                throw .notAnOption(property: name, value: value, allowed: options.map(\.value))
            }
            return raw
        }
    }

    /// The number a stored value sorts and compares by in search, if it has one.
    public func numericValue(of stored: String) -> Double? {
        switch type {
        case .number: Double(stored)
        case .date, .datetime: Timestamp.parse(stored).map(Double.init)
        case .bool: stored == "true" ? 1 : stored == "false" ? 0 : nil
        case .string, .enumeration: nil
        }
    }

    static func format(_ number: Double) -> String {
        if number == number.rounded(), abs(number) < 1e15 { return String(Int64(number)) }
        return String(number)
    }
}

/// Why a property value was refused.
public enum PropertyValueError: Error, Equatable, Sendable {
    case notANumber(property: String, value: String)
    case notABoolean(property: String, value: String)
    case notADate(property: String, value: String)
    case notAnOption(property: String, value: String, allowed: [String])

    public var property: String {
        switch self {
        case .notANumber(let p, _), .notABoolean(let p, _), .notADate(let p, _), .notAnOption(let p, _, _): p
        }
    }

    public var message: String {
        switch self {
        case .notANumber(let p, let v): "Property \"\(p)\" is a number; \"\(v)\" is not a number."
        case .notABoolean(let p, let v): "Property \"\(p)\" is a boolean; \"\(v)\" is neither true nor false."
        case .notADate(let p, let v):
            "Property \"\(p)\" is a date; \"\(v)\" is neither milliseconds since 1970 nor an ISO 8601 date."
        case .notAnOption(let p, let v, let allowed):
            "\"\(v)\" is not an option of property \"\(p)\"; allowed: \(allowed.joined(separator: ", "))."
        }
    }
}

extension String {
    var trimmingSpaces: Substring {
        var s = Substring(self)
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return s
    }

    /// Without leading and trailing white space of any kind, line breaks included.
    var trimmingWhitespace: Substring {
        var s = Substring(self)
        while let first = s.first, first.isWhitespace { s.removeFirst() }
        while let last = s.last, last.isWhitespace { s.removeLast() }
        return s
    }
}
