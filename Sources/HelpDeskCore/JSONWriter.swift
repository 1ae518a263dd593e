/// Writes JSON text straight into bytes, for the paths every request takes (storing a record's
/// values, answering with records), where a general-purpose encoder costs more than the work.
public struct JSONWriter: Sendable {
    public private(set) var bytes: [UInt8] = []

    public init(capacity: Int = 256) {
        bytes.reserveCapacity(capacity)
    }

    public var text: String { String(decoding: bytes, as: UTF8.self) }

    /// Appends JSON punctuation or another literal exactly as given.
    public mutating func raw(_ literal: StaticString) {
        literal.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    /// Appends a quoted, escaped JSON string.
    public mutating func string(_ value: String) {
        bytes.append(0x22)
        for byte in value.utf8 {
            switch byte {
            case 0x22: bytes.append(0x5C); bytes.append(0x22)
            case 0x5C: bytes.append(0x5C); bytes.append(0x5C)
            case 0x0A: bytes.append(0x5C); bytes.append(0x6E)
            case 0x0D: bytes.append(0x5C); bytes.append(0x72)
            case 0x09: bytes.append(0x5C); bytes.append(0x74)
            case 0x00..<0x20:
                let hex: [UInt8] = Array("0123456789abcdef".utf8)
                bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
        bytes.append(0x22)
    }

    public mutating func string(_ value: String?) {
        if let value { string(value) } else { raw("null") }
    }

    public mutating func bool(_ value: Bool) {
        raw(value ? "true" : "false")
    }

    public mutating func number(_ value: Int) {
        raw(String(value))
    }

    /// `"key":` before a member's value, with a comma when it is not the first member.
    public mutating func key(_ name: String, first: Bool = false) {
        if !first { bytes.append(0x2C) }
        string(name)
        bytes.append(0x3A)
    }

    /// An object of strings (or nulls), keys in sorted order so that equal maps give equal text.
    public mutating func object(_ values: [String: String?]) {
        bytes.append(0x7B)
        for (index, name) in values.keys.sorted().enumerated() {
            key(name, first: index == 0)
            string(values[name]!)
        }
        bytes.append(0x7D)
    }

    public mutating func object(_ values: [String: String]) {
        bytes.append(0x7B)
        for (index, name) in values.keys.sorted().enumerated() {
            key(name, first: index == 0)
            string(values[name]!)
        }
        bytes.append(0x7D)
    }
}
