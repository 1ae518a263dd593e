/// Reads the body most creations and updates send, `{"properties": {"name": "value", ...}}`,
/// straight from its bytes: a general decoder spends more on this small object than the rest of
/// the request's handling. Values may be strings, booleans or null (null clears a property, so it
/// reads as ""). Anything else (numbers, other keys, duplicate names, escapes it cannot decode,
/// malformed JSON) reads as `nil`, and the caller hands the body to the general decoder, which
/// also words the errors.
public enum PropertiesBody {
    public static func read(_ bytes: UnsafeRawBufferPointer) -> [String: String]? {
        var reader = Reader(bytes: bytes)
        guard reader.take(UInt8(ascii: "{")), reader.string() == "properties", reader.take(UInt8(ascii: ":")),
              reader.take(UInt8(ascii: "{")) else { return nil }
        var properties: [String: String] = [:]
        if !reader.take(UInt8(ascii: "}")) {
            repeat {
                guard let name = reader.string(), reader.take(UInt8(ascii: ":")), let value = reader.scalar(),
                      properties.updateValue(value, forKey: name) == nil else { return nil }
            } while reader.take(UInt8(ascii: ","))
            guard reader.take(UInt8(ascii: "}")) else { return nil }
        }
        guard reader.take(UInt8(ascii: "}")), reader.atEnd else { return nil }
        return properties
    }

    private struct Reader {
        let bytes: UnsafeRawBufferPointer
        var position = 0

        var atEnd: Bool {
            mutating get {
                skipSpace()
                return position == bytes.count
            }
        }

        mutating func skipSpace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        /// Takes `byte` after any white space, if it is next.
        mutating func take(_ byte: UInt8) -> Bool {
            skipSpace()
            guard position < bytes.count, bytes[position] == byte else { return false }
            position += 1
            return true
        }

        mutating func take(_ word: StaticString) -> Bool {
            let count = word.utf8CodeUnitCount
            guard position + count <= bytes.count else { return false }
            for offset in 0..<count where bytes[position + offset] != word.utf8Start[offset] {
                return false
            }
            position += count
            return true
        }

        /// A string, boolean or null value, as the property's text.
        mutating func scalar() -> String? {
            skipSpace()
            guard position < bytes.count else { return nil }
            switch bytes[position] {
            case UInt8(ascii: "\""): return string()
            case UInt8(ascii: "t"): return take("true") ? "true" : nil
            case UInt8(ascii: "f"): return take("false") ? "false" : nil
            case UInt8(ascii: "n"): return take("null") ? "" : nil
            default: return nil
            }
        }

        mutating func string() -> String? {
            guard take(UInt8(ascii: "\"")) else { return nil }
            let start = position
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: "\""):
                    let text = String(validating: UnsafeRawBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                    position += 1
                    return text
                case UInt8(ascii: "\\"):
                    return escapedString(from: start)
                case 0..<0x20:
                    return nil
                default:
                    position += 1
                }
            }
            return nil
        }

        /// The rest of a string that has escapes, whose plain part began at `start`.
        mutating func escapedString(from start: Int) -> String? {
            var utf8 = Array(bytes[start..<position])
            while position < bytes.count {
                let byte = bytes[position]
                position += 1
                switch byte {
                case UInt8(ascii: "\""):
                    return String(validating: utf8, as: UTF8.self)
                case 0..<0x20:
                    return nil
                case UInt8(ascii: "\\"):
                    guard position < bytes.count else { return nil }
                    let escape = bytes[position]
                    position += 1
                    switch escape {
                    case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): utf8.append(escape)
                    case UInt8(ascii: "b"): utf8.append(0x08)
                    case UInt8(ascii: "f"): utf8.append(0x0C)
                    case UInt8(ascii: "n"): utf8.append(0x0A)
                    case UInt8(ascii: "r"): utf8.append(0x0D)
                    case UInt8(ascii: "t"): utf8.append(0x09)
                    case UInt8(ascii: "u"):
                        guard let scalar = unicodeEscape() else { return nil }
                        utf8.append(contentsOf: UTF8.encode(scalar)!)
                    default: return nil
                    }
                default:
                    utf8.append(byte)
                }
            }
            return nil
        }

        /// The scalar of `\uXXXX` (its `\u` taken), or of a surrogate pair `\uD8XX\uDCXX`.
        mutating func unicodeEscape() -> Unicode.Scalar? {
            guard let high = hex4() else { return nil }
            switch high {
            case 0xD800..<0xDC00:
                guard take("\\u"), let low = hex4(), (0xDC00..<0xE000).contains(low) else { return nil }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))
            case 0xDC00..<0xE000:
                return nil
            default:
                return Unicode.Scalar(high)
            }
        }

        mutating func hex4() -> UInt32? {
            guard position + 4 <= bytes.count else { return nil }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[position]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: return nil
                }
                value = value << 4 | UInt32(digit)
                position += 1
            }
            return value
        }
    }
}
