/// When a call channel answers (A8): opening ranges per weekday, in a time zone. Outside them,
/// callers reach the voicemail.
public struct OpeningHours: Sendable, Hashable, Codable {
    /// Minutes since local midnight: from `start` (included) to `end` (excluded).
    public struct Range: Sendable, Hashable, Codable {
        public var start: Int
        public var end: Int

        public init(start: Int, end: Int) {
            self.start = start
            self.end = end
        }

        /// Reads `09:00-17:30`; `24:00` ends a range at midnight.
        public init?(_ text: String) {
            let parts = text.split(separator: "-")
            guard parts.count == 2, let start = Self.minutes(parts[0]), let end = Self.minutes(parts[1]), start < end else { return nil }
            self.start = start
            self.end = end
        }

        static func minutes(_ text: Substring) -> Int? {
            let parts = text.trimming(" ").split(separator: ":")
            guard parts.count == 2, parts[0].count <= 2, parts[1].count == 2,
                  let hours = Int(parts[0]), let minutes = Int(parts[1]), (0...59).contains(minutes) else { return nil }
            let total = hours * 60 + minutes
            return (0...1440).contains(total) ? total : nil
        }

        public var text: String {
            func clock(_ minutes: Int) -> String {
                let hours = minutes / 60, rest = minutes % 60
                return (hours < 10 ? "0" : "") + "\(hours):" + (rest < 10 ? "0" : "") + "\(rest)"
            }
            return "\(clock(start))-\(clock(end))"
        }
    }

    public static let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]

    /// An IANA time zone, such as `Europe/Paris`.
    public var timeZone: String
    /// Ranges by weekday, 1 (Monday) to 7 (Sunday); a day without ranges is closed.
    public var days: [Int: [Range]]

    public init(timeZone: String, days: [Int: [Range]]) {
        self.timeZone = timeZone
        self.days = days
    }

    /// Reads ranges given per weekday name (`"monday": ["09:00-12:30", "14:00-18:00"]`).
    public init(timeZone: String, byName: [String: [String]]) throws(OpeningHoursError) {
        var days: [Int: [Range]] = [:]
        for (name, texts) in byName {
            guard let index = Self.weekdays.firstIndex(of: name.lowercased()) else { throw .unknownDay(name) }
            var ranges: [Range] = []
            for text in texts {
                guard let range = Range(text) else { throw .badRange(day: name, text: text) }
                ranges.append(range)
            }
            days[index + 1] = ranges.sorted { $0.start < $1.start }
        }
        self.init(timeZone: timeZone, days: days)
    }

    /// The ranges by weekday name, as the API shows them.
    public var byName: [String: [String]] {
        var result: [String: [String]] = [:]
        for (day, ranges) in days where (1...7).contains(day) && !ranges.isEmpty {
            result[Self.weekdays[day - 1]] = ranges.map(\.text)
        }
        return result
    }

    /// Whether the line is open at this local weekday (1 = Monday) and minute of the day.
    public func isOpen(weekday: Int, minute: Int) -> Bool {
        (days[weekday] ?? []).contains { $0.start <= minute && minute < $0.end }
    }
}

/// Why opening hours were refused.
public enum OpeningHoursError: Error, Sendable, Equatable, CustomStringConvertible {
    case unknownDay(String)
    case badRange(day: String, text: String)
    case unknownTimeZone(String)

    public var description: String {
        switch self {
        case .unknownDay(let day): "\"\(day)\" is not a weekday; use monday to sunday."
        case .badRange(let day, let text): "\"\(text)\" on \(day) is not a range like 09:00-17:30."
        case .unknownTimeZone(let zone): "\"\(zone)\" is not a time zone; use an IANA name such as Europe/Paris."
        }
    }
}

extension Substring {
    func trimming(_ character: Character) -> Substring {
        var result = self
        while result.first == character { result.removeFirst() }
        while result.last == character { result.removeLast() }
        return result
    }
}
