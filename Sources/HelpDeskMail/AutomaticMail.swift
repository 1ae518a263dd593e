/// Why a message was sent by a machine rather than a person. Such mail never creates tickets and
/// never triggers automatic replies, which is what keeps a help desk and an autoresponder from
/// mailing each other forever.
public enum AutomaticMail: Sendable, Equatable {
    /// An out-of-office or other automatic answer, or a read receipt.
    case autoReply
    /// A delivery failure report.
    case bounce
    /// Mailing-list, newsletter or other mass mail.
    case bulk

    /// Classifies a message from its header fields and, when known, the SMTP envelope sender
    /// (`MAIL FROM`). Evidence is weighed bounce first, then auto-reply, then bulk, since a bounce
    /// of a list message is still a bounce.
    static func classify(headers: MailHeaders, from: MailAddress?, envelopeSender: String?) -> AutomaticMail? {
        let contentType = headers["Content-Type"].map(MIMEHeaderValue.init)
        let reportType = contentType?.value == "multipart/report"
            ? contentType?[parameter: "report-type"].map { ASCII.lowercased($0) } : nil
        if reportType == "delivery-status" || headers["X-Failed-Recipients"] != nil {
            return .bounce
        }
        let senders = [from?.address, AddressList.parse(headers["Sender"]).first?.address].compactMap { $0 }
        if senders.contains(where: isDeliverySystem) { return .bounce }

        if reportType == "disposition-notification" || isAutoReply(headers) { return .autoReply }

        // RFC 3834 asks auto-responders to use the null sender too, so it is weighed after them.
        let returnPath = envelopeSender ?? headers["Return-Path"]
        if let returnPath, returnPath.allSatisfy({ $0 == "<" || $0 == ">" || $0.isWhitespace }) {
            return .bounce
        }

        let precedence = headers["Precedence"].map { ASCII.lowercased(ASCII.trimmed($0)) }
        if precedence == "bulk" || precedence == "junk" || precedence == "list"
            || headers["List-Id"] != nil || headers["List-Unsubscribe"] != nil {
            return .bulk
        }
        return nil
    }

    private static func isDeliverySystem(_ address: String) -> Bool {
        let local = ASCII.lowercased(String(address.split(separator: "@", maxSplits: 1).first ?? ""))
        return local == "mailer-daemon" || local == "postmaster"
    }

    private static func isAutoReply(_ headers: MailHeaders) -> Bool {
        if let submitted = headers["Auto-Submitted"] {
            // The keyword may carry parameters or a comment: `auto-replied; owner-email=...`.
            let keyword = ASCII.lowercased(ASCII.trimmed(String(submitted.prefix { $0 != ";" && $0 != "(" })))
            if keyword != "no", !keyword.isEmpty { return true }
        }
        if headers["X-Autoreply"] != nil || headers["X-Autorespond"] != nil || headers["X-Autoresponder"] != nil {
            return true
        }
        if headers["Precedence"].map({ ASCII.lowercased(ASCII.trimmed($0)) }) == "auto_reply" { return true }
        // Outlook and many notification systems set X-Auto-Response-Suppress on ordinary mail to ask
        // others not to answer it, so on its own it proves nothing. Exchange also sets it (All or
        // OOF) on its out-of-office replies, whose subjects then start with an automatic-reply
        // prefix; only that combination counts.
        if let suppress = headers["X-Auto-Response-Suppress"] {
            let values = suppress.split(whereSeparator: { $0 == "," || $0.isWhitespace }).map { ASCII.lowercased(String($0)) }
            if values.contains("all") || values.contains("oof") {
                let subject = ASCII.lowercased(EncodedWords.decode(headers["Subject"] ?? ""))
                return autoReplySubjectPrefixes.contains { ASCII.trimmed(subject).hasPrefix($0) }
            }
        }
        return false
    }

    /// Subject prefixes Exchange and common autoresponders use, lowercased.
    private static let autoReplySubjectPrefixes = [
        "automatic reply", "auto reply", "autoreply", "auto-reply", "out of office", "out of the office",
        "automatische antwort", "abwesenheitsnotiz", "réponse automatique", "respuesta automática",
        "risposta automatica", "resposta automática", "automatisch antwoord",
    ]
}

extension MailMessage {
    /// Why this message is machine-sent, given the SMTP envelope sender (`MAIL FROM`, "" or "<>"
    /// for the null sender), or nil for mail from a person. `automatic` is this with no envelope.
    public func automatic(envelopeSender: String?) -> AutomaticMail? {
        AutomaticMail.classify(headers: headers, from: from, envelopeSender: envelopeSender)
    }
}
