/// RFC 2047 encoded words (`=?charset?B|Q?text?=`) in header text.
///
/// Decoding is lenient where mail in the wild needs it: words are found anywhere, not only
/// between spaces; adjacent words in one charset are joined as bytes before decoding, because
/// senders split multi-byte characters across words; malformed words are left as they are.
enum EncodedWords {
    static func decode(_ text: String) -> String {
        let bytes = Array(text.utf8)
        guard ASCII.firstRange(of: [ASCII.equals, ASCII.question], in: bytes[...]) != nil else { return text }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var pendingCharset: Charset?
        var pendingBytes: [UInt8] = []
        var afterWord = false

        func flush() {
            if let charset = pendingCharset {
                output.append(contentsOf: charset.decode(pendingBytes[...]).utf8)
                pendingCharset = nil
                pendingBytes.removeAll(keepingCapacity: true)
            }
        }

        var index = 0
        while index < bytes.count {
            if bytes[index] == ASCII.equals, let word = word(in: bytes, at: index) {
                if pendingCharset != word.charset { flush() }
                pendingCharset = word.charset
                pendingBytes.append(contentsOf: word.decoded)
                index = word.end
                afterWord = true
                continue
            }
            if afterWord, ASCII.isWhitespace(bytes[index]) {
                var next = index
                while next < bytes.count, ASCII.isWhitespace(bytes[next]) { next += 1 }
                // Whitespace between two encoded words is not part of the text (RFC 2047 6.2).
                if next < bytes.count, bytes[next] == ASCII.equals, word(in: bytes, at: next) != nil {
                    index = next
                    continue
                }
                flush()
                output.append(contentsOf: bytes[index..<next])
                index = next
                afterWord = false
                continue
            }
            flush()
            afterWord = false
            output.append(bytes[index])
            index += 1
        }
        flush()
        return String(decoding: output, as: UTF8.self)
    }

    private struct Word {
        var charset: Charset
        var decoded: [UInt8]
        var end: Int
    }

    private static func word(in bytes: [UInt8], at start: Int) -> Word? {
        guard start + 1 < bytes.count, bytes[start] == ASCII.equals, bytes[start + 1] == ASCII.question else { return nil }
        var index = start + 2
        let charsetStart = index
        while index < bytes.count, bytes[index] != ASCII.question {
            if ASCII.isWhitespace(bytes[index]) || index - charsetStart > 40 { return nil }
            index += 1
        }
        guard index > charsetStart, index + 2 < bytes.count, bytes[index + 2] == ASCII.question else { return nil }
        let encoding = ASCII.lowercased(bytes[index + 1])
        guard encoding == UInt8(ascii: "b") || encoding == UInt8(ascii: "q") else { return nil }
        let charsetEnd = index
        index += 3
        let textStart = index
        // Some senders leave spaces in the encoded text: taken as they are, up to the closing
        // `?=` on the same line.
        while index + 1 < bytes.count, !(bytes[index] == ASCII.question && bytes[index + 1] == ASCII.equals) {
            if bytes[index] == ASCII.cr || bytes[index] == ASCII.lf || index - textStart > 1_000 { return nil }
            index += 1
        }
        guard index + 1 < bytes.count else { return nil }
        let text = bytes[textStart..<index]
        let decoded = encoding == UInt8(ascii: "b")
            ? TransferEncoding.decodeBase64(text)
            : TransferEncoding.decodeQuotedPrintable(text, underscoreIsSpace: true)
        let label = String(decoding: bytes[charsetStart..<charsetEnd], as: UTF8.self)
        return Word(charset: Charset(label: label), decoded: decoded, end: index + 2)
    }
}
