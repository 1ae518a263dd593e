/// The header fields of a message or MIME part, unfolded and in the order they came, looked up by
/// name without regard to case.
public struct MailHeaders: Sendable, Sequence {
    /// One header field with its folding removed; the value is otherwise as sent.
    public struct Field: Sendable, Equatable {
        public var name: String
        public var value: String
    }

    private var fields: [Field] = []
    /// Lowercased names, parallel to `fields`, so lookups compare without folding case each time.
    private var keys: [String] = []

    /// The value of the first field with this name.
    public subscript(name: String) -> String? {
        guard let index = keys.firstIndex(where: { ASCII.equals(name, lowered: $0) }) else { return nil }
        return fields[index].value
    }

    /// The values of every field with this name, in order.
    public func values(_ name: String) -> [String] {
        keys.indices.filter { ASCII.equals(name, lowered: keys[$0]) }.map { fields[$0].value }
    }

    /// The first value with RFC 2047 encoded words decoded and the ends trimmed.
    public func decoded(_ name: String) -> String? {
        self[name].map { ASCII.trimmed(EncodedWords.decode($0)) }
    }

    public var isEmpty: Bool { fields.isEmpty }

    public func makeIterator() -> IndexingIterator<[Field]> {
        fields.makeIterator()
    }

    /// Reads the header section at the start of `bytes` and returns it with the index where the
    /// body begins. The section ends at the first empty line, or at the first line that cannot be
    /// a header field, since senders that forget the empty line are not rare.
    static func parse(_ bytes: ArraySlice<UInt8>) -> (headers: MailHeaders, bodyStart: Int) {
        var headers = MailHeaders()
        var index = bytes.startIndex
        let end = bytes.endIndex
        var name: Range<Int>?
        var value = 0..<0
        var folded: [UInt8]?

        func finish() {
            guard let nameRange = name else { return }
            let raw = folded.map { ASCII.trimmed($0[...]) } ?? ASCII.trimmed(bytes[value])
            headers.fields.append(Field(
                name: String(decoding: bytes[nameRange], as: UTF8.self),
                value: Charset.unlabelled.decode(raw)
            ))
            headers.keys.append(String(decoding: bytes[nameRange].map { ASCII.lowercased($0) }, as: UTF8.self))
            name = nil
            folded = nil
        }

        while index < end {
            let lineEnd = ASCII.lineFeed(in: bytes, from: index)
            let next = lineEnd < end ? lineEnd + 1 : end
            var contentEnd = lineEnd
            if contentEnd > index, bytes[contentEnd - 1] == ASCII.cr { contentEnd -= 1 }
            if contentEnd == index {
                index = next
                break
            }
            let first = bytes[index]
            if first == ASCII.space || first == ASCII.tab {
                if name != nil {
                    if folded == nil { folded = Array(bytes[value]) }
                    folded?.append(contentsOf: bytes[index..<contentEnd])
                }
                index = next
                continue
            }
            if index == bytes.startIndex, ASCII.hasPrefix(bytes[index..<contentEnd], caseInsensitive: "From ") {
                // An mbox separator line, left on messages saved from a mailbox.
                index = next
                continue
            }
            guard let colon = fieldNameEnd(bytes, from: index, to: contentEnd) else { break }
            finish()
            var nameEnd = colon
            while nameEnd > index, bytes[nameEnd - 1] == ASCII.space || bytes[nameEnd - 1] == ASCII.tab { nameEnd -= 1 }
            name = index..<nameEnd
            value = (colon + 1)..<contentEnd
            index = next
        }
        finish()
        return (headers, index)
    }

    /// The index of the colon ending a field name on this line, or nil if the line is not a field.
    private static func fieldNameEnd(_ bytes: ArraySlice<UInt8>, from start: Int, to end: Int) -> Int? {
        var index = start
        while index < end {
            let byte = bytes[index]
            if byte == ASCII.colon { return index > start ? index : nil }
            if byte == ASCII.space || byte == ASCII.tab {
                // Obsolete syntax allows blanks before the colon, but nothing after them.
                var next = index
                while next < end, bytes[next] == ASCII.space || bytes[next] == ASCII.tab { next += 1 }
                return next < end && bytes[next] == ASCII.colon && index > start ? next : nil
            }
            if byte < 33 || byte > 126 { return nil }
            index += 1
        }
        return nil
    }
}
