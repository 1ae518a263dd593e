/// The lines in an SMTP client's byte stream when it is split all at once, which the decoder must
/// give whatever chunks the stream arrives in: each LF ends a line and a CR before it is dropped;
/// a line longer than the limit (counting that CR) is one `.tooLong`; the bytes after the last LF
/// are no line, but are one `.tooLong` when they already exceed the limit.
enum ExpectedLines {
    static func split(_ stream: ArraySlice<UInt8>, maxLength: Int) -> [DecodedLine] {
        var lines: [DecodedLine] = []
        var start = stream.startIndex
        while let newline = stream[start...].firstIndex(of: UInt8(ascii: "\n")) {
            var line = Array(stream[start..<newline])
            if line.count > maxLength {
                lines.append(.tooLong)
            } else {
                if line.last == UInt8(ascii: "\r") { line.removeLast() }
                lines.append(.line(line))
            }
            start = newline + 1
        }
        if stream.endIndex - start > maxLength { lines.append(.tooLong) }
        return lines
    }
}
