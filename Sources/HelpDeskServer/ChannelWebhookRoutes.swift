import Foundation
import HelpDeskCore
import HelpDeskEngine
import Hummingbird
import NIOCore

/// Messages from channels the help desk does not speak itself: the custom channels API, for
/// integrations with a token; the WhatsApp Cloud API's webhook and Twilio Programmable Voice's
/// call webhooks, which prove themselves with their signatures instead.
struct ChannelWebhookRoutes {
    let desk: HelpDesk

    static let maxWebhookBody = 1024 * 1024
    /// A call webhook's refusals: a missing CallSid, a bad signature, an unknown channel, a body too large.
    static let callErrors = [400, 401, 404, 409, 413]

    struct CustomMessageInput: Decodable {
        struct Sender: Decodable {
            var name: String?
            var deliveryIdentifier: ConversationRoutes.DeliveryIdentifierJSON
        }

        var messageDirection: String?
        var text: String?
        var richText: String?
        var integrationThreadId: String?
        var integrationIdempotencyId: String?
        var channelAccountId: String?
        var senders: [Sender]?
    }

    /// The parts of a Cloud API webhook the help desk reads.
    struct WhatsAppWebhook: Decodable {
        struct Entry: Decodable { var changes: [Change]? }
        struct Change: Decodable { var value: Value? }
        struct Value: Decodable {
            var metadata: Metadata?
            var contacts: [Contact]?
            var messages: [Message]?
        }
        struct Metadata: Decodable { var phone_number_id: String? }
        struct Contact: Decodable {
            struct Profile: Decodable { var name: String? }
            var wa_id: String?
            var profile: Profile?
        }
        struct Message: Decodable {
            struct Text: Decodable { var body: String? }
            struct Media: Decodable { var caption: String? }
            struct Reply: Decodable { var title: String? }
            struct Interactive: Decodable {
                var button_reply: Reply?
                var list_reply: Reply?
            }
            struct Button: Decodable { var text: String? }
            var from: String
            var id: String
            var type: String?
            var text: Text?
            var image: Media?
            var video: Media?
            var document: Media?
            var interactive: Interactive?
            var button: Button?

            /// What an agent reads: the text, a caption, or what kind of content it was.
            var readable: String {
                if let body = text?.body { return body }
                if let title = interactive?.button_reply?.title ?? interactive?.list_reply?.title ?? button?.text { return title }
                let caption = image?.caption ?? video?.caption ?? document?.caption
                let kind = type ?? "message"
                return caption.map { "[\(kind)] \($0)" } ?? "[\(kind) received on WhatsApp; open it in WhatsApp to see it]"
            }
        }

        var entry: [Entry]?
    }

    func register(integration section: RouteBook.Section) {
        section.add(.post, ":channelId/messages", "publishCustomChannelMessage",
                    "Publish a customer's message on a custom channel; it joins its thread or opens a conversation (C2)",
                    request: "CustomChannelMessageInput", response: "Message", status: 201,
                    also: [.json(200, "Message", "A message with an integrationIdempotencyId already published: the one stored then")],
                    errors: [400, 404, 409, 413]) { request, context in
            try await publish(request, context)
        }
    }

    func register(public section: RouteBook.Section) {
        section.add(.get, "webhooks/whatsapp/:channelId", "verifyWhatsAppWebhook",
                    "Answers the Cloud API's subscription check with hub.challenge", content: "text/plain",
                    errors: [403], query: [("hub.mode", "subscribe"), ("hub.verify_token", "The channel's verifyToken"),
                                           ("hub.challenge", "What to answer")]) { request, context in
            try await verifyWhatsApp(request, context)
        }
        section.add(.post, "webhooks/whatsapp/:channelId", "receiveWhatsAppWebhook",
                    "Takes the Cloud API's message notifications, signed with X-Hub-Signature-256", request: "WhatsAppWebhook",
                    response: "WebhookReceipt", errors: [400, 401, 404, 409, 413]) { request, context in
            try await receiveWhatsApp(request, context)
        }
        section.add(.post, "webhooks/calls/:channelId/voice", "receiveCall",
                    "Twilio's voice webhook for an incoming call; answers with TwiML (ring or voicemail, A8)",
                    request: "CallWebhook", requestContent: URLEncodedForm.mediaType, content: "text/xml", errors: Self.callErrors) { request, context in
            try await call(request, context) { channel, values in
                try await desk.calls.incoming(on: channel, callID: values["CallSid"] ?? "", from: values["From"] ?? "")
            }
        }
        section.add(.post, "webhooks/calls/:channelId/dial-status", "receiveDialStatus",
                    "Twilio's Dial action: a missed call goes to voicemail",
                    request: "CallWebhook", requestContent: URLEncodedForm.mediaType, content: "text/xml", errors: Self.callErrors) { request, context in
            try await call(request, context) { channel, values in
                try await desk.calls.dialEnded(on: channel, callID: values["CallSid"] ?? "", from: values["From"] ?? "",
                                               status: values["DialCallStatus"] ?? "failed")
            }
        }
        section.add(.post, "webhooks/calls/:channelId/recording", "receiveVoicemail",
                    "Twilio's recording status callback: the voicemail joins the call's conversation",
                    request: "CallWebhook", requestContent: URLEncodedForm.mediaType, content: "text/xml", errors: Self.callErrors) { request, context in
            try await call(request, context) { channel, values in
                guard values["RecordingStatus"].map({ $0 == "completed" }) ?? true, let url = values["RecordingUrl"] else { return .hangUp }
                try await desk.calls.voicemail(on: channel, callID: values["CallSid"] ?? "", from: values["From"] ?? "",
                                               recordingID: values["RecordingSid"] ?? url, url: url,
                                               seconds: values["RecordingDuration"].flatMap { Int($0) })
                return .hangUp
            }
        }
    }

    /// Checks a Twilio webhook's signature, hands its parameters on, and answers in TwiML.
    func call(_ request: Request, _ context: HelpDeskRequestContext,
              _ handle: (HelpDeskCore.Channel, [String: String]) async throws -> CallService.Answer) async throws -> Response {
        let channelID: String = try context.parameters.require("channelId")
        guard let channel = try await desk.channelMessages.channel(id: channelID, kinds: [.call]) else {
            throw APIError.notFound("Call channel \(channelID) does not exist.")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.maxWebhookBody)
        } catch {
            throw APIError(status: .contentTooLarge, category: "VALIDATION_ERROR", message: "A webhook body holds at most 1 MiB.")
        }
        let pairs = URLEncodedForm.pairs(String(buffer: buffer))
        // Twilio signs the URL it called; behind a proxy, Host and X-Forwarded-Proto must say what it was.
        let scheme = request.headers[.init("X-Forwarded-Proto")!] ?? "http"
        let url = "\(scheme)://\(request.head.authority ?? "localhost")\(request.uri)"
        guard let secret = channel.settings.signingSecret,
              WebhookSignature.isValidTwilio(url: url, parameters: pairs, header: request.headers[.init("X-Twilio-Signature")!],
                                             secret: secret) else {
            throw APIError(status: .unauthorized, category: "INVALID_AUTHENTICATION",
                           message: "X-Twilio-Signature is missing or does not match this channel's signingSecret (the auth token) for \(url).")
        }
        var values: [String: String] = [:]
        for (name, value) in pairs where values[name] == nil { values[name] = value }
        guard values["CallSid"].map({ !$0.isEmpty && $0.count <= 64 }) == true else {
            throw APIError.badRequest("A call webhook needs its CallSid.")
        }
        let answer = try await handle(channel, values)
        var headers = HTTPFields()
        headers[.contentType] = "text/xml; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: Self.twiml(answer, channelID: channelID))))
    }

    /// The TwiML for an answer; Twilio resolves the relative callbacks against the URL it called.
    static func twiml(_ answer: CallService.Answer, channelID: String) -> String {
        func escaped(_ text: String) -> String {
            text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
                .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
        }
        var body = ""
        switch answer {
        case .connect(let numbers):
            body = "<Dial action=\"/webhooks/calls/\(channelID)/dial-status\" timeout=\"25\">"
                + numbers.map { "<Number>\(escaped($0))</Number>" }.joined() + "</Dial>"
        case .voicemail(let greeting):
            body = "<Say>\(escaped(greeting))</Say><Record maxLength=\"180\" playBeep=\"true\" "
                + "recordingStatusCallback=\"/webhooks/calls/\(channelID)/recording\"/><Hangup/>"
        case .hangUp:
            body = "<Hangup/>"
        }
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Response>\(body)</Response>"
    }

    func publish(_ request: Request, _ context: HelpDeskRequestContext) async throws -> Response {
        let caller = try context.requireCaller()
        let channelID: String = try context.parameters.require("channelId")
        let input = try await JSONBody.decode(CustomMessageInput.self, from: request)
        if let direction = input.messageDirection, direction.uppercased() != "INCOMING" {
            throw APIError.badRequest("messageDirection must be INCOMING: agents answer through /conversations/v3/conversations/threads/{id}/messages.")
        }
        if let account = input.channelAccountId, account != channelID {
            throw APIError.badRequest("channelAccountId \(account) is not channel \(channelID) of the path.")
        }
        guard let sender = input.senders?.first else {
            throw APIError.badRequest("Give the customer in senders[0].deliveryIdentifier (type and value).")
        }
        let identifier = sender.deliveryIdentifier
        let incoming = CustomerMessage(
            customerAddress: identifier.value, customerName: sender.name,
            customerEmail: identifier.type == "HS_EMAIL_ADDRESS" ? identifier.value : nil,
            customerPhone: identifier.type == "HS_PHONE_NUMBER" ? identifier.value : nil,
            text: input.text ?? "", html: input.richText,
            externalID: input.integrationIdempotencyId, threadID: input.integrationThreadId)
        let (receipt, message) = try await desk.channelMessages.publish(incoming, channelID: channelID, by: caller)
        guard let message else { throw APIError.notFound("The message could not be read back.") }
        let channel = try await desk.channels.get(id: channelID, by: caller)
        return try JSONBody.response(ConversationRoutes.MessageJSON(message, channel: channel),
                                     status: receipt.duplicate ? .ok : .created)
    }

    func verifyWhatsApp(_ request: Request, _ context: HelpDeskRequestContext) async throws -> Response {
        let query = request.uri.queryParameters
        guard let channel = try await desk.channelMessages.channel(id: try context.parameters.require("channelId"), kinds: [.whatsapp]),
              query.get("hub.mode") == "subscribe", let token = channel.settings.verifyToken,
              query.get("hub.verify_token") == token, let challenge = query.get("hub.challenge") else {
            throw APIError(status: .forbidden, category: "INVALID_AUTHENTICATION",
                           message: "The verify token does not match this WhatsApp channel's verifyToken.")
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: challenge)))
    }

    func receiveWhatsApp(_ request: Request, _ context: HelpDeskRequestContext) async throws -> Response {
        let channelID: String = try context.parameters.require("channelId")
        guard let channel = try await desk.channelMessages.channel(id: channelID, kinds: [.whatsapp]) else {
            throw APIError.notFound("WhatsApp channel \(channelID) does not exist.")
        }
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: Self.maxWebhookBody)
        } catch {
            throw APIError(status: .contentTooLarge, category: "VALIDATION_ERROR", message: "A webhook body holds at most 1 MiB.")
        }
        let body = Array(buffer: buffer)
        guard let secret = channel.settings.signingSecret,
              WebhookSignature.isValidWhatsApp(body: body, header: request.headers[.init("X-Hub-Signature-256")!], secret: secret) else {
            throw APIError(status: .unauthorized, category: "INVALID_AUTHENTICATION",
                           message: "X-Hub-Signature-256 is missing or does not match this channel's signingSecret (the app secret).")
        }
        let webhook: WhatsAppWebhook
        do {
            webhook = try JSONDecoder().decode(WhatsAppWebhook.self, from: Data(body))
        } catch {
            throw APIError.badRequest("The webhook body is not a WhatsApp Cloud API notification.")
        }
        for change in (webhook.entry ?? []).flatMap({ $0.changes ?? [] }) {
            guard let value = change.value, value.metadata?.phone_number_id == channel.address else { continue }
            for message in value.messages ?? [] {
                let name = value.contacts?.first { $0.wa_id == message.from }?.profile?.name
                let phone = "+" + message.from.filter(\.isNumber)
                _ = try await desk.channelMessages.receive(CustomerMessage(
                    customerAddress: phone, customerName: name, customerPhone: phone, text: message.readable,
                    externalID: message.id), on: channel, source: "WHATSAPP")
            }
        }
        return try JSONBody.response(["status": "ok"])
    }
}
