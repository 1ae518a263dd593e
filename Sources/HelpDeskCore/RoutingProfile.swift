/// What routing knows of an agent besides their account (A6, A7): whether they are taking
/// tickets, when they work, what they know, and how much they can hold at once.
public struct RoutingProfile: Sendable, Hashable, Codable {
    /// The agent's own switch in the workspace header.
    public enum Status: String, Sendable, Hashable, Codable, CaseIterable {
        case available = "AVAILABLE"
        case away = "AWAY"
    }

    public var status: Status
    /// When the agent works, in their time zone; at any time when `nil`.
    public var workingHours: OpeningHours?
    public var skills: Set<Skill>
    /// At most this many open tickets of a type at once; no limit for a type not named.
    public var capacity: [WorkType: Int]
    /// A8: the number a call channel's routing rings for this agent (E.164).
    public var phone: String?
    /// A6: available only while their primary team's office hours, else the help desk's, are open
    /// (their own working hours then do not count).
    public var followsOfficeHours: Bool

    public init(status: Status = .available, workingHours: OpeningHours? = nil, skills: Set<Skill> = [], capacity: [WorkType: Int] = [:],
                phone: String? = nil, followsOfficeHours: Bool = false) {
        self.status = status
        self.workingHours = workingHours
        self.skills = skills
        self.capacity = capacity
        self.phone = phone
        self.followsOfficeHours = followsOfficeHours
    }

    /// Reads a stored profile; settings added since it was kept take their defaults.
    public init(from decoder: any Decoder) throws {
        let values = try decoder.container(keyedBy: CodingKeys.self)
        self.init(status: try values.decodeIfPresent(Status.self, forKey: .status) ?? .available,
                  workingHours: try values.decodeIfPresent(OpeningHours.self, forKey: .workingHours),
                  skills: try values.decodeIfPresent(Set<Skill>.self, forKey: .skills) ?? [],
                  capacity: try values.decodeIfPresent([WorkType: Int].self, forKey: .capacity) ?? [:],
                  phone: try values.decodeIfPresent(String.self, forKey: .phone),
                  followsOfficeHours: try values.decodeIfPresent(Bool.self, forKey: .followsOfficeHours) ?? false)
    }

    /// The largest capacity an admin may set: a limit, not a target.
    public static let maxCapacity = 1_000
}

extension WorkType: CodingKeyRepresentable {}

extension RoutingProfile {
    /// Checks skills and capacity against the tickets' properties; every problem in one error.
    public func validated(tickets: RecordSchema) throws(RoutingSetupError) -> RoutingProfile {
        var problems: [String] = []
        for skill in skills.sorted() {
            guard let property = tickets.properties[skill.property] else {
                problems.append("Tickets have no property \"\(skill.property)\" for the skill \(skill).")
                continue
            }
            if !property.options.isEmpty, !property.options.contains(where: { $0.value == skill.value }) {
                problems.append("\"\(skill.value)\" is not one of the values of \(property.label) for the skill \(skill).")
            }
        }
        for (type, limit) in capacity.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where !(0...Self.maxCapacity).contains(limit) {
            problems.append("The capacity for \(type.title) must be between 0 and \(Self.maxCapacity); \(limit) given.")
        }
        if let phone, !ChannelSettings.isPhoneNumber(phone) {
            problems.append("\"\(phone)\" is not a phone number in international form, such as +33123456789.")
        }
        guard problems.isEmpty else { throw RoutingSetupError(problems: problems) }
        return self
    }
}
