/// Recognises a message that forwards another one, so that the help desk can treat the quoted
/// sender, not the forwarder, as the customer when it wants to.
enum ForwardDetection {
    static func isForward(subject: String, body: @autoclosure () -> String?, attachesMessage: Bool) -> Bool {
        if attachesMessage { return true }
        let prefix = subjectPrefix(subject)
        // Outlook marks forwards only by the subject (`FW:`) above its "-----Original Message-----"
        // block, which replies carry too, so that block is no evidence on its own.
        if forwardPrefixes.contains(prefix) { return true }
        // A reply to a forward quotes the forward's marker without being one.
        if replyPrefixes.contains(prefix) { return false }
        guard let body = body() else { return false }
        return containsMarker(Array(body.utf8))
    }

    private static let forwardPrefixes: Set<String> = ["fwd", "fw", "tr", "wg", "rv", "enc"]
    private static let replyPrefixes: Set<String> = ["re", "aw", "sv", "antw", "vs", "ref", "rif", "res"]

    /// The lowercased word before the first colon of the subject (`Fwd`, `TR :`, `Fw[2]:`), after
    /// one leading list tag such as `[support]`, or "" when the subject has no such prefix.
    private static func subjectPrefix(_ subject: String) -> String {
        var bytes = ASCII.trimmed(Array(subject.utf8)[...])
        if bytes.first == ASCII.openBracket, let close = bytes.firstIndex(of: ASCII.closeBracket) {
            bytes = ASCII.trimmed(bytes[(close + 1)...])
        }
        let word = bytes.prefix { ASCII.isLetter($0) }
        guard (1...5).contains(word.count) else { return "" }
        var rest = bytes[word.endIndex...]
        if rest.first == ASCII.openBracket || rest.first == ASCII.openParen {
            let counter: Set<UInt8> = [ASCII.openBracket, ASCII.closeBracket, ASCII.openParen, ASCII.closeParen]
            rest = rest.drop { ASCII.isDigit($0) || counter.contains($0) }
        }
        rest = rest.drop { $0 == ASCII.space }
        guard rest.first == ASCII.colon else { return "" }
        return String(decoding: word.map { ASCII.lowercased($0) }, as: UTF8.self)
    }

    /// Phrases in the dashed separator lines mail programs put above a forwarded message, lowercased.
    private static let separatorPhrases: [[UInt8]] = [
        "forwarded message", "message transféré", "weitergeleitete nachricht", "mensaje reenviado",
        "messaggio inoltrato", "mensagem encaminhada", "doorgestuurd bericht",
    ].map { Array($0.utf8) }

    /// Lines Apple Mail puts above a forwarded message, in its common languages.
    private static let introductions: [StaticString] = [
        "Begin forwarded message:", "Début du message réexpédié", "Anfang der weitergeleiteten Nachricht",
        "Inizio messaggio inoltrato", "Comienzo del mensaje reenviado",
    ]

    private static func containsMarker(_ bytes: [UInt8]) -> Bool {
        var lineStart = 0
        while lineStart < bytes.count {
            let lineEnd = ASCII.lineFeed(in: bytes[...], from: lineStart)
            var start = lineStart
            while start < lineEnd, bytes[start] == ASCII.space || bytes[start] == ASCII.tab { start += 1 }
            let line = bytes[start..<lineEnd]
            if line.first == ASCII.hyphen, line.count > 12 {
                let lowered = Array(line.map { ASCII.lowercased($0) })[...]
                if separatorPhrases.contains(where: { ASCII.firstRange(of: $0, in: lowered) != nil }) { return true }
            } else if let first = line.first, first != ASCII.greaterThan, ASCII.isLetter(first),
                      introductions.contains(where: { ASCII.hasPrefix(line, caseInsensitive: $0) }) {
                return true
            }
            lineStart = lineEnd + 1
        }
        return false
    }
}
