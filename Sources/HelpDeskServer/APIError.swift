import Foundation
import HelpDeskCore
import HelpDeskEngine
import Hummingbird

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
        }
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        let body = Body(message: message, correlationId: UUID().uuidString.lowercased(), category: category,
                        errors: errors.isEmpty ? nil : errors)
        return try JSONBody.response(body, status: status)
    }
}

/// Turns any error a route throws into an `APIError`, so that clients always get the JSON shape
/// above, and unexpected failures are logged instead of shown.
struct ErrorTranslation: RouterMiddleware {
    typealias Context = HelpDeskRequestContext

    func handle(_ request: Request, context: HelpDeskRequestContext,
                next: (Request, HelpDeskRequestContext) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as HelpDeskError {
            throw APIError(error)
        } catch let error as HTTPError {
            throw APIError(status: error.status, category: error.status == .notFound ? "OBJECT_NOT_FOUND" : "VALIDATION_ERROR",
                           message: error.body ?? Self.describe(error.status, path: request.uri.path))
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
