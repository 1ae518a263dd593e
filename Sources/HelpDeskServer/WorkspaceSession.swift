import HelpDeskEngine
import Hummingbird

/// The workspace's cookies and the check of each page request's session. The session cookie is
/// HttpOnly and SameSite=Lax, Secure when the request came over HTTPS (directly or through a proxy
/// that says so); every change a page makes carries the session's CSRF token and must come from
/// this site.
struct WorkspaceSession: RouterMiddleware {
    typealias Context = HelpDeskRequestContext
    let desk: HelpDesk

    static let cookie = "helpdesk_session"
    /// Before sign-in: the token the sign-in form sends back, against login CSRF.
    static let signInCookie = "helpdesk_sign_in"

    func handle(_ request: Request, context: HelpDeskRequestContext,
                next: (Request, HelpDeskRequestContext) async throws -> Response) async throws -> Response {
        var context = context
        if let token = request.cookies[Self.cookie]?.value, let (user, csrf) = try await desk.accounts.session(token: token) {
            context.caller = Caller(user: user, source: "WORKSPACE")
            context.csrfToken = csrf
        }
        if request.method == .post, !Self.isSameOrigin(request) {
            return WorkspacePage.message(status: .forbidden, title: "Request refused",
                                         message: "This change was sent from another site; make it from the help desk's own pages.")
        }
        return try await WorkspacePage.$address.withValue(Self.address(of: request)) { try await next(request, context) }
    }

    /// The page a request shows: its own path for a GET; for a form sent, the page it was sent
    /// from (a page's own route may name a better one: `WorkspacePage.submitted`), where the
    /// answer's header switch leads back rather than to the form's action.
    static func address(of request: Request) -> String {
        let named = request.method == .get ? request.uri.description : request.headers[.referer]
        return WorkspacePage.localPath(named) ?? "/"
    }

    /// A browser names the page a form was sent from; one from elsewhere is refused.
    static func isSameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin], origin != "null" else { return true }
        guard let host = request.head.authority else { return false }
        let bare = origin.split(separator: "/", omittingEmptySubsequences: true).dropFirst().first.map(String.init)
        return bare?.lowercased() == host.lowercased()
    }

    static func isSecure(_ request: Request) -> Bool {
        request.uri.scheme == .https || request.headers[.init("X-Forwarded-Proto")!]?.lowercased() == "https"
    }

    static func cookie(_ name: String, value: String, path: String = "/", maxAge: Int?, for request: Request) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: path, secure: isSecure(request), httpOnly: true, sameSite: .lax)
    }
}
