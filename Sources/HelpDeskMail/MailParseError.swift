/// Why bytes received as an email could not be read as one.
public enum MailParseError: Error, Sendable, Equatable {
    /// MIME parts are nested deeper than the limit, which no mail program produces.
    case tooDeep(limit: Int)

    public var message: String {
        switch self {
        case .tooDeep(let limit):
            "The message nests MIME parts more than \(limit) levels deep; send it without the extra nesting, "
                + "for example by attaching the inner message as a file."
        }
    }
}
