/// Something an agent knows (A7), named by a ticket property and one of its values: the
/// language `hs_language` = `fr`, the category `hs_ticket_category` = `BILLING_ISSUE`. A rule
/// that requires skills for a property lets only agents who have the ticket's value take it.
public struct Skill: Sendable, Hashable, Codable, Comparable, CustomStringConvertible {
    public var property: String
    public var value: String

    public init(property: String, value: String) {
        self.property = property
        self.value = value
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
