/// When the help desk may send mail by itself (acknowledgements, and later automation's
/// emails), so that it never feeds a mail loop: never to machine addresses, never to an address
/// that bounced lately, and only a few times per ticket and recipient in an hour and per
/// recipient in a day, whatever the rules ask.
public enum AutomaticMailPolicy {
    public static let maxPerTicketAndRecipientPerHour = 3
    public static let maxPerRecipientPerDay = 20
    /// How long a bounced address is skipped by automatic mail.
    public static let bounceQuarantineDays = 7

    /// Why an automatic mail is not sent.
    public enum Refusal: Sendable, Equatable, CustomStringConvertible {
        case machineAddress(String)
        case bounced(String, since: Timestamp)
        case tooMany(String, count: Int, window: String)

        public var description: String {
            switch self {
            case .machineAddress(let address): "\(address) is a machine's address; automatic mail never goes there."
            case .bounced(let address, let since): "Mail to \(address) bounced on \(since.isoString); automatic mail skips it for a while."
            case .tooMany(let address, let count, let window): "\(address) already got \(count) automatic messages in \(window): a loop guard holds the next."
            }
        }
    }

    /// - Parameters:
    ///   - recentSends: the automatic mail already sent to this recipient in the last day, with
    ///     the ticket each was about.
    public static func refusal(for recipient: String, ticketID: String?, bouncedAt: Timestamp?,
                               recentSends: [(ticketID: String?, at: Timestamp)], now: Timestamp) -> Refusal? {
        let address = recipient.lowercased()
        if isMachineAddress(address) { return .machineAddress(address) }
        if let bouncedAt, now < bouncedAt.adding(milliseconds: Int64(bounceQuarantineDays) * 86_400_000) {
            return .bounced(address, since: bouncedAt)
        }
        let dayAgo = now.adding(milliseconds: -86_400_000), hourAgo = now.adding(milliseconds: -3_600_000)
        let today = recentSends.filter { $0.at > dayAgo }
        if today.count >= maxPerRecipientPerDay { return .tooMany(address, count: today.count, window: "a day") }
        let thisTicket = today.filter { $0.at > hourAgo && $0.ticketID == ticketID }
        if thisTicket.count >= maxPerTicketAndRecipientPerHour {
            return .tooMany(address, count: thisTicket.count, window: "an hour about this ticket")
        }
        return nil
    }

    /// Addresses of systems, not people: no-reply senders, mailer daemons, bounce handlers, lists.
    public static func isMachineAddress(_ address: String) -> Bool {
        let local = address.lowercased().split(separator: "@").first.map(String.init) ?? ""
        let squeezed = local.filter { $0 != "-" && $0 != "_" && $0 != "." }
        let exact: Set<String> = ["mailerdaemon", "postmaster", "noreply", "donotreply", "dontreply", "bounce", "bounces",
                                  "listserv", "majordomo", "nobody"]
        if exact.contains(squeezed) { return true }
        return squeezed.hasPrefix("noreply") || squeezed.hasPrefix("donotreply") || squeezed.hasPrefix("bounce")
            || local.hasSuffix("-bounces") || local.hasPrefix("owner-")
    }
}
