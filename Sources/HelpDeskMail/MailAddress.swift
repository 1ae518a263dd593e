/// A mailbox from an address header: an optional display name and the address itself.
public struct MailAddress: Sendable, Hashable {
    /// The display name with encoded words decoded, or nil when there is none.
    public var name: String?
    /// `local@domain` with the domain lowercased; the local part keeps its case, which the
    /// receiving domain may treat as significant.
    public var address: String

    public init(name: String?, address: String) {
        self.name = name
        self.address = Self.normalised(address)
    }

    static func normalised(_ address: String) -> String {
        guard let at = address.utf8.lastIndex(of: ASCII.at) else { return address }
        return String(address[..<at]) + ASCII.lowercased(String(address[at...]))
    }
}
