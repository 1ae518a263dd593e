import Foundation
import HTTPTypes
import Hummingbird

/// Registers the server's routes and writes each down with every answer it gives, so that the
/// OpenAPI document lists exactly the routes, statuses and media types the server answers. Used
/// while the router is built, then read once.
final class RouteBook {
    /// One documented route.
    struct Entry {
        var method: String
        /// The path as registered, with `:name` parameters.
        var path: String
        var operationID: String
        var summary: String
        var tag: String
        /// The component schema of the request body, which is then required.
        var request: String?
        var requestContent: String
        var answers: [RouteAnswer]
        var query: [(String, String)]
        var authenticated: Bool

        var openAPIPath: String {
            "/" + path.split(separator: "/").map { $0.hasPrefix(":") ? "{\($0.dropFirst())}" : String($0) }.joined(separator: "/")
        }

        var pathParameters: [String] {
            path.split(separator: "/").filter { $0.hasPrefix(":") }.map { String($0.dropFirst()) }
        }
    }

    private(set) var entries: [Entry] = []

    /// Routes under one path prefix and one documentation tag.
    struct Section {
        let group: RouterGroup<HelpDeskRequestContext>
        let prefix: String
        let tag: String
        let authenticated: Bool
        /// The errors every route of the section may answer, such as a missing token's 401.
        let errors: [Int]
        let book: RouteBook

        /// Registers a route. Its success is `status` with a JSON `response`, a body of media type
        /// `content`, or no body; `also` lists its other answers. Its errors are JSON `APIError`s:
        /// `errors`, or by default 404 when the path has parameters, 400 when it takes a body or
        /// query parameters and 413 when it takes a body. An answer in `also` replaces the success
        /// or error of its status.
        func add(
            _ method: HTTPRequest.Method, _ path: String, _ operationID: String, _ summary: String,
            request: String? = nil, requestContent: String = "application/json",
            response: String? = nil, content: String? = nil, status: Int = 200, also: [RouteAnswer] = [],
            errors: [Int]? = nil, query: [(String, String)] = [],
            _ handler: @escaping @Sendable (Request, HelpDeskRequestContext) async throws -> Response
        ) {
            group.on(RouterPath(path), method: method) { request, context in
                // The router hands over parameters as the URL spells them; clients percent-encode
                // ids such as an email address read with idProperty=email.
                var context = context
                context.coreContext.parameters = Parameters(context.parameters.map { name, value in
                    (key: name, value: Substring(value.removingPercentEncoding ?? String(value)))
                })
                return try await handler(request, context)
            }
            let fullPath = path.isEmpty ? prefix : "\(prefix)/\(path)"
            let success = status == 201 ? "Created" : status == 204 ? "Done; no body" : "Success"
            var answers = also
            if !also.contains(where: { $0.status == status }) {
                answers.insert(response.map { .json(status, $0, success) } ?? content.map { .text(status, $0, success) }
                    ?? .empty(status, success), at: 0)
            }
            var defaults: [Int] = []
            if fullPath.contains(":") { defaults.append(404) }
            if request != nil || !query.isEmpty { defaults.append(400) }
            if request != nil { defaults.append(413) }
            for error in self.errors + (errors ?? defaults) where !answers.contains(where: { $0.status == error }) {
                answers.append(.error(error))
            }
            book.entries.append(Entry(
                method: method.rawValue, path: fullPath, operationID: operationID, summary: summary, tag: tag, request: request,
                requestContent: requestContent, answers: answers, query: query, authenticated: authenticated))
        }
    }

    /// A section of public routes, or of routes behind a token whose callers are refused with
    /// 401 and, where the route checks what the caller may do, 403.
    func section(_ group: RouterGroup<HelpDeskRequestContext>, prefix: String, tag: String, authenticated: Bool = true,
                 checksAccess: Bool = true) -> Section {
        Section(group: group, prefix: prefix, tag: tag, authenticated: authenticated,
                errors: authenticated ? (checksAccess ? [401, 403] : [401]) : [], book: self)
    }
}
