import HTTPTypes
import Hummingbird

/// Registers the API's routes and writes each down, so that the OpenAPI document lists exactly
/// the routes the server answers. Used while the router is built, then read once.
final class RouteBook {
    /// One documented route.
    struct Entry {
        var method: String
        /// The path as registered, with `:name` parameters.
        var path: String
        var operationID: String
        var summary: String
        var tag: String
        var request: String?
        var response: String?
        var status: Int
        var query: [(String, String)]
        var authenticated: Bool
        /// The media type of a success that is not JSON (`text/plain`).
        var content: String?

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
        let book: RouteBook

        func add(
            _ method: HTTPRequest.Method, _ path: String, _ operationID: String, _ summary: String,
            request: String? = nil, response: String? = nil, content: String? = nil, status: Int = 200,
            query: [(String, String)] = [],
            _ handler: @escaping @Sendable (Request, HelpDeskRequestContext) async throws -> Response
        ) {
            group.on(RouterPath(path), method: method, use: handler)
            book.entries.append(Entry(
                method: method.rawValue, path: path.isEmpty ? prefix : "\(prefix)/\(path)", operationID: operationID,
                summary: summary, tag: tag, request: request, response: response, status: status, query: query,
                authenticated: authenticated, content: content))
        }
    }

    func section(_ group: RouterGroup<HelpDeskRequestContext>, prefix: String, tag: String, authenticated: Bool = true) -> Section {
        Section(group: group, prefix: prefix, tag: tag, authenticated: authenticated, book: self)
    }
}
