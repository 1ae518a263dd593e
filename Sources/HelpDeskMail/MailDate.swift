/// Reads the Date header (RFC 5322 3.3) into milliseconds since 1970, including the obsolete
/// forms still sent: two-digit years, named zones (UT, GMT, EST, PDT, ...), military zone
/// letters, missing seconds, zone comments such as `(CEST)`, and asctime order (`Mon Jun 3 ...`).
enum MailDate {
    static func parse(_ value: String?) -> Int64? {
        guard let value else { return nil }
        var day: Int?, month: Int?, year: Int?, yearDigits = 0
        var hour = 0, minute = 0, second = 0, sawTime = false
        var offsetMinutes: Int?
        for token in tokens(Array(value.utf8)) {
            if token.contains(ASCII.colon) {
                guard !sawTime, let time = clock(token) else { return nil }
                (hour, minute, second) = time
                sawTime = true
            } else if token.allSatisfy(ASCII.isDigit) {
                guard token.count <= 4, let number = Int(String(decoding: token, as: UTF8.self)) else { return nil }
                if day == nil, token.count <= 2 {
                    day = number
                } else if year == nil {
                    year = number
                    yearDigits = token.count
                } else {
                    return nil
                }
            } else if token.first == ASCII.plus || token.first == ASCII.hyphen {
                guard offsetMinutes == nil, token.count == 5, token.dropFirst().allSatisfy(ASCII.isDigit),
                      let number = Int(String(decoding: token.dropFirst(), as: UTF8.self)), number % 100 < 60
                else { return nil }
                offsetMinutes = (number / 100 * 60 + number % 100) * (token.first == ASCII.plus ? 1 : -1)
            } else if month == nil, let named = monthNumber(token) {
                month = named
            } else if sawTime, offsetMinutes == nil, let zone = zoneOffset(token) {
                offsetMinutes = zone
            }
            // Anything else is a day name or an unknown zone name, which RFC 5322 reads as UTC.
        }
        guard var fullYear = year, let month, let day, hour < 24, minute < 60, second <= 60 else { return nil }
        switch yearDigits {
        case 1, 2: fullYear += fullYear < 50 ? 2000 : 1900
        case 3: fullYear += 1900
        default: break
        }
        guard fullYear >= 1900, day >= 1, day <= daysIn(month: month, year: fullYear) else { return nil }
        let seconds = days(year: fullYear, month: month, day: day) * 86_400
            + Int64(hour * 3600 + minute * 60 + second) - Int64((offsetMinutes ?? 0) * 60)
        return seconds * 1000
    }

    /// Words of the value, split at blanks and commas, with comments left out.
    private static func tokens(_ bytes: [UInt8]) -> [ArraySlice<UInt8>] {
        var tokens: [ArraySlice<UInt8>] = []
        var index = 0
        var start: Int?
        var depth = 0
        while index <= bytes.count {
            let byte = index < bytes.count ? bytes[index] : ASCII.space
            let separates = depth > 0 || ASCII.isWhitespace(byte) || byte == ASCII.comma
                || byte == ASCII.openParen || byte == ASCII.closeParen
            if separates, let first = start {
                tokens.append(bytes[first..<index])
                start = nil
            }
            if byte == ASCII.openParen { depth += 1 } else if byte == ASCII.closeParen, depth > 0 { depth -= 1 }
            if !separates, start == nil { start = index }
            index += 1
        }
        return tokens
    }

    private static func clock(_ token: ArraySlice<UInt8>) -> (Int, Int, Int)? {
        let parts = token.split(separator: ASCII.colon, omittingEmptySubsequences: false)
        guard parts.count == 2 || parts.count == 3 else { return nil }
        var values: [Int] = []
        for part in parts {
            // Fractions of a second are not RFC 5322 but are sometimes sent; they are dropped.
            let whole = part.prefix { $0 != ASCII.dot }
            guard (1...2).contains(whole.count), whole.allSatisfy(ASCII.isDigit),
                  let value = Int(String(decoding: whole, as: UTF8.self)) else { return nil }
            values.append(value)
        }
        return (values[0], values[1], values.count == 3 ? values[2] : 0)
    }

    private static func monthNumber(_ token: ArraySlice<UInt8>) -> Int? {
        guard token.count >= 3 else { return nil }
        let key = String(decoding: token.prefix(3).map { ASCII.lowercased($0) }, as: UTF8.self)
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        return months.firstIndex(of: key).map { $0 + 1 }
    }

    private static func zoneOffset(_ token: ArraySlice<UInt8>) -> Int? {
        switch String(decoding: token.map { ASCII.lowercased($0) }, as: UTF8.self) {
        case "ut", "utc", "gmt", "z": 0
        case "edt": -4 * 60
        case "est", "cdt": -5 * 60
        case "cst", "mdt": -6 * 60
        case "mst", "pdt": -7 * 60
        case "pst": -8 * 60
        // Military letters were defined with the wrong sign, so RFC 5322 says to read them as UTC.
        case let letter where letter.utf8.count == 1 && letter.utf8.allSatisfy(ASCII.isLetter): 0
        default: nil
        }
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Days since 1970-01-01 for a proleptic Gregorian date (after Howard Hinnant's algorithm).
    private static func days(year: Int, month: Int, day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = y / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * Int64((month + 9) % 12) + 2) / 5 + Int64(day) - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
