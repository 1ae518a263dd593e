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
}
