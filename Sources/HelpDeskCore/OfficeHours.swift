/// When the help desk, or one of its teams, is open (A6): weekly hours in a time zone, and the
/// holidays it is closed all day. Agents who follow office hours are available only then.
public struct OfficeHours: Sendable, Hashable, Codable {
    public var hours: OpeningHours
    /// Days closed, as `YYYY-MM-DD` in the hours' time zone, in order.
    public var holidays: [String]

    public init(hours: OpeningHours, holidays: [String] = []) throws(OfficeHoursError) {
        for day in holidays where !Self.isDate(day) { throw .badHoliday(day) }
        guard holidays.count <= Self.maxHolidays else { throw .tooManyHolidays(holidays.count) }
        self.hours = hours
        self.holidays = Array(Set(holidays)).sorted()
    }

    /// Whether the office is open on this local date, weekday (1 = Monday) and minute of the day.
    public func isOpen(date: String, weekday: Int, minute: Int) -> Bool {
        !holidays.contains(date) && hours.isOpen(weekday: weekday, minute: minute)
    }

    public static let maxHolidays = 400

    /// Whether a text is a calendar date written `YYYY-MM-DD`.
    public static func isDate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), (1...12).contains(month) else { return false }
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]
        return (1...days).contains(day)
    }
}

/// Why office hours were refused.
public enum OfficeHoursError: Error, Sendable, Equatable, CustomStringConvertible {
    case badHoliday(String)
    case tooManyHolidays(Int)

    public var description: String {
        switch self {
        case .badHoliday(let day): "\"\(day)\" is not a date like 2026-12-25."
        case .tooManyHolidays(let count): "At most \(OfficeHours.maxHolidays) holidays are kept; \(count) given."
        }
    }
}
