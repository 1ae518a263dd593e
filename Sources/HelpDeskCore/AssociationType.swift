/// A kind of link between two object types, numbered as in the CRM v4 associations API so that
/// existing clients keep their type ids (ticket to contact is 16, contact to ticket 15, ...).
public struct AssociationType: Sendable, Hashable {
    public var id: Int
    /// The id of the same link seen from the other side.
    public var inverseID: Int
    public var category: String
    public var label: String?

    public init(id: Int, inverseID: Int, category: String = "HUBSPOT_DEFINED", label: String? = nil) {
        self.id = id
        self.inverseID = inverseID
        self.category = category
        self.label = label
    }

    /// The categories the CRM v4 API names.
    public static let categories = ["HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED"]

    /// Why a request may not name this type with `category`, if it may not; `nil` when it names none.
    public func problem(withCategory category: String?) -> String? {
        guard let category else { return nil }
        guard Self.categories.contains(category) else {
            return "associationCategory must be one of \(Self.categories.joined(separator: ", ")); \"\(category)\" given."
        }
        guard category == self.category else { return "Association type \(id) is \(self.category); \"\(category)\" given." }
        return nil
    }

    static let known: [String: (Int, Int)] = [
        "0-5>0-1": (16, 15), "0-5>0-2": (339, 340), "0-5>0-3": (28, 27),
        "0-1>0-2": (279, 280), "0-3>0-1": (3, 4), "0-3>0-2": (341, 342),
        "0-27>0-1": (204, 203), "0-27>0-2": (192, 191), "0-27>0-3": (216, 215), "0-27>0-5": (230, 229),
    ]

    /// The default link from one type to another (type ids such as `0-5`).
    public static func defaultType(from: String, to: String) -> AssociationType {
        if let ids = known["\(from)>\(to)"] { return AssociationType(id: ids.0, inverseID: ids.1) }
        if let ids = known["\(to)>\(from)"] { return AssociationType(id: ids.1, inverseID: ids.0) }
        // Links with custom types: a stable number derived from the pair, odd one way, even the other.
        let (low, high) = from < to ? (from, to) : (to, from)
        var hash: UInt32 = 2_166_136_261
        for byte in "\(low)>\(high)".utf8 {
            hash = (hash ^ UInt32(byte)) &* 16_777_619
        }
        let base = 100_000 + Int(hash % 400_000) * 2
        return from < to ? AssociationType(id: base + 1, inverseID: base + 2, category: "USER_DEFINED")
            : AssociationType(id: base + 2, inverseID: base + 1, category: "USER_DEFINED")
    }
}

/// One link from a record to a record of another type.
public struct Association: Sendable, Hashable {
    public var toObjectID: String
    public var types: [AssociationType]

    public init(toObjectID: String, types: [AssociationType]) {
        self.toObjectID = toObjectID
        self.types = types
    }
}
