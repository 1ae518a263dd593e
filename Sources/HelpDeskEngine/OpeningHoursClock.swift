import Foundation
import HelpDeskCore

extension OpeningHours {
    /// Whether these hours include a moment, read in their own time zone. A zone Foundation
    /// does not know (saved before it was checked) counts as open: nothing stops for a typo.
    func isOpen(at time: Timestamp) -> Bool {
        guard let zone = TimeZone(identifier: timeZone) else { return true }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        let date = Date(timeIntervalSince1970: Double(time.millisecondsSince1970) / 1000)
        let parts = calendar.dateComponents([.weekday, .hour, .minute], from: date)
        // Foundation counts Sunday as 1; opening hours count Monday as 1.
        let weekday = ((parts.weekday ?? 1) + 5) % 7 + 1
        return isOpen(weekday: weekday, minute: (parts.hour ?? 0) * 60 + (parts.minute ?? 0))
    }
}
