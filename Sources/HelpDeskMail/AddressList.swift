/// Reads address-list header values (RFC 5322 3.4): `"Name" <a@b>`, `Name <a@b>`, `a@b (Name)`,
/// groups such as `undisclosed-recipients:;`, with commas inside quoted names and comments.
/// Entries without a usable address are skipped rather than failing the whole list.
enum AddressList {
    /// The first word of `value` that looks like an address (`local@domain`, stripped of the
    /// brackets and quotes around it), with the words before it as the name.
    static func firstAddressLike(in value: String) -> MailAddress? {
        let separators: Set<Character> = [" ", "\t", "<", ">", "\"", "'", "(", ")", ",", ";", "[", "]"]
        let words = value.split(whereSeparator: { separators.contains($0) })
        guard let index = words.firstIndex(where: { word in
            let parts = word.split(separator: "@", omittingEmptySubsequences: false)
            return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !parts[1].hasSuffix(".")
        }) else { return nil }
        let name = words[..<index].joined(separator: " ")
        return MailAddress(name: name.isEmpty ? nil : name, address: String(words[index]))
    }

    static func parse(_ value: String?) -> [MailAddress] {
        guard let value else { return [] }
        let bytes = Array(value.utf8)
        var addresses: [MailAddress] = []
        var entry = Entry()
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case ASCII.quote:
                let (text, end) = quoted(bytes, from: index + 1)
                entry.addWord(text)
                entry.bare.append(ASCII.quote)
                entry.bare.append(contentsOf: text)
                entry.bare.append(ASCII.quote)
                index = end
                continue
            case ASCII.openParen:
                let (text, end) = comment(bytes, from: index + 1)
                if entry.comment == nil, !ASCII.trimmed(text[...]).isEmpty { entry.comment = text }
                entry.spaceBefore = true
                index = end
                continue
            case ASCII.lessThan:
                var end = index + 1
                while end < bytes.count, bytes[end] != ASCII.greaterThan { end += 1 }
                if entry.angle == nil { entry.angle = Array(bytes[(index + 1)..<end]) }
                index = min(end + 1, bytes.count)
                continue
            case ASCII.comma, ASCII.semicolon:
                entry.finish(into: &addresses)
            case ASCII.colon where entry.angle == nil && !entry.bare.contains(ASCII.at):
                // A group's name is not a mailbox; its members follow.
                entry = Entry()
            case _ where ASCII.isWhitespace(byte):
                entry.spaceBefore = true
            default:
                entry.addAtomByte(byte)
            }
            index += 1
        }
        entry.finish(into: &addresses)
        return addresses
    }

    private struct Entry {
        var phrase: [UInt8] = []
        var bare: [UInt8] = []
        var comment: [UInt8]?
        var angle: [UInt8]?
        var spaceBefore = false
        var inAtom = false

        mutating func addWord(_ text: [UInt8]) {
            if !phrase.isEmpty { phrase.append(ASCII.space) }
            phrase.append(contentsOf: text)
            spaceBefore = false
            inAtom = false
        }

        mutating func addAtomByte(_ byte: UInt8) {
            if spaceBefore || !inAtom {
                if !phrase.isEmpty { phrase.append(ASCII.space) }
                if spaceBefore, !bare.isEmpty { bare.append(ASCII.space) }
            }
            phrase.append(byte)
            bare.append(byte)
            spaceBefore = false
            inAtom = true
        }

        mutating func finish(into addresses: inout [MailAddress]) {
            defer { self = Entry() }
            let address: String
            var name: String?
            if let angle {
                var spec = angle.filter { !ASCII.isWhitespace($0) }
                // Drop an obsolete source route (`@relay:`) or a stray `mailto:`.
                if let colon = spec.lastIndex(of: ASCII.colon) { spec.removeSubrange(...colon) }
                address = String(decoding: spec, as: UTF8.self)
                name = Self.displayName(phrase) ?? comment.flatMap(Self.displayName)
            } else {
                guard let spec = Self.bareAddress(bare) else { return }
                address = spec
                name = comment.flatMap(Self.displayName)
            }
            guard !address.isEmpty else { return }
            if let shown = name, ASCII.lowercased(shown) == ASCII.lowercased(address) { name = nil }
            addresses.append(MailAddress(name: name, address: address))
        }

        /// An address written without angle brackets; blanks are allowed only around `@` and `.`
        /// (obsolete syntax), so plain words such as a group name without its colon are rejected.
        private static func bareAddress(_ bytes: [UInt8]) -> String? {
            var output: [UInt8] = []
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                if byte == ASCII.space {
                    let next = index + 1 < bytes.count ? bytes[index + 1] : nil
                    guard joins(output.last) || joins(next) else { return nil }
                } else {
                    output.append(byte)
                }
                index += 1
            }
            // Without a domain only a plain local name such as `MAILER-DAEMON` counts.
            guard !output.isEmpty, output.contains(ASCII.at) || !output.contains(ASCII.quote) else { return nil }
            return String(decoding: output, as: UTF8.self)
        }

        private static func joins(_ byte: UInt8?) -> Bool {
            byte == ASCII.at || byte == ASCII.dot
        }

        private static func displayName(_ bytes: [UInt8]) -> String? {
            var name = ASCII.collapsingWhitespace(EncodedWords.decode(String(decoding: bytes, as: UTF8.self)))
            // Outlook writes some names in single quotes, and some senders quote encoded words.
            for mark in ["'", "\""] where name.count >= 2 && name.hasPrefix(mark) && name.hasSuffix(mark) {
                name = ASCII.trimmed(String(name.dropFirst().dropLast()))
            }
            return name.isEmpty ? nil : name
        }
    }

    /// The content of a quoted string starting after its opening quote, and the index after it.
    private static func quoted(_ bytes: [UInt8], from start: Int) -> ([UInt8], Int) {
        var text: [UInt8] = []
        var index = start
        while index < bytes.count, bytes[index] != ASCII.quote {
            if bytes[index] == ASCII.backslash, index + 1 < bytes.count { index += 1 }
            text.append(bytes[index])
            index += 1
        }
        return (text, min(index + 1, bytes.count))
    }

    /// The content of a possibly nested comment starting after its `(`, and the index after it.
    private static func comment(_ bytes: [UInt8], from start: Int) -> ([UInt8], Int) {
        var text: [UInt8] = []
        var depth = 1
        var index = start
        while index < bytes.count {
            let byte = bytes[index]
            if byte == ASCII.backslash, index + 1 < bytes.count {
                index += 1
                text.append(bytes[index])
            } else if byte == ASCII.openParen {
                depth += 1
                text.append(byte)
            } else if byte == ASCII.closeParen {
                depth -= 1
                if depth == 0 { return (text, index + 1) }
                text.append(byte)
            } else {
                text.append(byte)
            }
            index += 1
        }
        return (text, index)
    }
}
