/// A plain-text rendering of a message body for previews and search: the HTML with tags stripped,
/// entities decoded, and line breaks where blocks and `<br>` were (`MailMessage.plainText` uses the
/// text part when there is one).
public enum HTMLText {
    public static func plain(_ html: String) -> String {
        var renderer = Renderer()
        var tokenizer = HTMLTokenizer(html)
        while let token = tokenizer.next() {
            switch token {
            case .text(let range): renderer.text(tokenizer.bytes[range])
            case .startTag(let tag): renderer.start(tag.name, selfClosing: tag.selfClosing)
            case .endTag(let name): renderer.end(name)
            }
        }
        return renderer.result()
    }

    /// Elements whose content is not shown.
    private static let hidden: Set<String> = [
        "script", "style", "title", "template", "iframe", "noscript", "xml", "svg", "math", "select", "object",
    ]

    /// Elements that start and end on their own line.
    private static let blocks: Set<String> = [
        "p", "div", "br", "tr", "li", "ul", "ol", "dl", "dt", "dd", "table", "blockquote", "pre", "hr",
        "h1", "h2", "h3", "h4", "h5", "h6", "address", "article", "section", "header", "footer", "center",
        "caption", "form", "fieldset",
    ]

    private struct Renderer {
        var output: [UInt8] = []
        var hiddenDepth = 0
        var preformatted = 0
        var pendingSpace = false

        mutating func text(_ raw: ArraySlice<UInt8>) {
            guard hiddenDepth == 0 else { return }
            let decoded = HTMLEntities.decode(raw)
            var index = 0
            while index < decoded.count {
                var byte = decoded[index]
                index += 1
                if preformatted == 0, ASCII.isWhitespace(byte) {
                    pendingSpace = true
                    continue
                }
                // A no-break space is a space that HTML does not collapse (mail fills empty paragraphs with it).
                if byte == 0xC2, index < decoded.count, decoded[index] == 0xA0 {
                    byte = ASCII.space
                    index += 1
                }
                if pendingSpace, let last = output.last, last != ASCII.lf { output.append(ASCII.space) }
                pendingSpace = false
                output.append(byte)
            }
        }

        mutating func start(_ name: String, selfClosing: Bool) {
            if hidden.contains(name) {
                if !selfClosing { hiddenDepth += 1 }
                return
            }
            if name == "pre" { preformatted += 1 }
            if name == "td" || name == "th" { pendingSpace = true }
            if name == "br" {
                output.append(ASCII.lf)
                pendingSpace = false
            } else if blocks.contains(name) {
                newline()
            }
            if name == "li" { output.append(contentsOf: "- ".utf8) }
        }

        mutating func end(_ name: String) {
            if hidden.contains(name) {
                hiddenDepth = max(0, hiddenDepth - 1)
                return
            }
            if name == "pre" { preformatted = max(0, preformatted - 1) }
            if blocks.contains(name) { newline() }
        }

        /// Ends the current line unless it is empty, so nested blocks leave one break, not many.
        private mutating func newline() {
            pendingSpace = false
            if let last = output.last, last != ASCII.lf { output.append(ASCII.lf) }
        }

        /// Lines without trailing blanks, at most one empty line in a row, no empty lines at the ends.
        func result() -> String {
            var lines: [ArraySlice<UInt8>] = []
            var emptyRun = 0
            for line in output.split(separator: ASCII.lf, omittingEmptySubsequences: false) {
                let trimmed = Self.trimmingTrailingBlanks(line)
                if trimmed.isEmpty {
                    emptyRun += 1
                    if emptyRun > 1 || lines.isEmpty { continue }
                } else {
                    emptyRun = 0
                }
                lines.append(trimmed)
            }
            while let last = lines.last, last.isEmpty { lines.removeLast() }
            return String(decoding: Array(lines.joined(separator: [ASCII.lf])), as: UTF8.self)
        }

        private static func trimmingTrailingBlanks(_ line: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            var end = line.endIndex
            while end > line.startIndex, line[end - 1] == ASCII.space || line[end - 1] == ASCII.tab { end -= 1 }
            return line[line.startIndex..<end]
        }
    }
}

extension MailMessage {
    /// The body as plain text for previews and search: `text`, or else `html` rendered by
    /// `HTMLText.plain`, or "" for a message without a text body.
    public var plainText: String {
        text ?? html.map(HTMLText.plain) ?? ""
    }
}
