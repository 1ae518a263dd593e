#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A character set named by a MIME `charset` parameter or an encoded word, and how to turn its
/// bytes into a `String`. The Western single-byte sets are decoded by our own tables because they
/// carry most non-UTF-8 mail and must be fast; every other set goes through the C library's
/// iconv, which knows the Chinese, Japanese, Korean and Cyrillic sets, UTF-7 and the Windows code
/// pages. A label iconv does not know is read as if there were none.
enum Charset: Equatable {
    /// UTF-8 as declared: invalid sequences become U+FFFD.
    case utf8
    /// Windows-1252, which is also how ISO-8859-1 is read: mail labelled Latin-1 very often
    /// carries Windows quotes and the euro sign in 0x80–0x9F, where real Latin-1 has unused
    /// control codes (browsers make the same choice, per the WHATWG Encoding Standard).
    case windows1252
    /// ISO-8859-15 (Latin-9), Latin-1 with the euro sign and eight other letters.
    case latin9
    /// No usable label (absent, US-ASCII, or unknown): UTF-8 when the bytes are valid UTF-8,
    /// otherwise Windows-1252, which never fails.
    case unlabelled
    /// Any other set, by the name iconv knows it by.
    case converted(String)

    init(label: String?) {
        guard let label else {
            self = .unlabelled
            return
        }
        var name = ASCII.lowercased(ASCII.trimmed(label))
        // RFC 2231 allows a language after an asterisk: `utf-8*en`.
        if let star = name.firstIndex(of: "*") { name = String(name[..<star]) }
        if name.utf8.contains(ASCII.quote) { name.removeAll { $0 == "\"" } }
        switch name {
        case "utf-8", "utf8", "unicode-1-1-utf-8", "x-unicode20utf8":
            self = .utf8
        case "iso-8859-1", "iso8859-1", "iso_8859-1", "latin1", "latin-1", "l1", "cp819", "iso-ir-100",
             "windows-1252", "cp1252", "x-cp1252", "ms-ansi", "iso-8859-1:1987":
            self = .windows1252
        case "iso-8859-15", "iso8859-15", "iso_8859-15", "latin9", "latin-9", "l9":
            self = .latin9
        case "", "us-ascii", "ascii", "ansi_x3.4-1968", "us", "default", "unknown", "unknown-8bit", "x-unknown":
            self = .unlabelled
        // Senders label the smaller set and write characters of its superset; read the superset.
        case "gb2312", "gbk", "x-gbk", "cp936", "euc-cn", "x-euc-cn", "gb_2312-80", "chinese", "csgb2312":
            self = .converted("GB18030")
        case "big5", "x-big5", "cn-big5", "csbig5", "big5-hkscs":
            self = .converted("BIG5-HKSCS")
        case "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "windows-31j", "cp932":
            self = .converted("CP932")
        case "euc-kr", "ks_c_5601-1987", "ks_c_5601", "ksc5601", "cp949", "uhc", "windows-949":
            self = .converted("CP949")
        case "iso-2022-jp", "csiso2022jp":
            self = .converted("ISO-2022-JP-2")
        // Labels iconv does not know for sets it has: the Hebrew and Arabic ones name the order of
        // the text, not other bytes (Outlook writes them), and Apple Mail writes Mac Roman so.
        case "iso-8859-8-i", "iso-8859-8-e", "csiso88598i", "csiso88598e":
            self = .converted("ISO-8859-8")
        case "iso-8859-6-i", "iso-8859-6-e", "csiso88596i", "csiso88596e":
            self = .converted("ISO-8859-6")
        case "x-mac-roman", "x-mac", "csmacintosh":
            self = .converted("MACINTOSH")
        default:
            // Only plain names go to iconv: it would read suffixes such as `//TRANSLIT` as options.
            let known = !name.isEmpty && name.utf8.count <= 40 && name.utf8.allSatisfy {
                (0x30...0x39).contains($0) || (0x61...0x7A).contains($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "_")
                    || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ":")
            }
            self = known && Self.iconvKnows(name) ? .converted(name.uppercased()) : .unlabelled
        }
    }

    func decode(_ bytes: ArraySlice<UInt8>) -> String {
        switch self {
        case .utf8:
            return String(decoding: bytes, as: UTF8.self)
        case .unlabelled:
            if let text = String(validating: bytes, as: UTF8.self) { return text }
            return Self.decodeSingleByte(bytes, latin9: false)
        case .windows1252, .latin9:
            // Mail labelled Western but written in UTF-8 is common, and Western text that happens
            // to be valid UTF-8 with non-ASCII letters is not: read such bytes as UTF-8.
            if bytes.contains(where: { $0 >= 0x80 }), let text = String(validating: bytes, as: UTF8.self) { return text }
            return Self.decodeSingleByte(bytes, latin9: self == .latin9)
        case .converted(let name):
            // Bytes beyond ASCII that form valid UTF-8 are UTF-8 whatever the label says: text in
            // another set rarely is, while mail labelled with the sender's legacy set but written
            // in UTF-8 is common (and GB18030 would take it as Chinese without complaint).
            if bytes.contains(where: { $0 >= 0x80 }), let utf8 = String(validating: bytes, as: UTF8.self) { return utf8 }
            return Self.convert(bytes, from: name) ?? Charset.unlabelled.decode(bytes)
        }
    }

    /// Whether iconv converts from `name`.
    private static func iconvKnows(_ name: String) -> Bool {
        let descriptor = iconv_open("UTF-8", name)
        if descriptor == iconv_t(bitPattern: -1) { return false }
        iconv_close(descriptor)
        return true
    }

    /// The bytes converted by iconv: a byte sequence the set does not have becomes U+FFFD and the
    /// conversion goes on. `nil` if iconv does not know `name`.
    static func convert(_ bytes: ArraySlice<UInt8>, from name: String) -> String? {
        let descriptor = iconv_open("UTF-8", name)
        if descriptor == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(descriptor) }
        var input = Array(bytes)
        var output = [UInt8](repeating: 0, count: input.count * 4 + 16)
        var written = 0
        input.withUnsafeMutableBytes { inputBytes in
            var inPointer = inputBytes.baseAddress?.assumingMemoryBound(to: CChar.self)
            var inLeft = inputBytes.count
            while true {
                if output.count - written < 16 { output += [UInt8](repeating: 0, count: output.count) }
                let outCapacity = output.count - written
                var outLeft = outCapacity
                // With all input converted, one more call writes what a stateful set (ISO-2022-JP,
                // UTF-7) still holds back.
                let flushing = inLeft == 0
                let result = output.withUnsafeMutableBytes { outputBytes -> Int in
                    var outPointer = outputBytes.baseAddress.map { ($0 + written).assumingMemoryBound(to: CChar.self) }
                    return flushing ? iconv(descriptor, nil, nil, &outPointer, &outLeft)
                        : iconv(descriptor, &inPointer, &inLeft, &outPointer, &outLeft)
                }
                written += outCapacity - outLeft
                if result != -1 {
                    if flushing { return }
                    continue
                }
                switch errno {
                case E2BIG:
                    output += [UInt8](repeating: 0, count: output.count)
                case EILSEQ where !flushing, EINVAL where !flushing:
                    // A sequence the set does not have, or one cut short at the end: mark it and
                    // go on after its first byte.
                    if output.count - written < 3 { output += [UInt8](repeating: 0, count: output.count) }
                    output.replaceSubrange(written..<written + 3, with: [0xEF, 0xBF, 0xBD])
                    written += 3
                    inPointer = inPointer.map { $0 + 1 }
                    inLeft -= 1
                default:
                    return
                }
            }
        }
        return String(decoding: output[..<written], as: UTF8.self)
    }

    /// Unicode scalars for Windows-1252 bytes 0x80–0x9F; the five bytes Windows leaves undefined
    /// map to the C1 control with the same value, as the WHATWG table does.
    private static let windows1252Upper: [UInt16] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
        0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
        0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
        0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ]

    private static func latin9Scalar(_ byte: UInt8) -> UInt16 {
        switch byte {
        case 0xA4: 0x20AC
        case 0xA6: 0x0160
        case 0xA8: 0x0161
        case 0xB4: 0x017D
        case 0xB8: 0x017E
        case 0xBC: 0x0152
        case 0xBD: 0x0153
        case 0xBE: 0x0178
        default: UInt16(byte)
        }
    }

    private static func decodeSingleByte(_ bytes: ArraySlice<UInt8>, latin9: Bool) -> String {
        if !bytes.contains(where: { $0 >= 0x80 }) { return String(decoding: bytes, as: UTF8.self) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count + bytes.count / 2)
        for byte in bytes {
            if byte < 0x80 {
                output.append(byte)
                continue
            }
            let scalar: UInt16
            if latin9 {
                scalar = latin9Scalar(byte)
            } else if byte < 0xA0 {
                scalar = windows1252Upper[Int(byte - 0x80)]
            } else {
                scalar = UInt16(byte)
            }
            if scalar < 0x800 {
                output.append(UInt8(0xC0 | (scalar >> 6)))
                output.append(UInt8(0x80 | (scalar & 0x3F)))
            } else {
                output.append(UInt8(0xE0 | (scalar >> 12)))
                output.append(UInt8(0x80 | ((scalar >> 6) & 0x3F)))
                output.append(UInt8(0x80 | (scalar & 0x3F)))
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
