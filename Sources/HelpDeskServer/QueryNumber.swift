import Hummingbird

/// A whole number from the query string, such as a page's `limit`. Text that is not a number is
/// refused with a message naming the parameter, rather than taken for the default.
enum QueryNumber {
    static func read(_ name: String, in request: Request, default value: Int) throws -> Int {
        guard let text = request.uri.queryParameters.get(name) else { return value }
        guard let number = Int(text) else { throw APIError.badRequest("\(name) must be a number; \"\(text)\" given.") }
        return number
    }
}
