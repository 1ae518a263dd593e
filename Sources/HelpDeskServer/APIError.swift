import Foundation
import HelpDeskCore
import HelpDeskEngine
import Hummingbird
import NIOConcurrencyHelpers

/// An error as the CRM v3 API reports it: an HTTP status and a JSON body with `status`,
/// `message`, `correlationId` and `category`, plus details where there are several problems.
struct APIError: HTTPResponseError {
    struct Detail: Encodable {
        var message: String
        var code: String?
        var context: [String: [String]]?
    }

    struct Body: Encodable {
        var status = "error"
        var message: String
        var correlationId: String
        var category: String
        var errors: [Detail]?
    }

    var status: HTTPResponse.Status
    var category: String
    var message: String
    var errors: [Detail]
    /// The methods a path answers, for a 405.
    var allow: [String] = []
    /// Seconds before trying again, for a 429.
    var retryAfter: Int?

    init(status: HTTPResponse.Status, category: String, message: String, errors: [Detail] = []) {
        self.status = status
        self.category = category
        self.message = message
        self.errors = errors
    }

    static func badRequest(_ message: String) -> APIError {
        APIError(status: .badRequest, category: "VALIDATION_ERROR", message: message)
    }

    static func notFound(_ message: String) -> APIError {
        APIError(status: .notFound, category: "OBJECT_NOT_FOUND", message: message)
    }

    static func unauthenticated(_ message: String) -> APIError {
        APIError(status: .unauthorized, category: "INVALID_AUTHENTICATION", message: message)
    }

    init(_ error: HelpDeskError) {
        switch error {
        case .invalidInput(let input):
            self.init(status: .badRequest, category: "VALIDATION_ERROR", message: input.message,
                      errors: input.problems.map {
                          Detail(message: $0.message, code: $0.code.rawValue, context: ["propertyName": [$0.property]])
                      })
        case .invalidSearch(let search):
            self.init(status: .badRequest, category: "VALIDATION_ERROR", message: search.message,
                      errors: search.problems.map { Detail(message: $0) })
        case .invalidForm(let form):
            self.init(status: .badRequest, category: "VALIDATION_ERROR", message: form.message,
                      errors: form.problems.map { Detail(message: $0.message, code: "INVALID_FIELD", context: $0.field.map { ["field": [$0]] }) })
        case .badRequest(let message):
            self.init(status: .badRequest, category: "VALIDATION_ERROR", message: message)
        case .notFound(let message):
            self.init(status: .notFound, category: "OBJECT_NOT_FOUND", message: message)
        case .forbidden(let denied):
            self.init(status: .forbidden, category: "MISSING_SCOPES", message: denied.reason)
        case .conflict(let message):
            self.init(status: .conflict, category: "CONFLICT", message: message)
        case .unauthenticated(let message):
            self.init(status: .unauthorized, category: "INVALID_AUTHENTICATION", message: message)
        case .unavailable(let message):
            self.init(status: .serviceUnavailable, category: "SERVICE_UNAVAILABLE", message: message)
        case .tooManyAttempts(let message, let seconds):
            self.init(status: .tooManyRequests, category: "RATE_LIMITS", message: message)
            retryAfter = seconds
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(message: message, correlationId: UUID().uuidString.lowercased(), category: category,
                        errors: errors.isEmpty ? nil : errors)
        var response = try JSONBody.response(body, status: status)
        if !allow.isEmpty {
            response.headers[.allow] = allow.joined(separator: ", ")
        }
        if let retryAfter {
            response.headers[.retryAfter] = String(retryAfter)
        }
        return response
    }
}

/// Turns any error a route throws into an `APIError`, so that clients always get the JSON shape
/// above, and unexpected failures are logged instead of shown.
struct ErrorTranslation: RouterMiddleware {
    typealias Context = HelpDeskRequestContext
    /// The methods each route answers, known once every route is registered.
    let methods: NIOLockedValueBox<AllowedMethods>

    func handle(_ request: Request, context: HelpDeskRequestContext,
                next: (Request, HelpDeskRequestContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HelpDeskError {
            throw APIError(error)
        } catch let error as HTTPError {
            let path = request.uri.path
            if error.status == .notFound, case let allowed = methods.withLockedValue({ $0.methods(for: path) }), !allowed.isEmpty {
                var refusal = APIError(status: .methodNotAllowed, category: "VALIDATION_ERROR",
                                       message: "\(request.method.rawValue) is not allowed on \(path); it answers \(allowed.joined(separator: ", ")).")
                refusal.allow = allowed
                throw refusal
            }
            throw APIError(status: error.status, category: error.status == .notFound ? "OBJECT_NOT_FOUND" : "VALIDATION_ERROR",
                           message: error.body ?? Self.describe(error.status, path: path))
        } catch {
            context.logger.error("Request failed: \(String(reflecting: error))")
            throw APIError(status: .internalServerError, category: "INTERNAL_ERROR",
                           message: "The help desk failed to handle this request; the server log has the details.")
        }
    }

    static func describe(_ status: HTTPResponse.Status, path: String) -> String {
        switch status {
        case .notFound: "No API endpoint at \(path)."
        case .methodNotAllowed: "This method is not allowed on \(path)."
        case .contentTooLarge: "The request body is too large."
        default: status.reasonPhrase
        }
    }
}

/// The methods each registered path answers, for a 405 with `Allow` when a known path is asked
/// with another method (the router itself answers 404 then).
struct AllowedMethods: Sendable {
    private var routes: [(segments: [Substring], methods: Set<String>)] = []

    init() {}

    init(_ book: RouteBook) {
        var byPath: [String: Set<String>] = [:]
        for entry in book.entries {
            byPath[entry.path, default: []].insert(entry.method)
        }
        routes = byPath.map { path, methods in
            (path.split(separator: "/"), methods.contains("GET") ? methods.union(["HEAD"]) : methods)
        }
    }

    /// The methods of every route whose path fits `path`, sorted; none for an unknown path.
    func methods(for path: String) -> [String] {
        let asked = path.split(separator: "/")
        var found: Set<String> = []
        for route in routes where route.segments.count == asked.count {
            if zip(route.segments, asked).allSatisfy({ $0.hasPrefix(":") || $0 == $1 }) {
                found.formUnion(route.methods)
            }
        }
        return found.sorted()
    }
}
