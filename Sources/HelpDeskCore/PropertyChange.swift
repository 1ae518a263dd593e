/// One property of one record going from one value to another; `nil` means no value.
/// The event log keeps these, and the activity timeline shows them (R7).
public struct PropertyChange: Sendable, Hashable, Codable {
    public var name: String
    public var oldValue: String?
    public var newValue: String?

    public init(name: String, oldValue: String?, newValue: String?) {
        self.name = name
        self.oldValue = oldValue
        self.newValue = newValue
    }
}
