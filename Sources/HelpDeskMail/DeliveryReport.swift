extension MailMessage {
    /// The addresses a bounce says could not be reached: those of `X-Failed-Recipients`, and the
    /// `Final-Recipient` of each failed entry of an RFC 3464 delivery report. Lowercased, once each.
    public var failedRecipients: [String] {
        var found: [String] = []
        func add(_ address: Substring) {
            let trimmed = ASCII.lowercased(ASCII.trimmed(String(address)))
            let bare = String(trimmed.drop { $0 == "<" }.prefix { $0 != ">" })
            if bare.contains("@"), !found.contains(bare) { found.append(bare) }
        }
        for value in headers.values("X-Failed-Recipients") {
            value.split(separator: ",").forEach(add)
        }
        for report in attachments where report.contentType == "message/delivery-status" {
            for block in Self.fieldBlocks(String(decoding: report.data, as: UTF8.self)) {
                var recipient: Substring?
                var failed = false
                for line in block {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    guard parts.count == 2 else { continue }
                    switch ASCII.lowercased(ASCII.trimmed(String(parts[0]))) {
                    case "final-recipient":
                        // `rfc822; user@example.com`
                        recipient = parts[1].split(separator: ";", maxSplits: 1).last
                    case "action":
                        failed = ASCII.lowercased(ASCII.trimmed(String(parts[1]))) == "failed"
                    default:
                        break
                    }
                }
                if failed, let recipient { add(recipient) }
            }
        }
        return found
    }

    /// A delivery report's field blocks (the message's, then one per recipient), split at blank lines.
    static func fieldBlocks(_ text: String) -> [[Substring]] {
        var blocks: [[Substring]] = [[]]
        for line in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let content = line.hasSuffix("\r") ? line.dropLast() : line
            if content.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if !(blocks.last?.isEmpty ?? true) { blocks.append([]) }
            } else {
                blocks[blocks.count - 1].append(content)
            }
        }
        return blocks
    }
}
