import Foundation
import HelpDeskCore
import HelpDeskEngine
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore

/// Live chat's public side: the embed script, the chat frame (which gives a visitor their
/// cookie), a preview page, and the socket the frame talks over.
struct ChatRoutes {
    let desk: HelpDesk

    static let cookie = "hd_visitor"

    func register(_ section: RouteBook.Section) {
        section.add(.get, "chat/widget.js", "getChatWidget", "The script a site embeds: `<script src=… data-channel=ID>`",
                    content: "text/javascript") { _, _ in
            Self.script(ChatWidget.embedScript)
        }
        section.add(.get, "chat/frame.js", "getChatFrameScript", "The chat frame's script", content: "text/javascript") { _, _ in
            Self.script(ChatWidget.frameScript)
        }
        section.add(.get, "chat/frame/:channelId", "getChatFrame", "The chat itself, shown in the widget's frame; it talks over a WebSocket at /chat/socket/{channelId}",
                    content: "text/html", also: [.page(404, "No such live chat channel")]) { request, context in
            guard let channel = try await desk.liveChat.channel(id: try context.parameters.require("channelId")) else {
                return FormRoutes.missing(what: "Chat")
            }
            var response = Self.page(ChatWidget.frame(channel), frameable: true)
            // A visitor is stored only when they open the chat; a page view only gets the cookie.
            if !(Self.visitorToken(in: request.headers).map(LiveChat.isWellFormed) ?? false) {
                let token = LiveChat.newToken()
                let secure = request.headers[.init("X-Forwarded-Proto")!] == "https"
                // In another site's page the frame is third-party: only SameSite=None (with Secure) keeps the cookie there.
                response.headers[.setCookie] = "\(Self.cookie)=\(token); Path=/chat; Max-Age=31536000; HttpOnly; "
                    + (secure ? "Secure; SameSite=None; Partitioned" : "SameSite=Lax")
            }
            return response
        }
        section.add(.get, "chat/demo/:channelId", "getChatDemo", "A page with the widget, to try the chat as visitors see it",
                    content: "text/html", also: [.page(404, "No such live chat channel")]) { _, context in
            guard let channel = try await desk.liveChat.channel(id: try context.parameters.require("channelId")) else {
                return FormRoutes.missing(what: "Chat")
            }
            return Self.page(ChatWidget.demo(channel), frameable: false)
        }
    }

    /// Whether to take a request as a chat socket: its path names a live chat channel, it comes
    /// from the help desk's own pages (Origin), and it carries a known visitor's cookie.
    static func upgrade(_ request: HTTPRequest, remoteIP: String?, desk: HelpDesk, limit: SubmissionLimit, logger: Logger) async throws
        -> ShouldUpgradeResult<WebSocketDataHandler<HTTP1WebSocketUpgradeChannel.Context>> {
        let parts = (request.path ?? "").split(separator: "?").first?.split(separator: "/") ?? []
        guard parts.count == 3, parts[0] == "chat", parts[1] == "socket" else { return .dontUpgrade }
        guard let host = request.authority,
              let origin = request.headerFields[.origin], let originHost = URL(string: origin)?.host(percentEncoded: false),
              originHost + (URL(string: origin)?.port.map { ":\($0)" } ?? "") == host else {
            logger.info("Refused a chat socket from another origin", metadata: ["origin": "\(request.headerFields[.origin] ?? "none")"])
            return .dontUpgrade
        }
        guard let channel = try await desk.liveChat.channel(id: String(parts[2])),
              let token = visitorToken(in: request.headerFields) else { return .dontUpgrade }
        guard limit.allows(remoteIP ?? "unknown") else {
            logger.info("Refused a chat socket: too many from one address", metadata: ["address": "\(remoteIP ?? "unknown")"])
            return .dontUpgrade
        }
        guard let visitor = try await desk.liveChat.visitor(token: token) else { return .dontUpgrade }
        return .upgrade([:]) { inbound, outbound, _ in
            try await ChatSocket(desk: desk, channel: channel, visitor: visitor).run(inbound: inbound, outbound: outbound)
        }
    }

    static func visitorToken(in headers: HTTPFields) -> String? {
        for header in headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == cookie {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }

    static func script(_ source: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/javascript; charset=utf-8"
        headers[.cacheControl] = "public, max-age=300"
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: source)))
    }

    static func page(_ html: String, frameable: Bool) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentSecurityPolicy] = "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; "
            + "frame-src 'self'; base-uri 'none'; form-action 'none'" + (frameable ? "" : "; frame-ancestors 'self'")
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        headers[.init("Referrer-Policy")!] = "same-origin"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}

/// One visitor's chat socket. The frame sends `{"type": "message", "text"}` and
/// `{"type": "identify", "name", "email"}`; the socket sends `hello`, then `messages` as they
/// are said (the visitor's, the chatbot's and the team's, never internal comments), and
/// `identified` or `error`.
struct ChatSocket {
    let desk: HelpDesk
    let channel: HelpDeskCore.Channel
    let visitor: Visitor

    struct Said: Encodable {
        var id: String
        var from: String
        var name: String?
        var text: String
        var at: String
    }

    struct Incoming: Decodable {
        var type: String
        var text: String?
        var name: String?
        var email: String?
    }

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        let (frames, sink) = AsyncStream<String>.makeStream()
        let (wakes, wake) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        let (token, rings) = desk.liveChat.listen(to: visitor)
        defer { desk.liveChat.stopListening(to: visitor, token: token) }
        let bot = channel.settings.chatbot
        sink.yield(Self.json(["type": "hello", "greeting": bot?.greeting ?? "", "botName": bot?.name ?? "",
                              "visitor": ["name": visitor.name ?? "", "email": visitor.email ?? ""]]))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                for await frame in frames { try await outbound.write(.text(frame)) }
            }
            group.addTask {
                for await _ in rings { wake.yield() }
            }
            wake.yield()
            group.addTask {
                var last: Int64 = 0
                for await _ in wakes {
                    // A failed read is tried again at the next message rather than silencing the socket.
                    guard let (_, messages) = try? await desk.liveChat.transcript(for: visitor, on: channel, after: last),
                          let newest = messages.last else { continue }
                    last = Int64(newest.id) ?? last
                    sink.yield(Self.messagesFrame(messages))
                }
            }
            var current = visitor
            for try await message in inbound.messages(maxSize: 16_384) {
                guard case .text(let text) = message, let incoming = try? JSONDecoder().decode(Incoming.self, from: Data(text.utf8)) else {
                    sink.yield(Self.json(["type": "error", "message": "Send JSON such as {\"type\": \"message\", \"text\": \"Hello\"}."]))
                    continue
                }
                do {
                    switch incoming.type {
                    case "message":
                        try await desk.liveChat.say(incoming.text ?? "", visitor: current, on: channel)
                    case "identify":
                        current = try await desk.liveChat.identify(current, name: incoming.name, email: incoming.email)
                        sink.yield(Self.json(["type": "identified", "name": current.name ?? "", "email": current.email ?? ""]))
                    default:
                        sink.yield(Self.json(["type": "error", "message": "Unknown type \(incoming.type.prefix(40)); use message or identify."]))
                    }
                } catch let error as HelpDeskError {
                    sink.yield(Self.json(["type": "error", "message": error.message]))
                }
            }
            sink.finish()
            group.cancelAll()
        }
    }

    static func messagesFrame(_ messages: [ConversationMessage]) -> String {
        let said = messages.map { message in
            Said(id: message.id, from: message.direction == .incoming ? "visitor" : message.authorID == nil ? "bot" : "team",
                 name: message.direction == .incoming ? nil : message.senderName, text: message.text, at: message.createdAt.isoString)
        }
        struct Frame: Encodable {
            var type = "messages"
            var messages: [Said]
        }
        return String(decoding: (try? JSONEncoder().encode(Frame(messages: said))) ?? Data(), as: UTF8.self)
    }

    static func json(_ value: [String: Any]) -> String {
        (try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys])).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
