import Foundation
import Hummingbird

/// `application/x-www-form-urlencoded` bodies, as browsers send forms and Twilio its webhooks.
enum URLEncodedForm {
    static let mediaType = "application/x-www-form-urlencoded"

    /// The name-value pairs in order, decoded (`+` is a space).
    static func pairs(_ body: String) -> [(String, String)] {
        body.split(separator: "&").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decoded(_ text: Substring) -> String {
                let spaced = text.replacingOccurrences(of: "+", with: " ")
                return spaced.removingPercentEncoding ?? spaced
            }
            return (decoded(parts[0]), parts.count > 1 ? decoded(parts[1]) : "")
        }
    }

    /// The values by name; the first of repeated names wins.
    static func values(_ body: String) -> [String: String] {
        var values: [String: String] = [:]
        for (name, value) in pairs(body) where values[name] == nil {
            values[name] = value
        }
        return values
    }
}

/// A form a page sent: the first value of each name, and every value of a repeated one
/// (checkboxes that share a name).
struct SubmittedForm: Sendable {
    let pairs: [(String, String)]

    init(_ body: String) {
        pairs = URLEncodedForm.pairs(body)
    }

    static func read(_ request: Request) async throws -> SubmittedForm {
        SubmittedForm(String(buffer: try await request.body.collect(upTo: AccountRoutes.maxBody)))
    }

    subscript(name: String) -> String? {
        pairs.first { $0.0 == name }?.1
    }

    func all(_ name: String) -> [String] {
        pairs.filter { $0.0 == name }.map(\.1)
    }
}
