/// A point in time as milliseconds since 1970 UTC, the unit the CRM API uses for dates in filters,
/// with the ISO 8601 forms it uses in property values. Pure arithmetic: no formatter, no locale.
public struct Timestamp: Sendable, Hashable, Comparable, Codable {
    public var millisecondsSince1970: Int64

    public init(millisecondsSince1970: Int64) {
        self.millisecondsSince1970 = millisecondsSince1970
    }

    public static func < (lhs: Timestamp, rhs: Timestamp) -> Bool {
        lhs.millisecondsSince1970 < rhs.millisecondsSince1970
    }

    public func adding(milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSince1970: millisecondsSince1970 + milliseconds)
    }

    /// `2024-03-01T09:30:00.000Z`
    public var isoString: String {
        let (days, msOfDay) = Self.floorDivide(millisecondsSince1970, 86_400_000)
        let (y, m, d) = Self.civil(fromDays: days)
        let ms = Int(msOfDay)
        return "\(Self.pad(y, 4))-\(Self.pad(m, 2))-\(Self.pad(d, 2))T\(Self.pad(ms / 3_600_000, 2)):"
            + "\(Self.pad(ms / 60_000 % 60, 2)):\(Self.pad(ms / 1000 % 60, 2)).\(Self.pad(ms % 1000, 3))Z"
    }

    /// `2024-03-01`, the UTC calendar day.
    public var dateString: String {
        let (days, _) = Self.floorDivide(millisecondsSince1970, 86_400_000)
        let (y, m, d) = Self.civil(fromDays: days)
        return "\(Self.pad(y, 4))-\(Self.pad(m, 2))-\(Self.pad(d, 2))"
    }

    /// Reads milliseconds since 1970 (`1709285400000`), a date (`2024-03-01`) or a date and time
    /// (`2024-03-01T09:30:00Z`, with optional fraction and `+hh:mm` offset).
    public static func parse(_ text: String) -> Int64? {
        let bytes = Array(text.utf8)
        let unsigned = bytes.first == 45 ? bytes.dropFirst() : bytes[...]
        if !unsigned.isEmpty, unsigned.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            return Int64(text)
        }
        var reader = Reader(bytes: bytes)
        guard let year = reader.digits(4), reader.skip(45), let month = reader.digits(2), reader.skip(45),
              let day = reader.digits(2), (1...12).contains(month), (1...daysIn(month: month, year: year)).contains(day)
        else { return nil }
        var millis = days(fromCivil: year, month, day) * 86_400_000
        if reader.atEnd { return millis }
        guard reader.skip(84) || reader.skip(32), let hour = reader.digits(2), reader.skip(58),
              let minute = reader.digits(2), hour < 24, minute < 60 else { return nil }
        var second = 0, fraction = 0
        if reader.skip(58) {
            guard let s = reader.digits(2), s < 61 else { return nil }
            second = s
            if reader.skip(46) {
                var scale = 100, count = 0
                while let digit = reader.digit() {
                    fraction += digit * scale
                    scale /= 10
                    count += 1
                }
                if count == 0 { return nil }
            }
        }
        millis += Int64(hour * 3_600_000 + minute * 60_000 + second * 1000 + fraction)
        if reader.skip(90) || reader.atEnd { return reader.atEnd ? millis : nil }
        let sign: Int64
        if reader.skip(43) { sign = 1 } else if reader.skip(45) { sign = -1 } else { return nil }
        guard let offsetHours = reader.digits(2) else { return nil }
        _ = reader.skip(58)
        let offsetMinutes = reader.digits(2) ?? 0
        guard reader.atEnd else { return nil }
        return millis - sign * Int64(offsetHours * 3_600_000 + offsetMinutes * 60_000)
    }

    private struct Reader {
        let bytes: [UInt8]
        var index = 0
        var atEnd: Bool { index == bytes.count }
        mutating func skip(_ byte: UInt8) -> Bool {
            guard index < bytes.count, bytes[index] == byte else { return false }
            index += 1
            return true
        }
        mutating func digit() -> Int? {
            guard index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 else { return nil }
            index += 1
            return Int(bytes[index - 1] - 48)
        }
        mutating func digits(_ count: Int) -> Int? {
            var value = 0
            for _ in 0..<count {
                guard let d = digit() else { return nil }
                value = value * 10 + d
            }
            return value
        }
    }

    static func floorDivide(_ a: Int64, _ b: Int64) -> (Int64, Int64) {
        let q = a / b, r = a % b
        return r < 0 ? (q - 1, r + b) : (q, r)
    }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    // Howard Hinnant's civil calendar algorithms.
    static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    static func civil(fromDays days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        return (Int(year), Int(month), Int(day))
    }

    static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }
}
