import Foundation
import HelpDeskCore

extension OpeningHours {
    /// Whether these hours include a moment, read in their own time zone. A zone Foundation
    /// does not know (saved before it was checked) counts as open: nothing stops for a typo.
    func isOpen(at time: Timestamp) -> Bool {
        guard let local = Self.local(time, in: timeZone) else { return true }
        return isOpen(weekday: local.weekday, minute: local.minute)
    }

    /// A moment as a clock on the wall of a time zone reads it: the date (`YYYY-MM-DD`), the
    /// weekday (1 = Monday) and the minute of the day.
    static func local(_ time: Timestamp, in timeZone: String) -> (date: String, weekday: Int, minute: Int)? {
        guard let zone = TimeZone(identifier: timeZone) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let date = Date(timeIntervalSince1970: Double(time.millisecondsSince1970) / 1000)
        let parts = calendar.dateComponents([.year, .month, .day, .weekday, .hour, .minute], from: date)
        func two(_ value: Int?) -> String { (value ?? 0) < 10 ? "0\(value ?? 0)" : "\(value ?? 0)" }
        // Foundation counts Sunday as 1; opening hours count Monday as 1.
        let weekday = ((parts.weekday ?? 1) + 5) % 7 + 1
        return ("\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day))", weekday, (parts.hour ?? 0) * 60 + (parts.minute ?? 0))
    }
}

extension OfficeHours {
    /// Whether the office is open at a moment, in its hours' time zone (a holiday is closed all day).
    func isOpen(at time: Timestamp) -> Bool {
        guard let local = OpeningHours.local(time, in: hours.timeZone) else { return true }
        return isOpen(date: local.date, weekday: local.weekday, minute: local.minute)
    }
}
