import Foundation

/// A character set named by a MIME `charset` parameter or an encoded word, and how to turn its
/// bytes into a `String`. The Western single-byte sets are decoded by our own tables because they
/// carry most non-UTF-8 mail and must be fast; a few others go through Foundation.
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
    case foundation(String.Encoding)

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
        case "iso-2022-jp", "csiso2022jp": self = .foundation(.iso2022JP)
        case "shift_jis", "shift-jis", "sjis", "x-sjis", "cp932", "windows-31j", "ms_kanji": self = .foundation(.shiftJIS)
        case "euc-jp", "x-euc-jp": self = .foundation(.japaneseEUC)
        case "iso-8859-2", "iso8859-2", "latin2", "l2": self = .foundation(.isoLatin2)
        case "windows-1250", "cp1250": self = .foundation(.windowsCP1250)
        case "windows-1251", "cp1251": self = .foundation(.windowsCP1251)
        case "windows-1253", "cp1253": self = .foundation(.windowsCP1253)
        case "windows-1254", "cp1254", "iso-8859-9", "latin5": self = .foundation(.windowsCP1254)
        case "utf-16": self = .foundation(.utf16)
        case "utf-16le": self = .foundation(.utf16LittleEndian)
        case "utf-16be": self = .foundation(.utf16BigEndian)
        default: self = .unlabelled
        }
    }

    func decode(_ bytes: ArraySlice<UInt8>) -> String {
        switch self {
        case .utf8:
            return String(decoding: bytes, as: UTF8.self)
        case .unlabelled:
            if let text = String(validating: bytes, as: UTF8.self) { return text }
            return Self.decodeSingleByte(bytes, latin9: false)
        case .windows1252:
            return Self.decodeSingleByte(bytes, latin9: false)
        case .latin9:
            return Self.decodeSingleByte(bytes, latin9: true)
        case .foundation(let encoding):
            if let text = String(bytes: bytes, encoding: encoding) { return text }
            return Charset.unlabelled.decode(bytes)
        }
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
