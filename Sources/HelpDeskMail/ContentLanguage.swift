extension MailMessage {
    /// The language the sender's mail program says the message is in (RFC 3282 Content-Language):
    /// the primary subtag of its first tag, lowercased, such as `fr` for `fr-CA, en`. `nil` when
    /// the header is missing or names no language, so routing by language (A7) asks for nothing.
    public var language: String? {
        guard let value = headers["Content-Language"] else { return nil }
        let first = value.split(separator: ",").first?.drop { $0 == " " || $0 == "\t" } ?? ""
        let primary = first.prefix { $0 != "-" && $0 != " " && $0 != "\t" && $0 != ";" }.lowercased()
        guard (2...3).contains(primary.count), primary.allSatisfy({ $0.isASCII && $0.isLetter }) else { return nil }
        return primary
    }
}
