/// How a routing rule picks one agent among the candidates left (A4).
public enum Distribution: String, Sendable, Hashable, Codable, CaseIterable {
    /// The candidate with the fewest open tickets of the ticket's type (A5); among equals, the
    /// one who has gone longest without a routed ticket.
    case loadBalanced = "LOAD_BALANCED"
    /// Each candidate in turn, in a fixed rotation kept by the help desk.
    case roundRobin = "ROUND_ROBIN"
    case random = "RANDOM"

    public var title: String {
        switch self {
        case .loadBalanced: "load balanced"
        case .roundRobin: "round robin"
        case .random: "random"
        }
    }
}
