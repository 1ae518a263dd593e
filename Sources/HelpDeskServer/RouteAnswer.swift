/// One answer a route gives, as the OpenAPI document lists it: a status, what it means, and the
/// media type and schema of its body.
struct RouteAnswer {
    var status: Int
    var description: String
    /// The body's media type; `nil` for an answer without a body (204).
    var content: String?
    /// The component schema of the body (`Name`, or `Name[]` for a list); `nil` for plain text.
    var schema: String?
    /// The headers it always carries, by name, with what they say.
    var headers: [String: String] = [:]

    static func json(_ status: Int, _ schema: String, _ description: String) -> RouteAnswer {
        RouteAnswer(status: status, description: description, content: "application/json", schema: schema)
    }

    static func text(_ status: Int, _ content: String, _ description: String) -> RouteAnswer {
        RouteAnswer(status: status, description: description, content: content)
    }

    /// A page of the public side; its errors are pages too, for the visitor's browser.
    static func page(_ status: Int, _ description: String) -> RouteAnswer {
        text(status, "text/html", description)
    }

    func with(header name: String, _ description: String) -> RouteAnswer {
        var answer = self
        answer.headers[name] = description
        return answer
    }

    static func empty(_ status: Int, _ description: String) -> RouteAnswer {
        RouteAnswer(status: status, description: description)
    }

    /// An `APIError` in JSON, described by what its status means in this API.
    static func error(_ status: Int, _ description: String? = nil) -> RouteAnswer {
        json(status, "Error", description ?? meaning[status] ?? "An error")
    }

    static let meaning: [Int: String] = [
        400: "The request is invalid; the message names the field",
        401: "No bearer token, or one that is not valid",
        403: "The token's user may not do this",
        404: "Something the path names does not exist",
        409: "The change conflicts with what is stored",
        413: "The request body is too large",
        429: "Too many requests from this address; wait and send again",
        503: "The help desk cannot answer now; the same request may succeed later",
    ]
}
