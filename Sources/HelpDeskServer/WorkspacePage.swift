import Foundation
import HelpDeskEngine
import Hummingbird

/// How the workspace answers with HTML: its templates, under headers that let a page run only
/// the workspace's own script and style, frame only the workspace's own email frames, never be
/// framed, and never be cached with a user's data.
enum WorkspacePage {
    static let contentSecurityPolicy = """
        default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
        frame-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'
        """

    /// The address of the page being answered, for forms that come back to it (`WorkspaceSession`).
    @TaskLocal static var address = "/"

    /// The path and query of `text` when it names a page of this site; only those are kept, so
    /// that a link made from it never leads elsewhere.
    static func localPath(_ text: String?) -> String? {
        guard let text, let url = URLComponents(string: text) else { return nil }
        let path = url.percentEncodedPath
        guard path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\") else { return nil }
        return path + (url.percentEncodedQuery.map { "?" + $0 } ?? "")
    }

    static func render(_ template: String, _ values: Any, status: HTTPResponse.Status = .ok) -> Response {
        switch WorkspaceTemplates.shared {
        case .success(let templates):
            return html(templates.render(template, values), status: status)
        case .failure(let error):
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; charset=utf-8"
            return Response(status: .internalServerError, headers: headers, body: .init(byteBuffer: ByteBuffer(string: "\(error)\n")))
        }
    }

    static func html(_ page: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        secure(&headers)
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
    }

    static func secure(_ headers: inout HTTPFields) {
        headers[.contentSecurityPolicy] = contentSecurityPolicy
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        headers[.init("Referrer-Policy")!] = "same-origin"
        headers[.init("X-Frame-Options")!] = "DENY"
    }

    /// A page that says one thing, with a way on.
    static func message(status: HTTPResponse.Status, title: String, message: String, link: (href: String, label: String)? = nil) -> Response {
        struct Link {
            var href: String
            var label: String
        }
        struct View {
            var title: String
            var message: String
            var link: Link?
        }
        return render("message", View(title: title, message: message, link: link.map { Link(href: $0.href, label: $0.label) }), status: status)
    }

    /// Runs a page for a signed-in user (else to the sign-in page), answering the help desk's
    /// refusals with a page that says why.
    static func signedIn(_ context: HelpDeskRequestContext, _ body: (Caller, String) async throws -> Response) async throws -> Response {
        guard let caller = context.caller, let csrf = context.csrfToken else { return redirect(to: "/sign-in") }
        do {
            return try await body(caller, csrf)
        } catch let error as HelpDeskError {
            return refusal(error)
        }
    }

    /// A form a signed-in page sent, URL-encoded or with files: read, and checked against the
    /// session's CSRF token (a form from a page older than the session is refused, with a way
    /// `back`). A body is read only for a signed-in session: nobody else may have files buffered.
    /// A page the body answers with is at `back`'s address, for the forms that come back to it.
    static func submitted(_ request: Request, _ context: HelpDeskRequestContext, back: (href: String, label: String)? = nil,
                          _ body: (Caller, String, SubmittedForm) async throws -> Response) async throws -> Response {
        try await signedIn(context) { caller, csrf in
            let form = try await SubmittedForm.read(request)
            guard form["csrf"] == csrf else {
                return message(status: .forbidden, title: "Request refused",
                               message: "The page was too old to make this change; reload it and try again.", link: back ?? ("/", "Go to the workspace"))
            }
            return try await $address.withValue(back?.href ?? address) { try await body(caller, csrf, form) }
        }
    }

    /// A page that says why the help desk refused; something the user may not see is not found.
    static func refusal(_ error: HelpDeskError) -> Response {
        switch error {
        case .notFound(let text):
            Self.message(status: .notFound, title: "Not found", message: text, link: ("/", "Go to the workspace"))
        case .forbidden(let denied):
            Self.message(status: .forbidden, title: "Not allowed", message: denied.reason, link: ("/", "Go to the workspace"))
        default:
            Self.message(status: AccountRoutes.status(of: error), title: "Not done", message: error.message, link: ("/", "Go to the workspace"))
        }
    }

    /// After a change, the browser goes on to another page (303: with GET).
    static func redirect(to location: String, cookies: [Cookie] = []) -> Response {
        var headers = HTTPFields()
        headers[.location] = location
        headers[.cacheControl] = "no-store"
        var response = Response(status: .seeOther, headers: headers)
        for cookie in cookies { response.setCookie(cookie) }
        return response
    }
}
