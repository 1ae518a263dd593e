/// Reads message identifiers from Message-ID, In-Reply-To and References (RFC 5322 3.6.4),
/// without their angle brackets. Comments and quoted text, which some mailers add to
/// In-Reply-To, are skipped; a header with no bracketed id falls back to bare `local@domain` words.
enum MessageIDs {
    static func parse(_ value: String?) -> [String] {
        guard let value else { return [] }
        let bytes = Array(value.utf8)
        var ids: [String] = []
        var sawBrackets = false
        var index = 0
        while index < bytes.count {
            switch bytes[index] {
            case ASCII.openParen:
                var depth = 0
                repeat {
                    if bytes[index] == ASCII.openParen { depth += 1 }
                    if bytes[index] == ASCII.closeParen { depth -= 1 }
                    index += 1
                } while index < bytes.count && depth > 0
            case ASCII.quote:
                index += 1
                while index < bytes.count, bytes[index] != ASCII.quote { index += 1 }
                index += 1
            case ASCII.lessThan:
                sawBrackets = true
                var end = index + 1
                while end < bytes.count, bytes[end] != ASCII.greaterThan { end += 1 }
                // Long ids are sometimes folded inside the brackets.
                let id = bytes[(index + 1)..<end].filter { !ASCII.isWhitespace($0) }
                if !id.isEmpty { ids.append(String(decoding: id, as: UTF8.self)) }
                index = end + 1
            default:
                index += 1
            }
        }
        if sawBrackets { return ids }
        return bytes.split { ASCII.isWhitespace($0) || $0 == ASCII.comma }
            .filter { $0.contains(ASCII.at) }
            .map { String(decoding: $0, as: UTF8.self) }
    }
}
