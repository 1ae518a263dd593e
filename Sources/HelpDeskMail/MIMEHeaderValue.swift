/// A MIME header value with parameters, such as `Content-Type: text/plain; charset="utf-8"` or
/// `Content-Disposition: attachment; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf` (RFC 2045, RFC 2231).
struct MIMEHeaderValue {
    /// The value before the parameters, lowercased and without blanks or comments.
    var value: String
    /// Parameter values by lowercased name, with quotes removed and RFC 2231 continuations and
    /// charsets resolved; RFC 2047 words are left for `text(_:)` because boundaries may contain `=?`.
    private var parameters: [String: String]

    init(_ raw: String) {
        let bytes = Array(raw.utf8)
        var index = 0
        var main: [UInt8] = []
        var commentDepth = 0
        while index < bytes.count, bytes[index] != ASCII.semicolon {
            let byte = bytes[index]
            if byte == ASCII.openParen {
                commentDepth += 1
            } else if byte == ASCII.closeParen, commentDepth > 0 {
                commentDepth -= 1
            } else if commentDepth == 0, !ASCII.isWhitespace(byte) {
                main.append(ASCII.lowercased(byte))
            }
            index += 1
        }
        value = String(decoding: main, as: UTF8.self)
        parameters = Self.parameters(bytes, from: index)
    }

    subscript(parameter name: String) -> String? {
        parameters[name]
    }

    /// A parameter meant for people, such as a filename, with RFC 2047 words decoded too, since
    /// many mailers encode filenames that way instead of the RFC 2231 way.
    func text(_ name: String) -> String? {
        guard let raw = parameters[name] else { return nil }
        let text = ASCII.trimmed(EncodedWords.decode(raw))
        return text.isEmpty ? nil : text
    }

    private struct Section {
        var value: String
        var encoded: Bool
    }

    private static func parameters(_ bytes: [UInt8], from start: Int) -> [String: String] {
        var plain: [String: String] = [:]
        var extended: [String: String] = [:]
        var sections: [String: [Int: Section]] = [:]
        var index = start
        while index < bytes.count {
            while index < bytes.count, bytes[index] == ASCII.semicolon || ASCII.isWhitespace(bytes[index]) { index += 1 }
            let nameStart = index
            while index < bytes.count, bytes[index] != ASCII.equals, bytes[index] != ASCII.semicolon { index += 1 }
            let name = ASCII.lowercased(String(decoding: ASCII.trimmed(bytes[nameStart..<index]), as: UTF8.self))
            guard index < bytes.count, bytes[index] == ASCII.equals else { continue }
            index += 1
            let value = readValue(bytes, at: &index)
            guard !name.isEmpty else { continue }

            let parts = name.split(separator: "*", omittingEmptySubsequences: false)
            if parts.count == 1 {
                if plain[name] == nil { plain[name] = value }
            } else if parts.count == 2, parts[1].isEmpty {
                extended[String(parts[0])] = decodeExtended(value)
            } else if let number = Int(parts[1]), number >= 0, number < 1000, parts.count <= 3 {
                let encoded = parts.count == 3 && parts[2].isEmpty
                sections[String(parts[0]), default: [:]][number] = Section(value: value, encoded: encoded)
            }
        }
        for (name, numbered) in sections {
            extended[name] = joinSections(numbered)
        }
        return plain.merging(extended) { _, new in new }
    }

    /// Reads a quoted or bare value and leaves `index` after it; bare values run to the next `;`
    /// because unquoted filenames with spaces are common.
    private static func readValue(_ bytes: [UInt8], at index: inout Int) -> String {
        while index < bytes.count, bytes[index] == ASCII.space || bytes[index] == ASCII.tab { index += 1 }
        if index < bytes.count, bytes[index] == ASCII.quote {
            index += 1
            var value: [UInt8] = []
            while index < bytes.count, bytes[index] != ASCII.quote {
                // Only `\"` and `\\` are escapes: Windows paths in filenames are seldom escaped.
                if bytes[index] == ASCII.backslash, index + 1 < bytes.count,
                   bytes[index + 1] == ASCII.quote || bytes[index + 1] == ASCII.backslash {
                    index += 1
                }
                value.append(bytes[index])
                index += 1
            }
            while index < bytes.count, bytes[index] != ASCII.semicolon { index += 1 }
            return String(decoding: value, as: UTF8.self)
        }
        let start = index
        while index < bytes.count, bytes[index] != ASCII.semicolon { index += 1 }
        return String(decoding: ASCII.trimmed(bytes[start..<index]), as: UTF8.self)
    }

    /// `charset'language'percent-encoded` to text.
    private static func decodeExtended(_ value: String) -> String {
        let (charset, encoded) = splitCharset(value)
        return charset.decode(percentDecoded(encoded)[...])
    }

    private static func joinSections(_ sections: [Int: Section]) -> String {
        var charset = Charset.unlabelled
        var bytes: [UInt8] = []
        for number in sections.keys.sorted() {
            guard let section = sections[number] else { continue }
            if section.encoded {
                var text = section.value
                if number == 0 { (charset, text) = splitCharset(text) }
                bytes.append(contentsOf: percentDecoded(text))
            } else {
                bytes.append(contentsOf: section.value.utf8)
            }
        }
        return charset.decode(bytes[...])
    }

    private static func splitCharset(_ value: String) -> (Charset, String) {
        let pieces = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
        guard pieces.count == 3 else { return (.unlabelled, value) }
        return (Charset(label: String(pieces[0])), String(pieces[2]))
    }

    private static func percentDecoded(_ text: String) -> [UInt8] {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == ASCII.percent, index + 2 < bytes.count,
               let high = ASCII.hexValue(bytes[index + 1]), let low = ASCII.hexValue(bytes[index + 2]) {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }
}
