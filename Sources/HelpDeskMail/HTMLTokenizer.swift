/// Splits HTML into text and tags the way browsers do for the cases that matter when cleaning or
/// flattening mail: attributes in any quoting, raw-text elements (`<script>`, `<style>`, ...)
/// whose content is not markup, comments and declarations (skipped), and unfinished tags at
/// the end of input (dropped, as a browser drops them). It does not build a tree.
struct HTMLTokenizer {
    enum Token {
        /// Text as written, character references not decoded.
        case text(Range<Int>)
        case startTag(Tag)
        case endTag(name: String)
    }

    struct Tag {
        /// Lowercased.
        var name: String
        var attributes: [Attribute]
        var selfClosing: Bool
    }

    struct Attribute {
        /// Lowercased.
        var name: String
        /// The value with character references decoded; "" for a bare attribute.
        var value: String
    }

    let bytes: [UInt8]
    private var index = 0
    /// Set after the start tag of an element whose content is raw text, to the name ending it.
    private var rawTextEnd: [UInt8]?

    init(_ html: String) {
        bytes = Array(html.utf8)
    }

    private static let rawTextElements: Set<String> = [
        "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes", "plaintext",
    ]

    mutating func next() -> Token? {
        while index < bytes.count {
            if let name = rawTextEnd {
                rawTextEnd = nil
                let start = index
                index = endOfRawText(named: name, from: start)
                if index > start { return .text(start..<index) }
                continue
            }
            guard bytes[index] == ASCII.lessThan, index + 1 < bytes.count else { return text() }
            let next = bytes[index + 1]
            if ASCII.isLetter(next) {
                guard let tag = startTag() else { continue }
                if !tag.selfClosing, Self.rawTextElements.contains(tag.name) { rawTextEnd = Array(tag.name.utf8) }
                return .startTag(tag)
            }
            if next == ASCII.slash, index + 2 < bytes.count, ASCII.isLetter(bytes[index + 2]) {
                index += 2
                let name = tagName()
                skip(past: ASCII.greaterThan)
                return .endTag(name: name)
            }
            if next == ASCII.exclamation || next == ASCII.question || next == ASCII.slash {
                skipMarkupDeclaration()
                continue
            }
            return text()
        }
        return nil
    }

    /// Text up to the next `<` after the current position.
    private mutating func text() -> Token {
        let start = index
        index += 1
        while index < bytes.count, bytes[index] != ASCII.lessThan { index += 1 }
        return .text(start..<index)
    }

    private mutating func tagName() -> String {
        let start = index
        while index < bytes.count, !ASCII.isWhitespace(bytes[index]), bytes[index] != ASCII.slash,
              bytes[index] != ASCII.greaterThan {
            index += 1
        }
        return String(decoding: bytes[start..<index].map { ASCII.lowercased($0) }, as: UTF8.self)
    }

    /// Reads a start tag at `<`; nil, with the rest of the input consumed, when it never ends.
    private mutating func startTag() -> Tag? {
        index += 1
        var tag = Tag(name: tagName(), attributes: [], selfClosing: false)
        while index < bytes.count {
            let byte = bytes[index]
            if ASCII.isWhitespace(byte) {
                index += 1
            } else if byte == ASCII.slash {
                index += 1
                tag.selfClosing = index < bytes.count && bytes[index] == ASCII.greaterThan
            } else if byte == ASCII.greaterThan {
                index += 1
                return tag
            } else {
                tag.selfClosing = false
                guard let attribute = attribute() else { return nil }
                if !tag.attributes.contains(where: { $0.name == attribute.name }) { tag.attributes.append(attribute) }
            }
        }
        return nil
    }

    private mutating func attribute() -> Attribute? {
        let nameStart = index
        index += 1
        while index < bytes.count, !ASCII.isWhitespace(bytes[index]), bytes[index] != ASCII.slash,
              bytes[index] != ASCII.greaterThan, bytes[index] != ASCII.equals {
            index += 1
        }
        let name = String(decoding: bytes[nameStart..<index].map { ASCII.lowercased($0) }, as: UTF8.self)
        while index < bytes.count, ASCII.isWhitespace(bytes[index]) { index += 1 }
        guard index < bytes.count, bytes[index] == ASCII.equals else { return Attribute(name: name, value: "") }
        index += 1
        while index < bytes.count, ASCII.isWhitespace(bytes[index]) { index += 1 }
        guard index < bytes.count else { return nil }
        let valueStart: Int, valueEnd: Int
        let quote = bytes[index]
        if quote == ASCII.quote || quote == ASCII.apostrophe {
            valueStart = index + 1
            index = valueStart
            while index < bytes.count, bytes[index] != quote { index += 1 }
            guard index < bytes.count else { return nil }
            valueEnd = index
            index += 1
        } else {
            valueStart = index
            while index < bytes.count, !ASCII.isWhitespace(bytes[index]), bytes[index] != ASCII.greaterThan { index += 1 }
            valueEnd = index
        }
        let value = HTMLEntities.decode(bytes[valueStart..<valueEnd])
        return Attribute(name: name, value: String(decoding: value, as: UTF8.self))
    }

    /// Comments (`<!-- -->`), doctypes, CDATA, conditional comments and processing instructions.
    private mutating func skipMarkupDeclaration() {
        if bytes[index...].starts(with: [ASCII.lessThan, ASCII.exclamation, ASCII.hyphen, ASCII.hyphen]) {
            let close: [UInt8] = [ASCII.hyphen, ASCII.hyphen, ASCII.greaterThan]
            let bodyStart = index + 4
            // `<!-->` and `<!--->` are complete (empty) comments to a browser.
            if bytes[bodyStart...].starts(with: [ASCII.greaterThan]) {
                index = bodyStart + 1
            } else if bytes[bodyStart...].starts(with: [ASCII.hyphen, ASCII.greaterThan]) {
                index = bodyStart + 2
            } else {
                index = ASCII.firstRange(of: close, in: bytes[bodyStart...])?.upperBound ?? bytes.count
            }
            return
        }
        skip(past: ASCII.greaterThan)
    }

    private mutating func skip(past byte: UInt8) {
        while index < bytes.count, bytes[index] != byte { index += 1 }
        index = min(index + 1, bytes.count)
    }

    /// Where `</name` (any case, followed by a blank, `/` or `>`) starts, or the end of input.
    private func endOfRawText(named name: [UInt8], from start: Int) -> Int {
        var cursor = start
        while cursor + 1 + name.count < bytes.count {
            if bytes[cursor] == ASCII.lessThan, bytes[cursor + 1] == ASCII.slash {
                var matches = true
                for (offset, byte) in name.enumerated() where ASCII.lowercased(bytes[cursor + 2 + offset]) != byte {
                    matches = false
                    break
                }
                let after = cursor + 2 + name.count
                if matches, after >= bytes.count || ASCII.isWhitespace(bytes[after]) || bytes[after] == ASCII.slash
                    || bytes[after] == ASCII.greaterThan {
                    return cursor
                }
            }
            cursor += 1
        }
        return bytes.count
    }
}
