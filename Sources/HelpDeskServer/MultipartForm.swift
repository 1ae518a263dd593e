import Foundation

/// `multipart/form-data` bodies (RFC 7578), as browsers send a form that carries files (R3).
/// A reader of our own rather than a package's: a page's forms need only this one shape (fields
/// and files, no nesting, no transfer encodings, which RFC 7578 forbids), and a body cut short at
/// the size limit must still give the fields before the cut, so that what was typed is kept.
enum MultipartForm {
    /// One field or file of the form, in the order the page wrote them.
    struct Part: Sendable {
        var name: String
        /// The file's name as the browser gave it; `nil` for a plain field.
        var filename: String?
        var contentType: String?
        var bytes: [UInt8]
    }

    /// The boundary named by a `Content-Type` of `multipart/form-data`, or `nil` for any other type.
    static func boundary(of contentType: String) -> String? {
        let parameters = contentType.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
        guard parameters.first?.lowercased() == "multipart/form-data" else { return nil }
        for parameter in parameters.dropFirst() {
            let pair = parameter.split(separator: "=", maxSplits: 1).map(String.init)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == "boundary" else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            // RFC 2046: 1 to 70 characters.
            return (1...70).contains(value.utf8.count) ? value : nil
        }
        return nil
    }

    /// The complete parts of `body`, in order. A part that the body's end cuts off is left out,
    /// as is anything that does not read as a part: the form's own checks then find what is missing.
    static func parts(of body: [UInt8], boundary: String) -> [Part] {
        let delimiter = Array("\r\n--\(boundary)".utf8)
        var parts: [Part] = []
        // The first delimiter may open the body, without the line break before it.
        guard var cursor = body.starts(with: delimiter.dropFirst(2)) ? delimiter.count - 2
                : nextDelimiter(delimiter, in: body, from: 0).map({ $0 + delimiter.count }) else { return [] }
        while cursor + 2 <= body.count, body[cursor] != UInt8(ascii: "-") || body[cursor + 1] != UInt8(ascii: "-") {
            guard let lineEnd = find([13, 10], in: body, from: cursor),
                  // Found at `lineEnd` itself when the part has no header lines.
                  let headersEnd = find([13, 10, 13, 10], in: body, from: lineEnd),
                  let next = nextDelimiter(delimiter, in: body, from: headersEnd + 4) else { break }
            let headerText = String(decoding: body[(lineEnd + 2)..<max(lineEnd + 2, headersEnd)], as: UTF8.self)
            if let part = part(headers: headerText, bytes: Array(body[(headersEnd + 4)..<next])) { parts.append(part) }
            cursor = next + delimiter.count
        }
        return parts
    }

    /// Where the next delimiter line starts: the delimiter followed by `--` (the last one) or by
    /// blanks up to the line's end, not the same characters inside a line of content.
    private static func nextDelimiter(_ delimiter: [UInt8], in body: [UInt8], from start: Int) -> Int? {
        var from = start
        while let found = find(delimiter, in: body, from: from) {
            var after = found + delimiter.count
            if body[after...].starts(with: [UInt8(ascii: "-"), UInt8(ascii: "-")]) { return found }
            while after < body.count, body[after] == 32 || body[after] == 9 { after += 1 }
            if body[after...].starts(with: [13, 10]) { return found }
            from = found + 1
        }
        return nil
    }

    /// A part from its header lines; `nil` without a `form-data` disposition that names it.
    private static func part(headers: String, bytes: [UInt8]) -> Part? {
        var disposition: [String: String] = [:]
        var contentType: String?
        for line in headers.components(separatedBy: "\r\n") {
            let field = line.split(separator: ":", maxSplits: 1).map(String.init)
            guard field.count == 2 else { continue }
            switch field[0].trimmingCharacters(in: .whitespaces).lowercased() {
            case "content-disposition": disposition = parameters(field[1])
            case "content-type": contentType = field[1].trimmingCharacters(in: .whitespaces)
            default: continue
            }
        }
        guard disposition[""] == "form-data", let name = disposition["name"] else { return nil }
        return Part(name: name, filename: disposition["filename"], contentType: contentType, bytes: bytes)
    }

    /// A disposition's value (under the empty key, lowercased) and its parameters. Browsers quote
    /// names and write `"`, CR and LF in them as %22, %0D and %0A (the HTML standard's rule).
    private static func parameters(_ value: String) -> [String: String] {
        var result: [String: String] = [:]
        var rest = Substring(value)
        func skipSpaces() { while rest.first == " " || rest.first == "\t" { rest.removeFirst() } }
        skipSpaces()
        let kind = rest.prefix { $0 != ";" }
        result[""] = kind.trimmingCharacters(in: .whitespaces).lowercased()
        rest = rest.dropFirst(kind.count)
        while rest.first == ";" {
            rest.removeFirst()
            skipSpaces()
            let key = rest.prefix { $0 != "=" && $0 != ";" }
            rest = rest.dropFirst(key.count)
            guard rest.first == "=" else { continue }
            rest.removeFirst()
            var parsed = ""
            if rest.first == "\"" {
                rest.removeFirst()
                // No backslash escapes: a browser writes a backslash in a name as it is.
                while let character = rest.first, character != "\"" {
                    rest.removeFirst()
                    parsed.append(character)
                }
                rest = rest.drop { $0 != ";" }
            } else {
                let token = rest.prefix { $0 != ";" }
                rest = rest.dropFirst(token.count)
                parsed = token.trimmingCharacters(in: .whitespaces)
            }
            let name = key.trimmingCharacters(in: .whitespaces).lowercased()
            if result[name] == nil {
                result[name] = parsed.replacingOccurrences(of: "%22", with: "\"").replacingOccurrences(of: "%0D", with: "\r")
                    .replacingOccurrences(of: "%0A", with: "\n")
            }
        }
        return result
    }

    /// Where `needle` first starts in `haystack` at or after `start`.
    static func find(_ needle: [UInt8], in haystack: [UInt8], from start: Int) -> Int? {
        guard let first = needle.first, start >= 0, start + needle.count <= haystack.count else { return nil }
        return haystack.withUnsafeBytes { hay in
            needle.withUnsafeBytes { wanted in
                // memchr and memcmp: a form is mostly file bytes, searched for its boundaries once.
                let base = hay.baseAddress!, last = hay.count - needle.count
                var offset = start
                while offset <= last, let hit = memchr(base + offset, Int32(first), last - offset + 1) {
                    let position = base.distance(to: UnsafeRawPointer(hit))
                    if memcmp(base + position, wanted.baseAddress!, needle.count) == 0 { return position }
                    offset = position + 1
                }
                return nil
            }
        }
    }
}
