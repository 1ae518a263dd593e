/// HTML character references (`&amp;`, `&#233;`, `&#x20AC;`): the full Latin-1 set and the
/// punctuation mail programs use, not all 2,000 HTML names, since unknown names are left as
/// written and only ever cost a cosmetic `&name;` in previews.
enum HTMLEntities {
    /// Decodes character references into UTF-8 bytes.
    static func decode(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        guard bytes.contains(ASCII.ampersand) else { return Array(bytes) }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = bytes.startIndex
        while index < bytes.endIndex {
            if bytes[index] == ASCII.ampersand, let (scalar, end) = reference(in: bytes, at: index) {
                output.append(contentsOf: String(Character(scalar)).utf8)
                index = end
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }

    /// The end of a syntactically complete reference starting at `index` (`&name;`, `&#n;`,
    /// `&#xh;`), whether or not the name is known; nil for a bare ampersand.
    static func referenceEnd(in bytes: ArraySlice<UInt8>, at index: Int) -> Int? {
        var cursor = index + 1
        guard cursor < bytes.endIndex else { return nil }
        if bytes[cursor] == ASCII.hash {
            cursor += 1
            let hex = cursor < bytes.endIndex && ASCII.lowercased(bytes[cursor]) == UInt8(ascii: "x")
            if hex { cursor += 1 }
            let start = cursor
            while cursor < bytes.endIndex, hex ? ASCII.hexValue(bytes[cursor]) != nil : ASCII.isDigit(bytes[cursor]) {
                cursor += 1
            }
            guard cursor > start, cursor < bytes.endIndex, bytes[cursor] == ASCII.semicolon else { return nil }
            return cursor + 1
        }
        let start = cursor
        while cursor < bytes.endIndex, ASCII.isLetter(bytes[cursor]) || ASCII.isDigit(bytes[cursor]) { cursor += 1 }
        guard cursor > start, cursor < bytes.endIndex, bytes[cursor] == ASCII.semicolon else { return nil }
        return cursor + 1
    }

    private static func reference(in bytes: ArraySlice<UInt8>, at index: Int) -> (Unicode.Scalar, Int)? {
        let nameStart = index + 1
        guard nameStart < bytes.endIndex else { return nil }
        if bytes[nameStart] == ASCII.hash {
            guard let end = referenceEnd(in: bytes, at: index) else { return nil }
            let hex = ASCII.lowercased(bytes[nameStart + 1]) == UInt8(ascii: "x")
            var value: UInt32 = 0
            for byte in bytes[(nameStart + (hex ? 2 : 1))..<(end - 1)] {
                let digit = UInt32(hex ? ASCII.hexValue(byte) ?? 0 : byte - 0x30)
                value = min(value * (hex ? 16 : 10) + digit, 0x110000)
            }
            return (numericScalar(value), end)
        }
        var cursor = nameStart
        while cursor < bytes.endIndex, cursor - nameStart < 32, ASCII.isLetter(bytes[cursor]) || ASCII.isDigit(bytes[cursor]) {
            cursor += 1
        }
        let name = String(decoding: bytes[nameStart..<cursor], as: UTF8.self)
        if cursor < bytes.endIndex, bytes[cursor] == ASCII.semicolon, let value = named[name], let scalar = Unicode.Scalar(value) {
            return (scalar, cursor + 1)
        }
        // Old pages write the commonest names without the semicolon.
        if let value = legacyWithoutSemicolon[name], let scalar = Unicode.Scalar(value) {
            return (scalar, cursor)
        }
        return nil
    }

    /// Numeric references as browsers read them: 0x80–0x9F as Windows-1252, invalid ones as U+FFFD.
    private static func numericScalar(_ value: UInt32) -> Unicode.Scalar {
        if value >= 0x80, value <= 0x9F {
            let text = Charset.windows1252.decode([UInt8(value)][...])
            return text.unicodeScalars.first ?? "\u{FFFD}"
        }
        guard value != 0, let scalar = Unicode.Scalar(value) else { return "\u{FFFD}" }
        return scalar
    }

    private static let legacyWithoutSemicolon: [String: UInt32] = [
        "amp": 0x26, "lt": 0x3C, "gt": 0x3E, "quot": 0x22, "nbsp": 0xA0, "AMP": 0x26, "LT": 0x3C, "GT": 0x3E,
    ]

    private static let named: [String: UInt32] = {
        var table: [String: UInt32] = [
            "amp": 0x26, "lt": 0x3C, "gt": 0x3E, "quot": 0x22, "apos": 0x27, "AMP": 0x26, "LT": 0x3C, "GT": 0x3E,
            "QUOT": 0x22, "colon": 0x3A, "Tab": 0x09, "NewLine": 0x0A, "sol": 0x2F, "lpar": 0x28, "rpar": 0x29,
            "OElig": 0x152, "oelig": 0x153, "Scaron": 0x160, "scaron": 0x161, "Yuml": 0x178, "fnof": 0x192,
            "circ": 0x2C6, "tilde": 0x2DC, "ensp": 0x2002, "emsp": 0x2003, "thinsp": 0x2009, "zwnj": 0x200C,
            "zwj": 0x200D, "lrm": 0x200E, "rlm": 0x200F, "ndash": 0x2013, "mdash": 0x2014, "lsquo": 0x2018,
            "rsquo": 0x2019, "sbquo": 0x201A, "ldquo": 0x201C, "rdquo": 0x201D, "bdquo": 0x201E, "dagger": 0x2020,
            "Dagger": 0x2021, "bull": 0x2022, "hellip": 0x2026, "permil": 0x2030, "prime": 0x2032, "Prime": 0x2033,
            "lsaquo": 0x2039, "rsaquo": 0x203A, "euro": 0x20AC, "trade": 0x2122, "larr": 0x2190, "uarr": 0x2191,
            "rarr": 0x2192, "darr": 0x2193, "harr": 0x2194, "minus": 0x2212, "hearts": 0x2665,
        ]
        // The Latin-1 names cover U+00A0–U+00FF in order.
        let latin1 = """
            nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 \
            acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde \
            Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc \
            Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml \
            aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc \
            otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml
            """
        for (offset, name) in latin1.split(separator: " ").enumerated() {
            table[String(name)] = 0xA0 + UInt32(offset)
        }
        return table
    }()
}
