import Foundation
import HelpDeskMail

/// What the help desk reads from one message, as stored for a conversation: the sender, the
/// subject, the start of the text shown, whether there is HTML and how many attachments; printed
/// as a JSON line so that other mail readers can be compared with it.
struct MessageSummary: Encodable {
    var file: String
    var fromAddress: String?
    var fromName: String?
    var subject: String
    /// The first 200 characters of the text the help desk shows (the HTML's text when there is no
    /// plain part).
    var text: String
    var hasHTML: Bool
    var attachments: Int
    /// Why the message was refused, if it was.
    var error: String?

    init(path: String, bytes: [UInt8]) {
        file = path
        do {
            let message = try MailMessage(parsing: bytes)
            fromAddress = message.from?.address
            fromName = message.from?.name
            subject = message.subject
            text = String(message.plainText.prefix(200))
            hasHTML = message.html != nil
            attachments = message.attachments.count
        } catch {
            subject = ""
            text = ""
            hasHTML = false
            attachments = 0
            self.error = error.message
        }
    }

    func jsonLine() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }
}
