/// The value type of a record property. Values travel as strings; the type says which strings are
/// valid and how they compare in search.
public enum PropertyType: String, Sendable, Codable, CaseIterable {
    case string
    case number
    case date
    case datetime
    case enumeration
    case bool
}
