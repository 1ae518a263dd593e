/// A MIME Content-Transfer-Encoding (RFC 2045) and its decoder. Decoding never fails: mail from
/// the wild has lowercase hex, stray `=` and line noise in base64, and the best reading of
/// damaged content is worth more to a support agent than an error.
enum TransferEncoding {
    /// 7bit, 8bit, binary, and unknown encodings, whose bytes are shown as they came.
    case identity
    case quotedPrintable
    case base64

    init(header: String?) {
        switch header.map({ ASCII.lowercased(ASCII.trimmed($0)) }) {
        case "quoted-printable": self = .quotedPrintable
        case "base64": self = .base64
        default: self = .identity
        }
    }

    func decode(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        switch self {
        case .identity: Array(bytes)
        case .quotedPrintable: Self.decodeQuotedPrintable(bytes, underscoreIsSpace: false)
        case .base64: Self.decodeBase64(bytes)
        }
    }

    /// Quoted-printable, or with `underscoreIsSpace` the "Q" encoding of RFC 2047 encoded words.
    static func decodeQuotedPrintable(_ bytes: ArraySlice<UInt8>, underscoreIsSpace: Bool) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var lineStart = 0
        var index = bytes.startIndex
        let end = bytes.endIndex
        while index < end {
            let byte = bytes[index]
            switch byte {
            case ASCII.equals:
                var next = index + 1
                while next < end, bytes[next] == ASCII.space || bytes[next] == ASCII.tab { next += 1 }
                if next == end {
                    index = end
                } else if bytes[next] == ASCII.lf {
                    index = next + 1
                } else if bytes[next] == ASCII.cr {
                    index = next + 1
                    if index < end, bytes[index] == ASCII.lf { index += 1 }
                } else if index + 2 < end, let high = ASCII.hexValue(bytes[index + 1]),
                          let low = ASCII.hexValue(bytes[index + 2]) {
                    output.append(high << 4 | low)
                    index += 3
                } else {
                    output.append(byte)
                    index += 1
                }
                continue
            case ASCII.cr, ASCII.lf:
                // Trailing blanks on an encoded line were added in transport (RFC 2045 6.7 rule 3).
                while output.count > lineStart, output[output.count - 1] == ASCII.space || output[output.count - 1] == ASCII.tab {
                    output.removeLast()
                }
                output.append(byte)
                if byte == ASCII.lf { lineStart = output.count }
            case ASCII.underscore where underscoreIsSpace:
                output.append(ASCII.space)
            default:
                output.append(byte)
            }
            index += 1
        }
        return output
    }

    static func decodeBase64(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count / 4 * 3 + 3)
        var accumulator: UInt32 = 0
        var count = 0
        for byte in bytes {
            let value = base64Values[Int(byte)]
            if value < 64 {
                accumulator = accumulator << 6 | UInt32(value)
                count += 1
                if count == 4 {
                    output.append(UInt8(truncatingIfNeeded: accumulator >> 16))
                    output.append(UInt8(truncatingIfNeeded: accumulator >> 8))
                    output.append(UInt8(truncatingIfNeeded: accumulator))
                    accumulator = 0
                    count = 0
                }
            } else if byte == ASCII.equals {
                // Padding ends a group; some senders concatenate separately padded chunks.
                flush(accumulator, count, into: &output)
                accumulator = 0
                count = 0
            }
        }
        flush(accumulator, count, into: &output)
        return output
    }

    private static func flush(_ accumulator: UInt32, _ count: Int, into output: inout [UInt8]) {
        switch count {
        case 2:
            output.append(UInt8(truncatingIfNeeded: accumulator >> 4))
        case 3:
            output.append(UInt8(truncatingIfNeeded: accumulator >> 10))
            output.append(UInt8(truncatingIfNeeded: accumulator >> 2))
        default:
            break
        }
    }

    /// The 6-bit value of each byte in the base64 alphabet, 0xFF for every other byte.
    private static let base64Values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(value) }
        return table
    }()
}
