import HelpDeskMail

/// Parses one input as a received message and reads from it all that the server reads when it
/// stores mail, then checks the promise the store relies on: attachment names are safe as file
/// names, whatever the sender wrote.
enum MessageCase {
    static func run(_ bytes: [UInt8]) {
        guard let message = try? MailMessage(parsing: bytes) else { return }
        _ = message.plainText
        _ = message.automatic(envelopeSender: "")
        _ = message.failedRecipients
        if let html = message.html { _ = HTMLSanitizer.clean(html) }
        for attachment in message.attachments where !isSafe(attachment.filename) {
            preconditionFailure("Unsafe attachment filename \(attachment.filename.debugDescription)")
        }
    }

    private static func isSafe(_ filename: String) -> Bool {
        !filename.isEmpty && filename != "." && filename != ".."
            && !filename.unicodeScalars.contains { $0 == "/" || $0 == "\\" || $0.value < 0x20 || $0.value == 0x7F }
    }
}
