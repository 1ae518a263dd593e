extension RoutingDecision {
    /// The decision as stored with its ticket, in the shape `Codable` reads back: written by hand
    /// because every routed ticket stores one inside the single writer, where a general-purpose
    /// encoder took longer than the decision itself.
    public var json: String {
        var writer = JSONWriter(capacity: 256 + candidates.count * 64)
        writer.raw("{")
        writer.key("assignment", first: true)
        writer.string(assignment.rawValue)
        writer.key("availableOnly")
        writer.bool(availableOnly)
        writer.key("workType")
        writer.string(workType.rawValue)
        writer.key("named")
        writer.number(named)
        if let ownerID {
            writer.key("ownerID")
            writer.string(ownerID)
        }
        if let teamID {
            writer.key("teamID")
            writer.string(teamID)
        }
        if let distribution {
            writer.key("distribution")
            writer.string(distribution.rawValue)
        }
        if let contactOwnerID {
            writer.key("contactOwnerID")
            writer.string(contactOwnerID)
        }
        writer.key("requiredSkills")
        Self.write(requiredSkills, to: &writer)
        writer.key("leftOut")
        writer.raw("{")
        for (index, reason) in leftOut.keys.sorted(by: { $0.rawValue < $1.rawValue }).enumerated() {
            writer.key(reason.rawValue, first: index == 0)
            writer.number(leftOut[reason] ?? 0)
        }
        writer.raw("}")
        writer.key("candidates")
        writer.raw("[")
        for (index, candidate) in candidates.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.raw("{")
            writer.key("userID", first: true)
            writer.string(candidate.userID)
            if let load = candidate.load {
                writer.key("load")
                writer.number(load)
            }
            if let excluded = candidate.excluded {
                writer.key("excluded")
                writer.string(excluded.rawValue)
            }
            if let missing = candidate.missingSkills {
                writer.key("missingSkills")
                Self.write(missing, to: &writer)
            }
            if let capacity = candidate.capacity {
                writer.key("capacity")
                writer.number(capacity)
            }
            if let open = candidate.openTickets {
                writer.key("openTickets")
                writer.number(open)
            }
            writer.raw("}")
        }
        writer.raw("]}")
        return writer.text
    }

    private static func write(_ skills: [Skill], to writer: inout JSONWriter) {
        writer.raw("[")
        for (index, skill) in skills.enumerated() {
            if index > 0 { writer.raw(",") }
            writer.raw("{")
            writer.key("property", first: true)
            writer.string(skill.property)
            writer.key("value")
            writer.string(skill.value)
            writer.raw("}")
        }
        writer.raw("]")
    }
}
