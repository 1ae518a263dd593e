/// One stored record (ticket, contact, company, deal or custom object) with its property values.
public struct Record: Sendable, Hashable {
    public var id: String
    public var objectType: String
    public var properties: [String: String]
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var archived: Bool
    public var archivedAt: Timestamp?

    public init(id: String, objectType: String, properties: [String: String], createdAt: Timestamp,
                updatedAt: Timestamp, archived: Bool = false, archivedAt: Timestamp? = nil) {
        self.id = id
        self.objectType = objectType
        self.properties = properties
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.archived = archived
        self.archivedAt = archivedAt
    }

    /// The property holding the owner's user id, on every type.
    public static let ownerProperty = "hubspot_owner_id"
    /// The property holding the owning team's id, on every type.
    public static let teamProperty = "hubspot_team_id"
}

/// How a record's values are indexed for search: one entry per property, text lowered and cut
/// to a length an index can hold, numbers (and dates as milliseconds) kept for range filters.
public struct IndexedValue: Sendable, Hashable {
    public var name: String
    public var text: String
    public var number: Double?

    public static let maxTextLength = 200

    /// The creation and modification times are not among them: records keep those in columns of
    /// their own, which search uses instead.
    public static func entries(for properties: [String: String], schema: RecordSchema) -> [IndexedValue] {
        properties.keys.sorted().compactMap { name in
            guard let value = properties[name], !value.isEmpty, !schema.isTimestamp(name) else { return nil }
            return IndexedValue(name: name, text: searchable(value),
                                number: schema.properties[name]?.numericValue(of: value))
        }
    }

    /// The form a value is compared in: lowercased and cut to `maxTextLength` characters.
    public static func searchable(_ value: String) -> String {
        // A value of at most that many bytes has at most that many characters: no need to count them.
        value.utf8.count <= maxTextLength ? value.lowercased() : String(value.lowercased().prefix(maxTextLength))
    }

    /// The text the free-text `query` of a search matches: the words of the type's searchable
    /// properties, lowercased, split at anything that is not a letter or digit. Both databases
    /// then see the same words, whatever their own tokenizers make of `SN-1` or an email address.
    public static func fullText(of properties: [String: String], type: ObjectType) -> String {
        let text = type.searchableProperties.compactMap { properties[$0] }.joined(separator: " ")
        return asciiWords(of: text) ?? words(of: text).joined(separator: " ")
    }

    /// `words(of:)` joined by spaces, for ASCII text (nearly every ticket), one byte at a time
    /// instead of one grapheme with its Unicode properties; `nil` for any other text.
    static func asciiWords(of text: String) -> String? {
        var text = text
        return text.withUTF8 { bytes -> String? in
            var output: [UInt8] = []
            output.reserveCapacity(bytes.count)
            var inWord = false
            for byte in bytes {
                let lowered: UInt8
                switch byte {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"): lowered = byte
                case UInt8(ascii: "A")...UInt8(ascii: "Z"): lowered = byte + 32
                case 0x80...: return nil
                default:
                    inWord = false
                    continue
                }
                if !inWord, !output.isEmpty { output.append(UInt8(ascii: " ")) }
                output.append(lowered)
                inWord = true
            }
            return String(decoding: output, as: UTF8.self)
        }
    }

    public static func words(of text: String) -> [Substring] {
        text.lowercased().split { !$0.isLetter && !$0.isNumber }
    }
}
