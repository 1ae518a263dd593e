import Foundation

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
