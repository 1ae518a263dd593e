import HelpDeskCore
import HelpDeskStore

/// Why the help desk refused a request, in words a user can act on. The HTTP layer maps each case
/// to a status code and an error category.
public enum HelpDeskError: Error, Sendable, CustomStringConvertible {
    case invalidInput(RecordInputError)
    case invalidSearch(SearchError)
    case invalidForm(FormError)
    case badRequest(String)
    case notFound(String)
    case forbidden(AccessDenied)
    case conflict(String)
    case unauthenticated(String)
    /// The help desk cannot answer now; the same request may succeed later.
    case unavailable(String)
    /// Too many failed attempts: the next may be made after this many seconds.
    case tooManyAttempts(String, retryAfterSeconds: Int)

    public var message: String {
        switch self {
        case .invalidInput(let error): error.message
        case .invalidSearch(let error): error.message
        case .invalidForm(let error): error.message
        case .badRequest(let message), .notFound(let message), .conflict(let message), .unauthenticated(let message),
             .unavailable(let message), .tooManyAttempts(let message, _): message
        case .forbidden(let denied): denied.reason
        }
    }

    public var description: String { message }
}

/// The user on whose behalf a change is made, and where it came from (`API`, `CLI`, ...).
public struct Caller: Sendable {
    public var user: User
    public var source: String

    public init(user: User, source: String) {
        self.user = user
        self.source = source
    }

    /// The user id of the help desk's own changes.
    public static let systemUserID = "system"

    /// The help desk itself, for changes no user made (mail arriving, automation).
    public static func system(source: String) -> Caller {
        Caller(user: User(id: systemUserID, email: "system", roles: [.superAdmin], createdAt: Timestamp(millisecondsSince1970: 0),
                          updatedAt: Timestamp(millisecondsSince1970: 0)), source: source)
    }

    func check(_ action: Access.Action) throws(HelpDeskError) {
        do {
            try Access.check(user, may: action)
        } catch {
            throw .forbidden(error)
        }
    }

    /// R8: the records of help-desk object types this caller may see.
    func visibility(for type: ObjectType) -> Visibility {
        guard type.isTicket, !user.roles.contains(.superAdmin) else { return .everything }
        switch user.ticketScope {
        case .all: return .everything
        case .own: return .ownedBy(user.id)
        case .team: return .ownedByOrTeams(user.id, user.teamIDs)
        }
    }
}
