import Crypto
import Foundation
import HelpDeskCore

/// An outgoing message as the service behind its channel takes it: a signed webhook for a custom
/// channel, a Cloud API call for WhatsApp. The body is written when the message is stored; the
/// address and credentials are read from the channel when it is sent, so that changed settings
/// apply to what still waits.
enum ChannelPost {
    struct Actor: Encodable {
        var actorId: String
        var name: String?
    }

    struct Identifier: Encodable {
        var type = "CHANNEL_SPECIFIC_OPAQUE_ID"
        var value: String
    }

    struct Recipient: Encodable {
        var deliveryIdentifier: Identifier
    }

    struct Message: Encodable {
        var id: String
        var conversationsThreadId: String
        var text: String
        var richText: String?
        var createdAt: String
        var senders: [Actor]
        var recipients: [Recipient]
    }

    struct CustomChannelEvent: Encodable {
        var type = "OUTGOING_CHANNEL_MESSAGE_CREATED"
        var channelAccountId: String
        var integrationThreadId: String?
        var message: Message
    }

    struct WhatsAppText: Encodable {
        struct Text: Encodable {
            var preview_url = false
            var body: String
        }

        var messaging_product = "whatsapp"
        var recipient_type = "individual"
        var to: String
        var type = "text"
        var text: Text
    }

    static func payload(for message: ConversationMessage, conversation: Conversation, channel: Channel) throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        switch channel.kind {
        case .whatsapp:
            let digits = conversation.customerAddress.filter(\.isNumber)
            return Array(try encoder.encode(WhatsAppText(to: digits, text: .init(body: message.text))))
        default:
            return Array(try encoder.encode(CustomChannelEvent(
                channelAccountId: channel.id, integrationThreadId: conversation.externalThreadID,
                message: Message(id: message.id, conversationsThreadId: conversation.id, text: message.text, richText: message.html,
                                 createdAt: message.createdAt.isoString,
                                 senders: [Actor(actorId: "A-\(message.authorID ?? "")", name: message.senderName)],
                                 recipients: [Recipient(deliveryIdentifier: Identifier(value: conversation.customerAddress))]))))
        }
    }

    /// Where a post goes and the headers it carries; `nil` when the channel lacks what it needs.
    static func request(for channel: Channel, body: [UInt8], at now: Timestamp) -> (url: String, headers: [(String, String)])? {
        switch channel.kind {
        case .whatsapp:
            guard let token = channel.settings.accessToken else { return nil }
            let base = channel.settings.outboundURL ?? ChannelSettings.whatsAppCloudAPI
            return ("\(base.hasSuffix("/") ? String(base.dropLast()) : base)/\(channel.address)/messages",
                    [("Authorization", "Bearer \(token)")])
        default:
            guard let url = channel.settings.outboundURL else { return nil }
            var headers = [("X-HelpDesk-Timestamp", String(now.millisecondsSince1970))]
            if let secret = channel.settings.signingSecret {
                headers.append(("X-HelpDesk-Signature", "sha256=" + signature(body, timestamp: now, secret: secret)))
            }
            return (url, headers)
        }
    }

    /// HMAC-SHA256 over `<timestamp>.<body>`, in hex: the receiver recomputes it with the shared
    /// secret, and refuses old timestamps to stop replays.
    static func signature(_ body: [UInt8], timestamp: Timestamp, secret: String) -> String {
        var signed = Array("\(timestamp.millisecondsSince1970).".utf8)
        signed += body
        let code = HMAC<SHA256>.authenticationCode(for: signed, using: SymmetricKey(data: Array(secret.utf8)))
        return Hex.encode(code)
    }
}
