/// Splits the body of a multipart entity into its parts at the boundary delimiter lines
/// (RFC 2046 5.1.1). The preamble and epilogue are dropped; a missing close delimiter ends the
/// last part at the end of the body, so truncated messages keep what did arrive.
enum Multipart {
    /// The byte ranges of the parts (headers and body each), or nil when no delimiter line occurs.
    static func parts(of bytes: ArraySlice<UInt8>, boundary: String) -> [Range<Int>]? {
        let delimiter = Array("--\(boundary)".utf8)
        var parts: [Range<Int>] = []
        var partStart: Int?
        var found = false
        var lineStart = bytes.startIndex
        let end = bytes.endIndex
        while lineStart < end {
            let lineEnd = ASCII.lineFeed(in: bytes, from: lineStart)
            if bytes[lineStart] == ASCII.hyphen, let closing = delimiterLine(bytes, lineStart..<lineEnd, delimiter) {
                found = true
                if let start = partStart {
                    // The line break before a delimiter belongs to the delimiter.
                    var contentEnd = lineStart
                    if contentEnd > start, bytes[contentEnd - 1] == ASCII.lf { contentEnd -= 1 }
                    if contentEnd > start, bytes[contentEnd - 1] == ASCII.cr { contentEnd -= 1 }
                    parts.append(start..<contentEnd)
                }
                partStart = nil
                if closing { return parts }
                partStart = min(lineEnd + 1, end)
            }
            lineStart = lineEnd + 1
        }
        if let start = partStart { parts.append(start..<end) }
        return found ? parts : nil
    }

    /// Whether the line is a delimiter, and if so whether it is the close delimiter; nil otherwise.
    /// Trailing blanks are allowed (RFC 2046 transport padding), other trailing text is not, so a
    /// boundary that is a prefix of a nested part's boundary is not mistaken for it.
    private static func delimiterLine(_ bytes: ArraySlice<UInt8>, _ line: Range<Int>, _ delimiter: [UInt8]) -> Bool? {
        guard line.count >= delimiter.count else { return nil }
        var index = line.lowerBound
        for byte in delimiter {
            if bytes[index] != byte { return nil }
            index += 1
        }
        var closing = false
        if index + 1 < line.upperBound, bytes[index] == ASCII.hyphen, bytes[index + 1] == ASCII.hyphen {
            closing = true
            index += 2
        }
        while index < line.upperBound {
            if !ASCII.isWhitespace(bytes[index]) { return nil }
            index += 1
        }
        return closing
    }
}
