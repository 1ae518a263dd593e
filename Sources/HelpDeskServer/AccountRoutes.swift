import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// The workspace's sign-in, sign-out and the first admin's set-up page.
struct AccountRoutes {
    let desk: HelpDesk
    /// The workspace's address, for the links the help desk mails.
    let publicURL: String
    static let maxBody = 16_384

    struct PasswordView {
        var title: String
        var action: String
        var error: String?
    }

    struct ResetView {
        var title = "Choose a new password"
        var sent = false
        var error: String?
    }

    struct SignInView {
        var title = "Sign in"
        var csrf: String
        var email: String
        var error: String?
        var nobody: Bool
    }

    struct SetupView {
        var title = "Create the first admin account"
        var token: String
        var firstName = ""
        var lastName = ""
        var email = ""
        var error: String?
    }

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.get("sign-in") { request, context in
            if context.caller != nil { return WorkspacePage.redirect(to: "/") }
            return try await signInPage(for: request, email: "", status: .ok, error: nil)
        }
        router.post("sign-in") { request, context in
            let form = try await Self.form(request)
            let email = form["email"] ?? ""
            guard let expected = request.cookies[WorkspaceSession.signInCookie]?.value, form["csrf"] == expected else {
                return try await signInPage(for: request, email: email, status: .forbidden,
                                            error: "The sign-in form had expired or your browser refuses cookies; sign in again.")
            }
            do {
                let signedIn = try await desk.accounts.signIn(email: email, password: form["password"] ?? "", from: origin(request, context))
                return WorkspacePage.redirect(to: "/", cookies: [
                    WorkspaceSession.cookie(WorkspaceSession.cookie, value: signedIn.token, maxAge: Int(WebSession.lifetime / 1_000), for: request),
                    WorkspaceSession.cookie(WorkspaceSession.signInCookie, value: "", path: "/sign-in", maxAge: 0, for: request),
                ])
            } catch let error as HelpDeskError {
                var page = try await signInPage(for: request, email: email, status: Self.status(of: error), error: error.message)
                if case .tooManyAttempts(_, let seconds) = error { page.headers[.retryAfter] = String(seconds) }
                return page
            }
        }
        router.post("sign-out") { request, context in
            let form = try await Self.form(request)
            guard context.caller != nil, let csrf = context.csrfToken, form["csrf"] == csrf else {
                return WorkspacePage.redirect(to: "/sign-in")
            }
            if form["everywhere"] == "1", let user = context.caller?.user {
                try await desk.accounts.signOutEverywhere(user)
            } else if let token = request.cookies[WorkspaceSession.cookie]?.value {
                try await desk.accounts.signOut(token: token)
            }
            return WorkspacePage.redirect(to: "/sign-in", cookies: [
                WorkspaceSession.cookie(WorkspaceSession.cookie, value: "", maxAge: 0, for: request),
            ])
        }
        router.get("setup/:token") { _, context in
            let token = try context.parameters.require("token")
            guard try await desk.accounts.link(token: token)?.purpose == .setup else { return Self.usedLink() }
            return WorkspacePage.render("setup", SetupView(token: token))
        }
        router.post("setup/:token") { request, context in
            let token = try context.parameters.require("token")
            let form = try await Self.form(request)
            var view = SetupView(token: token, firstName: form["firstName"] ?? "", lastName: form["lastName"] ?? "", email: form["email"] ?? "")
            do {
                let signedIn = try await desk.accounts.createFirstAdmin(
                    link: token, email: view.email, firstName: view.firstName, lastName: view.lastName, password: form["password"] ?? "",
                    from: origin(request, context))
                return WorkspacePage.redirect(to: "/", cookies: [
                    WorkspaceSession.cookie(WorkspaceSession.cookie, value: signedIn.token, maxAge: Int(WebSession.lifetime / 1_000), for: request),
                ])
            } catch HelpDeskError.notFound {
                return Self.usedLink()
            } catch let error as HelpDeskError {
                view.error = error.message
                return WorkspacePage.render("setup", view, status: Self.status(of: error))
            }
        }
    }

    /// Pages to choose a password: from an invitation, or after asking for a new one.
    func registerPasswordPages(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.get("password-reset") { _, _ in
            WorkspacePage.render("password-reset", ResetView())
        }
        router.post("password-reset") { request, _ in
            let form = try await Self.form(request)
            do {
                try await desk.accounts.requestPasswordReset(email: form["email"] ?? "", linksAt: base(of: request))
                return WorkspacePage.render("password-reset", ResetView(sent: true))
            } catch let error as HelpDeskError {
                return WorkspacePage.render("password-reset", ResetView(error: error.message), status: Self.status(of: error))
            }
        }
        for (path, title, purpose) in [("invitation", "Welcome: choose your password", OneTimeLink.Purpose.invitation),
                                       ("password", "Choose a new password", .passwordReset)] {
            router.get("\(path)/:token") { _, context in
                let token = try context.parameters.require("token")
                guard try await desk.accounts.link(token: token)?.purpose == purpose else { return Self.usedLink() }
                return WorkspacePage.render("password", PasswordView(title: title, action: "/\(path)/\(token)"))
            }
            router.post("\(path)/:token") { request, context in
                let token = try context.parameters.require("token")
                let form = try await Self.form(request)
                do {
                    guard try await desk.accounts.link(token: token)?.purpose == purpose else { return Self.usedLink() }
                    let signedIn = try await desk.accounts.choosePassword(link: token, password: form["password"] ?? "", from: origin(request, context))
                    return WorkspacePage.redirect(to: "/", cookies: [
                        WorkspaceSession.cookie(WorkspaceSession.cookie, value: signedIn.token, maxAge: Int(WebSession.lifetime / 1_000), for: request),
                    ])
                } catch HelpDeskError.notFound {
                    return Self.usedLink()
                } catch let error as HelpDeskError {
                    return WorkspacePage.render("password", PasswordView(title: title, action: "/\(path)/\(token)", error: error.message),
                                                status: Self.status(of: error))
                }
            }
        }
    }

    /// Where links in mail point: always the configured address, never one a request names (a
    /// forged Host header would otherwise have a genuine reset mail carry a link to another site).
    func base(of request: Request) -> String {
        publicURL
    }

    func signInPage(for request: Request, email: String, status: HTTPResponse.Status, error: String?) async throws -> Response {
        let token = LiveChat.newToken()
        var page = WorkspacePage.render("sign-in", SignInView(csrf: token, email: email, error: error,
                                                               nobody: try await !desk.accounts.isSetUp()), status: status)
        page.setCookie(WorkspaceSession.cookie(WorkspaceSession.signInCookie, value: token, path: "/sign-in", maxAge: 3_600, for: request))
        return page
    }

    func origin(_ request: Request, _ context: HelpDeskRequestContext) -> Accounts.Origin {
        Accounts.Origin(address: context.remoteIP ?? "unknown", agent: request.headers[.userAgent])
    }

    static func usedLink() -> Response {
        WorkspacePage.message(status: .notFound, title: "This link no longer works",
                              message: "It was used already or has expired. Ask for a new one: an admin sends invitations again, and the sign-in page mails password links.",
                              link: ("/sign-in", "Go to the sign-in page"))
    }

    static func form(_ request: Request) async throws -> [String: String] {
        let body = try await request.body.collect(upTo: maxBody)
        return URLEncodedForm.values(String(buffer: body))
    }

    static func status(of error: HelpDeskError) -> HTTPResponse.Status {
        switch error {
        case .unauthenticated: .unauthorized
        case .tooManyAttempts: .tooManyRequests
        case .notFound: .notFound
        case .forbidden: .forbidden
        case .conflict: .conflict
        case .unavailable: .serviceUnavailable
        case .invalidInput, .invalidSearch, .invalidForm, .badRequest: .badRequest
        }
    }
}
