/// The ticket reference in the subject of the help desk's outgoing mail, `[#123]`. A reply whose
/// client dropped the threading headers still finds its ticket by it (C3); it is only trusted
/// for a sender already in that ticket's conversations, so a guessed number leads nowhere.
public enum TicketToken {
    public static func tag(ticketID: String) -> String {
        "[#\(ticketID)]"
    }

    /// The ticket id of the last `[#digits]` in a subject.
    public static func ticketID(inSubject subject: String) -> String? {
        var found: String?
        var rest = Substring(subject)
        while let start = rest.firstRange(of: "[#") {
            let after = rest[start.upperBound...]
            let digits = after.prefix { $0.isASCII && $0.isNumber }
            if !digits.isEmpty, digits.count <= 18, after.dropFirst(digits.count).first == "]" {
                found = String(digits)
            }
            rest = after
        }
        return found
    }

    /// The team address with the ticket in its local part, `support+t123@example.com`, for the
    /// Reply-To of outgoing mail: a reply that lost its headers and its subject still finds the
    /// ticket, under the same trust rule as the subject's token.
    public static func replyAddress(teamAddress: String, ticketID: String) -> String {
        let parts = teamAddress.split(separator: "@", maxSplits: 1)
        guard parts.count == 2 else { return teamAddress }
        return "\(parts[0])+t\(ticketID)@\(parts[1])"
    }

    /// The team address a reply address is made from, and the ticket it names; `nil` when the
    /// address carries no ticket tag.
    public static func split(replyAddress address: String) -> (teamAddress: String, ticketID: String)? {
        let parts = address.split(separator: "@", maxSplits: 1)
        guard parts.count == 2, let plus = parts[0].lastIndex(of: "+") else { return nil }
        let tag = parts[0][parts[0].index(after: plus)...]
        let digits = tag.dropFirst()
        guard tag.first == "t", !digits.isEmpty, digits.count <= 18, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return ("\(parts[0][..<plus])@\(parts[1])", String(digits))
    }
}
