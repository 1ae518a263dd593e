import Foundation
import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// The ticket page: the ticket's threads with every message, internal comments set apart, the
/// reply that can set the status in the same action (R5), the comment box (R6), files attached
/// to either (R3), and attachment downloads. What the user may not see answers as if it did not
/// exist (R8).
struct TicketRoutes {
    let desk: HelpDesk
    let workspace: WorkspaceRoutes
    var side: TicketSide { TicketSide(desk: desk) }

    struct TicketFacts {
        var id: String
        var subject: String
        var status: String
        var priority: String?
        var owner: String
    }

    struct AttachmentLink {
        var id: String
        var name: String
        var size: String
    }

    struct MessageView {
        var kind: String
        var kindLabel: String?
        var sender: String
        var to: String?
        var cc: String?
        var sentISO: String
        var text: String
        var attachments: [AttachmentLink]
        var hasAttachments: Bool
        /// The page that answers this message (R1); `nil` for comments.
        var answerLink: String?
        /// The email's own HTML, shown in a sandboxed frame; `nil` when it has none.
        var frame: FrameView?
    }

    struct FrameView {
        var source: String
        /// A height that fits the message's length roughly: the frame cannot tell its own.
        var size: String
    }

    struct ThreadView {
        var subject: String
        var channel: String
        var messages: [MessageView]
    }

    struct StatusOption {
        var id: String
        var label: String
        var selected = false
    }

    struct SenderOption {
        var id: String
        var label: String
        var selected: Bool
    }

    /// The reply editor, filled from the author's draft when there is one (R4).
    struct Compose {
        /// A new thread to a customer (P5), rather than a reply on `conversation`.
        var starting = false
        var conversation: String
        /// The message answered (R1), when the agent picked one.
        var answer: String?
        var answering: String?
        /// Whether the thread is answered by email: From, To, Cc and Bcc apply (R2).
        var byEmail: Bool
        var senders: [SenderOption]
        var customer: String
        var to: String
        var cc: String
        var bcc: String
        var text: String
        /// The draft's rich text, which the script puts back in the editor; without it, `text` serves.
        var html: String
        var statuses: [StatusOption]
        var keepStatus: String
        var draftSavedISO: String?
        /// Who the comment box completes after `@` (R6).
        var teammates: [Teammate]
    }

    struct Teammate {
        var handle: String
        var name: String
    }

    /// What may be attached (R3), for the file inputs' hint and the script's check before sending.
    struct FileLimits {
        var hint = "up to \(AttachmentLimits.maxTotalBytes / 1_048_576) MB together, \(AttachmentLimits.maxFileBytes / 1_048_576) MB each"
        var maxFile = AttachmentLimits.maxFileBytes
        var maxTotal = AttachmentLimits.maxTotalBytes
    }

    struct Page {
        var title: String
        var csrf: String
        var feed: Int64
        var user: WorkspaceRoutes.UserView
        var views: [WorkspaceRoutes.ViewLink]
        var ticket: TicketFacts
        var conversations: [ThreadView]
        var compose: Compose?
        var allStatuses: [StatusOption]
        var owners: [WorkspaceRoutes.OwnerOption]
        var side: TicketSide.View
        /// What `#` completes in the editor and the comment box (R3).
        var snippets: [Snippet]
        /// The saved replies the editor starts from (R3).
        var templates: [ReplyTemplate]
        var hasTemplates: Bool
        var files = FileLimits()
        var notice: String?
    }

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.get("tickets/:id") { request, context in
            try await WorkspacePage.signedIn(context) { caller, csrf in
                try await page(ticketID: try context.parameters.require("id"), caller: caller, csrf: csrf,
                               answer: request.uri.queryParameters.get("answer"))
            }
        }
        router.post("tickets/:id/reply") { request, context in
            try await change(request, context) { caller, form, ticketID in
                try await send(form, ticketID: ticketID, by: caller) {
                    try await desk.conversations.reply(conversationID: form["conversation"] ?? "", Self.reply(from: form), by: caller)
                }
            }
        }
        router.post("tickets/:id/start") { request, context in
            try await change(request, context) { caller, form, ticketID in
                try await send(form, ticketID: ticketID, by: caller) {
                    try await desk.conversations.start(ticketID: ticketID, Self.reply(from: form), by: caller)
                }
            }
        }
        router.post("tickets/:id/draft") { request, context in
            guard let caller = context.caller, let csrf = context.csrfToken else {
                return Self.plain(.unauthorized, "You are signed out; sign in again to keep this draft.")
            }
            let form = try await SubmittedForm.read(request)
            guard form["csrf"] == csrf else { return Self.plain(.forbidden, "The page is too old to save this draft; reload it.") }
            do {
                try await desk.drafts.save(Self.draft(from: form, ticketID: try context.parameters.require("id")), by: caller)
                return Response(status: .noContent)
            } catch let error as HelpDeskError {
                return Self.plain(AccountRoutes.status(of: error), error.message)
            }
        }
        router.post("tickets/:id/presence") { request, context in
            guard let caller = context.caller, let csrf = context.csrfToken else {
                return Self.plain(.unauthorized, "You are signed out.")
            }
            let form = try await SubmittedForm.read(request)
            guard form["csrf"] == csrf else { return Self.plain(.forbidden, "The page is too old; reload it.") }
            let ticketID = try context.parameters.require("id")
            do {
                if form["leaving"] == "1" {
                    try await desk.presence.leave(ticketID: ticketID, by: caller)
                    return Response(status: .noContent)
                }
                let others = try await desk.presence.beat(ticketID: ticketID, replying: form["replying"] == "1", by: caller)
                return Self.plain(.ok, Self.presenceLine(others.map { ($0.user.displayName ?? $0.user.email, $0.replying) }))
            } catch let error as HelpDeskError {
                return Self.plain(AccountRoutes.status(of: error), error.message)
            }
        }
        router.post("tickets/:id/draft/discard") { request, context in
            try await change(request, context) { caller, _, ticketID in
                try await desk.drafts.discard(ticketID: ticketID, by: caller)
                return nil
            }
        }
        router.post("tickets/:id/properties") { request, context in
            try await change(request, context) { caller, form, ticketID in
                let properties = try await side.changes(from: form, ticketID: ticketID, by: caller)
                guard !properties.isEmpty else { return nil }
                _ = try await desk.records.update(type: ObjectType.tickets.name, [(id: ticketID, properties: properties)], by: caller)
                return nil
            }
        }
        router.post("tickets/:id/side") { request, context in
            try await change(request, context) { caller, form, _ in
                try await desk.userSettings.setSideColumn(form.all("show"), by: caller)
                return nil
            }
        }
        router.post("tickets/:id/visitor") { request, context in
            try await change(request, context) { caller, form, _ in
                // The contact then shows among the ticket's contacts, and this form goes.
                _ = try await desk.liveChat.linkVisitor(conversationID: form["conversation"] ?? "", email: form["email"] ?? "",
                                                        name: form["name"], by: caller)
                return nil
            }
        }
        router.post("tickets/:id/links") { request, context in
            try await change(request, context) { caller, form, ticketID in
                try await side.link(type: form["type"] ?? "", query: form["query"] ?? "", ticketID: ticketID, by: caller)
                return nil
            }
        }
        router.post("tickets/:id/links/remove") { request, context in
            try await change(request, context) { caller, form, ticketID in
                try await desk.associations.dissociate(ObjectType.tickets.name, ticketID, from: form["type"] ?? "", form["id"] ?? "",
                                                       by: caller)
                return nil
            }
        }
        router.post("tickets/:id/comment") { request, context in
            try await change(request, context) { caller, form, _ in
                _ = try await desk.conversations.comment(conversationID: form["conversation"] ?? "", text: form["text"] ?? "",
                                                         attachments: form.files("files"), by: caller)
                return nil
            }
        }
        router.get("messages/:id/html") { _, context in
            try await WorkspacePage.signedIn(context) { caller, _ in
                let message = try await desk.conversations.message(id: try context.parameters.require("id"), by: caller)
                guard let html = message.html else { throw HelpDeskError.notFound("Message \(message.id) has no HTML.") }
                return Self.mailFrame(html)
            }
        }
        router.get("attachments/:id") { _, context in
            try await WorkspacePage.signedIn(context) { caller, _ in
                let (summary, data) = try await desk.conversations.attachment(id: try context.parameters.require("id"), by: caller)
                var headers = HTTPFields()
                // Always downloaded, never shown in the workspace's origin: a file may be a page with scripts.
                headers[.contentType] = "application/octet-stream"
                headers[.contentDisposition] = "attachment; filename*=UTF-8''\(Self.percentEncoded(summary.filename))"
                headers[.contentSecurityPolicy] = "sandbox"
                headers[.init("X-Content-Type-Options")!] = "nosniff"
                headers[.cacheControl] = "private, no-store"
                return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: data)))
            }
        }
    }

    func page(ticketID: String, caller: Caller, csrf: String, answer: String? = nil, notice: String? = nil,
              status: HTTPResponse.Status = .ok) async throws -> Response {
        let feed = desk.live.head()
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        let shown = try await side.shownProperties(tickets: tickets, by: caller)
        let properties = ["subject", "hs_pipeline", "hs_pipeline_stage", "hs_ticket_priority", "hubspot_owner_id", "hubspot_team_id"]
            + shown.map(\.name)
        guard let record = try await desk.records.read(type: ObjectType.tickets.name, ids: [ticketID],
                                                       options: ReadOptions(properties: properties), by: caller).first?.record else {
            throw HelpDeskError.notFound("Ticket \(ticketID) does not exist, or you may not see it.")
        }
        let owners = try await workspace.ownerNames()
        let row = workspace.row(of: record, tickets: tickets, owners: owners)
        let pipeline = record.properties["hs_pipeline"].flatMap { tickets.pipeline($0) }
        let current = record.properties["hs_pipeline_stage"]
        let conversations = try await desk.conversations.list(ticketID: record.id, limit: 50, by: caller).conversations
        let channels = try await desk.channels.list(by: caller)
        let channelNames = Dictionary(channels.map { ($0.id, $0.name) }) { first, _ in first }
        var threads: [ThreadView] = []
        var messages: [String: [ConversationMessage]] = [:]
        for conversation in conversations.reversed() {
            let thread = try await desk.conversations.messages(conversationID: conversation.id, by: caller)
            messages[conversation.id] = thread
            threads.append(ThreadView(subject: conversation.subject, channel: channelNames[conversation.channelID] ?? "a removed channel",
                                      messages: thread.map { view(of: $0, ticketID: record.id, owners: owners) }))
        }
        let draft = try await desk.drafts.draft(ticketID: record.id, by: caller)
        let statuses = (pipeline?.activeStages ?? []).filter { $0.id != current }
        var compose: Compose?
        // The thread answered: the one holding the message picked (R1), the draft's, or the latest.
        let picked = answer.flatMap { wanted in
            conversations.first { messages[$0.id]?.contains { $0.id == wanted && $0.direction != .comment } == true }
        }
        let senders = channels.filter { $0.kind == .email && !$0.archived }
        // R2: without a thread's own address, the agent's primary team's default, if it is still connected.
        let teams = try await desk.people.teams()
        var teamDefault: String?
        if let teamID = caller.user.primaryTeamID, let chosen = teams.first(where: { $0.id == teamID })?.defaultChannelID {
            teamDefault = senders.first { $0.id == chosen }?.id
        }
        func senderOptions(_ from: String?) -> [SenderOption] {
            senders.map { SenderOption(id: $0.id, label: $0.name == $0.address ? $0.address : "\($0.name) <\($0.address)>", selected: $0.id == from) }
        }
        if conversations.isEmpty {
            compose = Compose(
                starting: true, conversation: "", answer: nil, answering: nil, byEmail: true,
                senders: senderOptions(draft?.channelID ?? teamDefault ?? senders.first?.id), customer: "the customer",
                to: draft?.to ?? "", cc: draft?.cc ?? "", bcc: draft?.bcc ?? "", text: draft?.text ?? "",
                html: draft?.html ?? "",
                statuses: statuses.map { StatusOption(id: $0.id, label: $0.label, selected: $0.id == draft?.status) },
                keepStatus: row.status, draftSavedISO: draft?.updatedAt.isoString, teammates: [])
        } else if let conversation = picked ?? conversations.first(where: { $0.id == draft?.conversationID }) ?? conversations.first {
            let answerID = picked != nil ? answer : draft?.conversationID == conversation.id ? draft?.inReplyTo : nil
            let answered = answerID.flatMap { id in messages[conversation.id]?.first { $0.id == id } }
            let own = channels.first { $0.id == conversation.channelID }
            let byEmail = own.map { ![.chat, .custom, .whatsapp].contains($0.kind) || $0.archived } ?? true
            let from = draft?.channelID ?? (own?.kind == .email ? own?.id : nil) ?? teamDefault ?? senders.first?.id
            compose = Compose(
                conversation: conversation.id, answer: answered?.id,
                answering: answered.map { "Answering the message of \($0.senderName ?? $0.senderAddress), \($0.createdAt.isoString)" },
                byEmail: byEmail,
                senders: senderOptions(from),
                customer: conversation.customerAddress, to: draft?.to ?? "", cc: draft?.cc ?? "", bcc: draft?.bcc ?? "",
                text: draft?.text ?? "", html: draft?.html ?? "",
                statuses: statuses.map { StatusOption(id: $0.id, label: $0.label, selected: $0.id == draft?.status) },
                keepStatus: row.status, draftSavedISO: draft?.updatedAt.isoString,
                teammates: try await desk.conversations.mentionable(conversationID: conversation.id, by: caller)
                    .map { Teammate(handle: $0.handle, name: $0.user.displayName ?? $0.user.email) }
                    .sorted { $0.name.lowercased() < $1.name.lowercased() })
        }
        let templates = try await desk.replyTemplates.list(by: caller)
        return WorkspacePage.render("ticket", Page(
            title: row.subject, csrf: csrf, feed: feed, user: try await WorkspaceRoutes.UserView(caller, desk: desk),
            views: try await workspace.viewLinks(for: caller, tickets: tickets, current: nil),
            ticket: TicketFacts(id: record.id, subject: row.subject, status: row.status, priority: row.priority.isEmpty ? nil : row.priority,
                                owner: row.owner),
            conversations: threads, compose: compose,
            allStatuses: (pipeline?.activeStages ?? []).map { StatusOption(id: $0.id, label: $0.label, selected: $0.id == current) },
            owners: try await workspace.assignable(current: record.properties["hubspot_owner_id"]),
            side: try await side.view(of: record, shown: shown, tickets: tickets, people: owners, teams: teams,
                                      conversations: conversations, by: caller),
            snippets: try await desk.snippets.list(by: caller), templates: templates, hasTemplates: !templates.isEmpty, notice: notice),
            status: status)
    }

    /// Sends what the editor holds, with the status chosen with it in the same transaction (R5).
    /// What could not be sent stays as the author's draft, which the page shows again: nothing
    /// typed is lost. Files cannot be kept in a draft; the page says to attach them again.
    func send(_ form: SubmittedForm, ticketID: String, by caller: Caller,
              _ sending: () async throws -> ConversationMessage) async throws -> String? {
        do {
            _ = try await sending()
            return nil
        } catch let error as HelpDeskError {
            try await desk.drafts.save(Self.draft(from: form, ticketID: ticketID), by: caller)
            if form.carriedFiles, case .badRequest(let reason) = error {
                throw HelpDeskError.badRequest(reason + " What you wrote is kept as a draft; attach the files again.")
            }
            throw error
        }
    }

    /// The reply the editor's form describes (R1, R2), with its files (R3).
    static func reply(from form: SubmittedForm) throws -> ReplyDraft {
        let to = addresses(form["to"])
        return try ReplyDraft(text: form["text"] ?? "", html: nonEmpty(form["html"]), to: to.isEmpty ? nil : to, cc: addresses(form["cc"]),
                              bcc: addresses(form["bcc"]), channelID: nonEmpty(form["from"]), inReplyTo: nonEmpty(form["answer"]),
                              attachments: form.files("files"), status: nonEmpty(form["status"]))
    }

    /// The editor's form as the author's draft (R4).
    static func draft(from form: SubmittedForm, ticketID: String) -> Draft {
        Draft(ticketID: ticketID, authorID: "", conversationID: nonEmpty(form["conversation"]), inReplyTo: nonEmpty(form["answer"]),
              text: form["text"] ?? "", html: nonEmpty(form["html"]), to: form["to"] ?? "", cc: form["cc"] ?? "", bcc: form["bcc"] ?? "",
              channelID: nonEmpty(form["from"]), status: nonEmpty(form["status"]), updatedAt: Timestamp(millisecondsSince1970: 0))
    }

    /// Addresses as typed in one field: separated by commas or semicolons.
    static func addresses(_ field: String?) -> [String] {
        (field ?? "").split(whereSeparator: { $0 == "," || $0 == ";" }).map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
            .filter { !$0.isEmpty }
    }

    static func nonEmpty(_ value: String?) -> String? {
        guard let value, !value.isEmpty else { return nil }
        return value
    }

    /// Who else is on the ticket, in a line: those replying, then those viewing.
    static func presenceLine(_ others: [(name: String, replying: Bool)]) -> String {
        func names(_ list: [String]) -> String {
            list.count <= 1 ? list.joined() : list.dropLast().joined(separator: ", ") + " and " + list[list.count - 1]
        }
        let replying = others.filter(\.replying).map(\.name), viewing = others.filter { !$0.replying }.map(\.name)
        return [replying.isEmpty ? nil : "\(names(replying)) \(replying.count == 1 ? "is" : "are") replying",
                viewing.isEmpty ? nil : "\(names(viewing)) \(viewing.count == 1 ? "is" : "are") viewing this ticket"]
            .compactMap { $0 }.joined(separator: " · ")
    }

    /// A short answer to the page's own script.
    static func plain(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: message)))
    }

    func view(of message: ConversationMessage, ticketID: String, owners: [String: String]) -> MessageView {
        let kind: String, label: String?
        switch message.direction {
        case .incoming: (kind, label) = ("incoming", message.automatic.map { _ in "Automatic" })
        case .outgoing: (kind, label) = ("outgoing", message.automatic != nil ? "Automatic" : nil)
        case .comment: (kind, label) = ("comment", "Internal comment")
        }
        let author = message.authorID.flatMap { owners[$0] }
        return MessageView(
            kind: kind, kindLabel: label, sender: author ?? message.senderName ?? message.senderAddress,
            to: message.to.isEmpty ? nil : message.to.joined(separator: ", "), cc: message.cc.isEmpty ? nil : message.cc.joined(separator: ", "),
            sentISO: message.createdAt.isoString, text: message.text,
            attachments: message.attachments.map { AttachmentLink(id: $0.id, name: $0.filename, size: Self.size($0.size)) },
            hasAttachments: !message.attachments.isEmpty,
            answerLink: message.direction == .comment ? nil : "/tickets/\(ticketID)?answer=\(message.id)#reply",
            frame: message.html.map { _ in FrameView(source: "/messages/\(message.id)/html", size: Self.frameSize(of: message.text)) })
    }

    /// A change from a form of the ticket page: checked against the session's CSRF token, then
    /// back to the ticket (303), or the ticket page with what went wrong.
    func change(_ request: Request, _ context: HelpDeskRequestContext,
                _ body: (Caller, SubmittedForm, String) async throws -> String?) async throws -> Response {
        try await WorkspacePage.submitted(request, context) { caller, csrf, form in
            let ticketID = try context.parameters.require("id")
            do {
                if let notice = try await body(caller, form, ticketID) {
                    return try await page(ticketID: ticketID, caller: caller, csrf: csrf, notice: notice)
                }
                return WorkspacePage.redirect(to: "/tickets/\(ticketID)")
            } catch let error as HelpDeskError {
                if case .notFound = error { throw error }
                return try await page(ticketID: ticketID, caller: caller, csrf: csrf, notice: error.message, status: AccountRoutes.status(of: error))
            }
        }
    }

    /// The policy of an email's frame. The HTML was cleaned when it was stored; this is the
    /// second wall: the frame has no script, no origin of its own (so no cookie and no request in
    /// the user's name), loads nothing from anywhere (remote images stay blocked), and opens links
    /// in a new tab, outside it.
    static let mailFramePolicy = """
        sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'; \
        frame-ancestors 'self'; form-action 'none'
        """

    /// An email's HTML as a document of its own, to be shown only in the ticket page's frame.
    static func mailFrame(_ html: String) -> Response {
        struct Frame { var html: String }
        guard case .success(let templates) = WorkspaceTemplates.shared else {
            return WorkspacePage.render("mail-frame", Frame(html: html))
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.contentSecurityPolicy] = mailFramePolicy
        headers[.init("X-Content-Type-Options")!] = "nosniff"
        headers[.init("Referrer-Policy")!] = "no-referrer"
        headers[.init("X-Frame-Options")!] = "SAMEORIGIN"
        headers[.cacheControl] = "private, no-store"
        return Response(status: .ok, headers: headers,
                        body: .init(byteBuffer: ByteBuffer(string: templates.render("mail-frame", Frame(html: html)))))
    }

    static func frameSize(of text: String) -> String {
        let lines = text.reduce(into: 1) { count, character in if character.isNewline { count += 1 } } + text.count / 90
        return lines <= 4 ? "small" : lines <= 12 ? "medium" : lines <= 30 ? "large" : "huge"
    }

    static func size(_ bytes: Int) -> String {
        bytes < 1_024 ? "\(bytes) B" : bytes < 1_048_576 ? "\(bytes / 1_024) KB" : "\(bytes / 1_048_576) MB"
    }

    static func percentEncoded(_ name: String) -> String {
        // RFC 5987 allows only these ASCII characters unencoded; anything else, UTF-8 bytes included, is escaped.
        name.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"))
            ?? "attachment"
    }
}
