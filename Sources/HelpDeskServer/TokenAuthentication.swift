import HelpDeskEngine
import Hummingbird

/// Checks the bearer token of every API request and records who is calling.
struct TokenAuthentication: RouterMiddleware {
    let desk: HelpDesk

    func handle(_ request: Request, context: HelpDeskRequestContext,
                next: (Request, HelpDeskRequestContext) async throws -> Response) async throws -> Response {
        guard let header = request.headers[.authorization] else {
            throw APIError.unauthenticated("Authentication is required: send the header Authorization: Bearer TOKEN. Create a token with `helpdesk token create`.")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw APIError.unauthenticated("The Authorization header must read \"Bearer TOKEN\".")
        }
        var context = context
        do {
            context.caller = Caller(user: try await desk.people.authenticate(token: String(parts[1])), source: "API")
        } catch let error as HelpDeskError {
            throw APIError(error)
        }
        return try await next(request, context)
    }
}
