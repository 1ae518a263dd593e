/// Removes from email HTML everything that could run code or load remote content, so a message
/// can be shown inside the workspace: script, style, iframe, object, form and similar elements
/// with their content; embed, meta, link and base tags; event-handler and style attributes;
/// links other than http(s), mailto and tel; and images other than `cid:` parts and
/// `data:image` (remote images too, unless `allowRemoteImages`). A small allow-list of
/// formatting elements and attributes is kept; other tags are dropped but their text is kept,
/// and all text is escaped. The output is balanced: every kept element is closed.
public enum HTMLSanitizer {
    public static func clean(_ html: String, allowRemoteImages: Bool = false) -> String {
        var writer = Writer(allowRemoteImages: allowRemoteImages)
        var tokenizer = HTMLTokenizer(html)
        while let token = tokenizer.next() {
            switch token {
            case .text(let range): writer.text(tokenizer.bytes[range])
            case .startTag(let tag): writer.start(tag)
            case .endTag(let name): writer.end(name)
            }
        }
        writer.closeAll()
        return String(decoding: writer.output, as: UTF8.self)
    }

    /// Dropped together with everything inside them.
    private static let droppedWithContent: Set<String> = [
        "script", "style", "iframe", "object", "applet", "form", "textarea", "select", "noscript", "template",
        "title", "svg", "math", "xml", "frameset", "noframes", "noembed", "plaintext", "xmp",
    ]

    /// Kept elements and the attributes each may keep.
    private static let allowed: [String: Set<String>] = {
        let block: Set<String> = ["align", "dir", "title"]
        let cell: Set<String> = ["align", "valign", "width", "height", "colspan", "rowspan", "bgcolor", "dir"]
        var table: [String: Set<String>] = [
            "a": ["href", "title"],
            "img": ["src", "alt", "title", "width", "height"],
            "table": ["align", "width", "border", "cellpadding", "cellspacing", "bgcolor", "dir"],
            "td": cell, "th": cell,
            "tr": ["align", "valign", "bgcolor"],
            "col": ["span", "width", "align"], "colgroup": ["span", "width", "align"],
            "ol": ["start", "type", "dir"],
            "font": ["color", "face", "size"],
            "br": [], "hr": [],
        ]
        for name in ["p", "div", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "caption", "center",
                     "thead", "tbody", "tfoot", "ul", "li", "dl", "dt", "dd"] {
            table[name] = block
        }
        for name in ["b", "i", "u", "s", "strike", "strong", "em", "small", "big", "sub", "sup", "code", "tt",
                     "span", "abbr", "cite", "q", "kbd", "mark", "del", "ins"] {
            table[name] = ["title", "dir"]
        }
        return table
    }()

    private static let voidElements: Set<String> = ["br", "hr", "img", "col"]

    /// Elements that end an open paragraph, as an HTML parser would end it.
    private static let closesParagraph: Set<String> = [
        "p", "div", "table", "ul", "ol", "dl", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "center",
    ]

    /// Deep nesting from hostile mail would only slow the browser showing it.
    private static let depthLimit = 100

    private struct Writer {
        let allowRemoteImages: Bool
        var output: [UInt8] = []
        var open: [String] = []
        /// The element being dropped with its content, and how many of it are nested.
        var dropping: (name: String, depth: Int)?

        init(allowRemoteImages: Bool) {
            self.allowRemoteImages = allowRemoteImages
        }

        mutating func text(_ bytes: ArraySlice<UInt8>) {
            guard dropping == nil else { return }
            var index = bytes.startIndex
            while index < bytes.endIndex {
                let byte = bytes[index]
                switch byte {
                case ASCII.lessThan: append("&lt;")
                case ASCII.greaterThan: append("&gt;")
                case ASCII.ampersand:
                    // Well-formed references are safe as they are; a bare `&` is escaped.
                    if let end = HTMLEntities.referenceEnd(in: bytes, at: index) {
                        output.append(contentsOf: bytes[index..<end])
                        index = end
                        continue
                    }
                    append("&amp;")
                case 0: break
                default: output.append(byte)
                }
                index += 1
            }
        }

        mutating func start(_ tag: HTMLTokenizer.Tag) {
            if let current = dropping {
                if tag.name == current.name, !tag.selfClosing { dropping = (current.name, current.depth + 1) }
                return
            }
            if droppedWithContent.contains(tag.name) {
                if !tag.selfClosing { dropping = (tag.name, 1) }
                return
            }
            guard let permitted = allowed[tag.name], open.count < depthLimit else { return }
            var attributes: [(String, String)] = []
            for attribute in tag.attributes where permitted.contains(attribute.name) {
                switch attribute.name {
                case "href":
                    guard let url = Self.safeLink(attribute.value) else { continue }
                    attributes.append(("href", url))
                case "src":
                    guard let url = Self.safeImage(attribute.value, allowRemote: allowRemoteImages) else { return }
                    attributes.append(("src", url))
                default:
                    attributes.append((attribute.name, attribute.value))
                }
            }
            if tag.name == "img", !attributes.contains(where: { $0.0 == "src" }) { return }
            if tag.name == "a", attributes.contains(where: { $0.0 == "href" }) {
                attributes.append(("rel", "noopener noreferrer"))
                attributes.append(("target", "_blank"))
            }
            closeImplied(by: tag.name)
            output.append(ASCII.lessThan)
            append(tag.name)
            for (name, value) in attributes {
                output.append(ASCII.space)
                append(name)
                append("=\"")
                appendAttributeValue(value)
                output.append(ASCII.quote)
            }
            output.append(ASCII.greaterThan)
            if !voidElements.contains(tag.name) { open.append(tag.name) }
        }

        mutating func end(_ name: String) {
            if let current = dropping {
                if name == current.name { dropping = current.depth > 1 ? (name, current.depth - 1) : nil }
                return
            }
            guard let position = open.lastIndex(of: name) else { return }
            while open.count > position { close() }
        }

        mutating func closeAll() {
            while !open.isEmpty { close() }
        }

        private mutating func close() {
            guard let name = open.popLast() else { return }
            append("</")
            append(name)
            output.append(ASCII.greaterThan)
        }

        /// Ends elements that a new one implicitly ends: a paragraph before a block, a list item
        /// before the next, a cell before the next cell or row.
        private mutating func closeImplied(by name: String) {
            if closesParagraph.contains(name), open.last == "p" { close() }
            switch name {
            case "li": closeOpen(["li"], within: ["ul", "ol"])
            case "dt", "dd": closeOpen(["dt", "dd"], within: ["dl"])
            case "tr": closeOpen(["tr"], within: ["table", "thead", "tbody", "tfoot"])
            case "td", "th": closeOpen(["td", "th"], within: ["tr", "table"])
            case "thead", "tbody", "tfoot": closeOpen(["thead", "tbody", "tfoot"], within: ["table"])
            default: break
            }
        }

        private mutating func closeOpen(_ names: Set<String>, within boundaries: Set<String>) {
            guard let position = open.lastIndex(where: { names.contains($0) || boundaries.contains($0) }),
                  names.contains(open[position]) else { return }
            while open.count > position { close() }
        }

        private mutating func append(_ text: String) {
            output.append(contentsOf: text.utf8)
        }

        private mutating func appendAttributeValue(_ value: String) {
            for byte in value.utf8 {
                switch byte {
                case ASCII.ampersand: append("&amp;")
                case ASCII.quote: append("&quot;")
                case ASCII.lessThan: append("&lt;")
                case ASCII.greaterThan: append("&gt;")
                case 0: break
                default: output.append(byte)
                }
            }
        }

        /// The URL browsers would see: blanks and controls at the ends and tabs and line breaks
        /// inside are ignored by them, so `java\tscript:` must be read as `javascript:`.
        private static func normalisedURL(_ value: String) -> String {
            let kept = value.utf8.filter { $0 != ASCII.tab && $0 != ASCII.lf && $0 != ASCII.cr }
            var start = kept.startIndex, end = kept.endIndex
            while start < end, kept[start] <= ASCII.space { start += 1 }
            while end > start, kept[end - 1] <= ASCII.space { end -= 1 }
            return String(decoding: kept[start..<end], as: UTF8.self)
        }

        private static func safeLink(_ value: String) -> String? {
            let url = normalisedURL(value)
            let lowered = ASCII.lowercased(url)
            let schemes = ["http://", "https://", "mailto:", "tel:", "#"]
            return schemes.contains(where: lowered.hasPrefix) ? url : nil
        }

        private static func safeImage(_ value: String, allowRemote: Bool) -> String? {
            let url = normalisedURL(value)
            let lowered = ASCII.lowercased(url)
            if lowered.hasPrefix("cid:") { return url }
            // SVG is left out: it is a document that can carry script of its own.
            let rasterTypes = ["png", "jpeg", "jpg", "gif", "webp", "bmp"]
            if rasterTypes.contains(where: { lowered.hasPrefix("data:image/\($0);") || lowered.hasPrefix("data:image/\($0),") }) {
                return url
            }
            if allowRemote, lowered.hasPrefix("https://") || lowered.hasPrefix("http://") { return url }
            return nil
        }
    }
}
