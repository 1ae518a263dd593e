/// Something an agent knows (A7), named by a ticket property and one of its values: the
/// language `hs_language` = `fr`, the category `hs_ticket_category` = `BILLING_ISSUE`. A rule
/// that requires skills for a property lets only agents who have the ticket's value take it.
public struct Skill: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var property: String
    public var value: String

    /// A language is kept as its primary subtag in lower case (`FR`, `fr-CA` → `fr`), as mail's
    /// Content-Language gives it, so that an agent's "French" skill meets every French ticket.
    public init(property: String, value: String) {
        self.property = property
        self.value = property == Self.languageProperty ? Self.primaryLanguage(value) : value
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.init(property: try container.decode(String.self, forKey: .property), value: try container.decode(String.self, forKey: .value))
    }

    /// The ticket property that holds its language.
    public static let languageProperty = "hs_language"

    static func primaryLanguage(_ tag: String) -> String {
        let primary = tag.prefix { $0 != "-" && $0 != "_" }
        return primary.isEmpty ? tag : primary.lowercased()
    }

    /// Reads `property=value`.
    public init?(_ text: String) {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let property = String(text[..<equals]), value = String(text[text.index(after: equals)...])
        guard !property.isEmpty, !value.isEmpty else { return nil }
        self.init(property: property, value: value)
    }

    public var description: String { "\(property)=\(value)" }

    public static func < (a: Skill, b: Skill) -> Bool { (a.property, a.value) < (b.property, b.value) }

    /// The skills a ticket asks for: its value of each of the rule's skill properties (each
    /// value of a multiple choice). A property the ticket leaves empty asks for nothing.
    public static func required(by properties: [String: String], skillProperties: [String]) -> [Skill] {
        var skills: [Skill] = []
        for property in skillProperties {
            guard let value = properties[property] else { continue }
            for part in value.split(separator: ";") where !part.isEmpty {
                skills.append(Skill(property: property, value: String(part)))
            }
        }
        return skills
    }
}
