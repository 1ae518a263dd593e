import Foundation

/// An email the help desk sends: an agent's reply or an automatic message, rendered to RFC 5322
/// bytes with a text part and, when given, an HTML alternative; files go with them in a
/// multipart/mixed, each a base64 part of its own. Automatic mail says so in its
/// headers (RFC 3834 `Auto-Submitted`, and Exchange's `X-Auto-Response-Suppress`), so that
/// other systems do not answer it and loops cannot start.
public struct OutgoingMail: Sendable {
    public var from: MailAddress
    public var to: [MailAddress]
    public var cc: [MailAddress]
    public var replyTo: MailAddress?
    public var subject: String
    public var text: String
    public var html: String?
    /// Without angle brackets.
    public var messageID: String
    public var inReplyTo: String?
    /// The thread's ids, oldest first, without angle brackets.
    public var references: [String]
    public var automatic: Bool
    /// Milliseconds since 1970.
    public var date: Int64
    /// Files sent as attachments (`inline` is not used: the help desk's HTML refers to no parts).
    public var attachments: [MailAttachment]

    public init(from: MailAddress, to: [MailAddress], cc: [MailAddress] = [], replyTo: MailAddress? = nil, subject: String,
                text: String, html: String? = nil, messageID: String, inReplyTo: String? = nil, references: [String] = [],
                automatic: Bool = false, date: Int64, attachments: [MailAttachment] = []) {
        self.from = from
        self.to = to
        self.cc = cc
        self.replyTo = replyTo
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.references = references
        self.automatic = automatic
        self.date = date
        self.attachments = attachments
    }

    /// A new Message-ID in the sender's domain.
    public static func newMessageID(domain: String) -> String {
        "hd." + UUID().uuidString.lowercased() + "@" + (domain.isEmpty ? "localhost" : domain)
    }

    /// The message as it travels, with CRLF line ends (before SMTP dot-stuffing).
    public func rendered() -> [UInt8] {
        var lines: [String] = [
            "Date: " + Self.rfc5322Date(date),
            "From: " + Self.header(from),
        ]
        if !to.isEmpty { lines.append("To: " + to.map(Self.header).joined(separator: ", ")) }
        if !cc.isEmpty { lines.append("Cc: " + cc.map(Self.header).joined(separator: ", ")) }
        if let replyTo { lines.append("Reply-To: " + Self.header(replyTo)) }
        lines.append("Subject: " + Self.encodedWords(Self.headerSafe(subject)))
        lines.append("Message-ID: <\(messageID)>")
        if let inReplyTo { lines.append("In-Reply-To: <\(inReplyTo)>") }
        if !references.isEmpty { lines.append("References: " + references.suffix(20).map { "<\($0)>" }.joined(separator: " ")) }
        if automatic {
            lines.append("Auto-Submitted: auto-generated")
            lines.append("X-Auto-Response-Suppress: All")
        }
        lines.append("MIME-Version: 1.0")
        if attachments.isEmpty {
            lines += bodyPart()
        } else {
            let boundary = Self.newBoundary()
            lines.append("Content-Type: multipart/mixed; boundary=\"\(boundary)\"")
            lines.append("")
            lines.append("--" + boundary)
            lines += bodyPart()
            for attachment in attachments {
                lines.append("--" + boundary)
                lines += Self.part(attachment)
            }
            lines.append("--" + boundary + "--")
        }
        return Array((lines.joined(separator: "\r\n") + "\r\n").utf8)
    }

    /// The text, or the text and its HTML alternative: the whole body of a mail without files.
    private func bodyPart() -> [String] {
        let textPart = ["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "",
                        Self.quotedPrintable(text)]
        guard let html else { return textPart }
        let boundary = Self.newBoundary()
        return ["Content-Type: multipart/alternative; boundary=\"\(boundary)\"", "", "--" + boundary] + textPart
            + ["--" + boundary, "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "",
               Self.quotedPrintable(html), "--" + boundary + "--"]
    }

    private static func newBoundary() -> String {
        "=_hd_" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
    }

    /// A file as a base64 part. Its name is quoted when plain ASCII allows it; otherwise it is
    /// written as RFC 2231 continuations (a long name in another script stays under the line
    /// limit), and as an RFC 2047 word in the type's `name`, which older clients read instead.
    static func part(_ attachment: MailAttachment) -> [String] {
        let name = headerSafe(attachment.filename)
        let type = headerSafe(attachment.contentType)
        func quoted(_ value: String) -> String {
            "\"" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"") + "\""
        }
        var lines: [String]
        if name.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 && $0.value != 127 }), name.count <= 60 {
            lines = ["Content-Type: \(type); name=\(quoted(name))", "Content-Disposition: attachment; filename=\(quoted(name))"]
        } else {
            let words = encodedWords(name).replacingOccurrences(of: "\r\n ", with: " ")
            lines = ["Content-Type: \(type);", " name=\(quoted(words))", "Content-Disposition: attachment;"]
            let sections = continuations(of: percentEncoded(name))
            for (index, section) in sections.enumerated() {
                lines.append(" filename*\(index)*=\(index == 0 ? "UTF-8''" : "")\(section)\(index == sections.count - 1 ? "" : ";")")
            }
        }
        lines += ["Content-Transfer-Encoding: base64", "",
                  Data(attachment.data).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn,
                                                                      .endLineWithLineFeed])]
        return lines
    }

    /// RFC 2231 extended value: UTF-8 with everything but letters, digits and a few marks escaped.
    static func percentEncoded(_ text: String) -> String {
        let plain = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~".utf8)
        let hex = Array("0123456789ABCDEF".utf8)
        var encoded: [UInt8] = []
        for byte in text.utf8 {
            encoded += plain.contains(byte) ? [byte] : [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
        }
        return String(decoding: encoded, as: UTF8.self)
    }

    /// An encoded value cut into sections of at most 60 characters, never inside an escape.
    static func continuations(of encoded: String) -> [String] {
        var sections: [String] = []
        var current = ""
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded[index] == "%" ? encoded.index(index, offsetBy: 3, limitedBy: encoded.endIndex) ?? encoded.endIndex
                : encoded.index(after: index)
            let piece = encoded[index..<end]
            if current.count + piece.count > 60 {
                sections.append(current)
                current = ""
            }
            current += piece
            index = end
        }
        if !current.isEmpty || sections.isEmpty { sections.append(current) }
        return sections
    }

    static func header(_ address: MailAddress) -> String {
        guard let name = address.name.map(headerSafe), !name.isEmpty else { return address.address }
        if name.unicodeScalars.allSatisfy({ $0.isASCII }) {
            let quoted = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
            return "\"\(quoted)\" <\(address.address)>"
        }
        return encodedWords(name) + " <\(address.address)>"
    }

    /// Header values never carry line breaks given by a user: they would inject header fields.
    /// Read by scalar: a CRLF pair is one Character, equal to neither "\r" nor "\n".
    static func headerSafe(_ text: String) -> String {
        var safe = String.UnicodeScalarView()
        safe.append(contentsOf: text.unicodeScalars.map { $0 == "\r" || $0 == "\n" || $0 == "\t" ? " " : $0 })
        return String(safe)
    }

    /// RFC 2047 B-encoded words for non-ASCII text, each at most 75 characters, split between
    /// characters so no word ends inside a UTF-8 sequence.
    static func encodedWords(_ text: String) -> String {
        guard !text.unicodeScalars.allSatisfy({ $0.isASCII && $0.value >= 32 }) else { return text }
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if (chunk.count + bytes.count + 2) / 3 * 4 > 45 {
                words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=")
                chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append("=?UTF-8?B?" + Data(chunk).base64EncodedString() + "?=") }
        return words.joined(separator: "\r\n ")
    }

    /// Quoted-printable (RFC 2045) with CRLF line ends and soft breaks before 76 characters.
    static func quotedPrintable(_ text: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var output: [UInt8] = []
        output.reserveCapacity(text.utf8.count + text.utf8.count / 8)
        var column = 0
        let bytes = Array(text.utf8)
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == 13, index + 1 < bytes.count, bytes[index + 1] == 10 { index += 1; continue }
            if byte == 10 {
                // Trailing space before a line end would be lost in transit; encode it.
                if let last = output.last, last == 32 || last == 9 {
                    output.removeLast()
                    output += [61, hex[Int(last >> 4)], hex[Int(last & 15)]]
                }
                output += [13, 10]
                column = 0
                index += 1
                continue
            }
            let plain = (byte >= 33 && byte <= 126 && byte != 61) || byte == 32 || byte == 9
            // A line starting with a dot is encoded too, for relays that mishandle dot-stuffing.
            let risky = column == 0 && byte == 46
            let encoded: [UInt8] = plain && !risky ? [byte] : [61, hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            if column + encoded.count > 75 {
                output += [61, 13, 10]
                column = 0
            }
            output += encoded
            column += encoded.count
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func rfc5322Date(_ millis: Int64) -> String {
        let days = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        let seconds = millis / 1000
        let day = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - day * 86_400
        // Civil date from days since 1970 (Howard Hinnant's algorithm).
        let z = day + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let mp = (5 * dayOfYear + 2) / 153
        let dayOfMonth = dayOfYear - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        let weekday = days[Int(((day % 7) + 7) % 7)]
        func two(_ value: Int64) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(weekday), \(dayOfMonth) \(months[Int(month - 1)]) \(year) "
            + "\(two(secondOfDay / 3600)):\(two(secondOfDay / 60 % 60)):\(two(secondOfDay % 60)) +0000"
    }
}
