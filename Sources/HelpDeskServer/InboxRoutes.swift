import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// The Inbox (V1): open conversations that have no ticket yet (from channels that do not make
/// tickets, or the chatbot's), and each one's page, where an agent answers it, closes it, or makes
/// a ticket of it, which moves it into the help desk's views (C4, R8).
struct InboxRoutes {
    let desk: HelpDesk
    let workspace: WorkspaceRoutes
    let tickets: TicketRoutes

    struct Row {
        var id: String
        var subject: String
        var customer: String
        var channel: String
        var updatedISO: String
    }

    struct ListPage {
        var title = "Inbox"
        var csrf: String
        var feed: Int64
        var user: WorkspaceRoutes.UserView
        var views: [WorkspaceRoutes.ViewLink]
        var conversations: [Row]
        var hasConversations: Bool
        var next: String?
    }

    struct ConversationPage {
        var title: String
        var csrf: String
        var feed: Int64
        var user: WorkspaceRoutes.UserView
        var views: [WorkspaceRoutes.ViewLink]
        var id: String
        var subject: String
        var customer: String
        var channel: String
        var open: Bool
        var messages: [TicketRoutes.MessageView]
        var byEmail: Bool
        var senders: [TicketRoutes.SenderOption]
        var notice: String?
    }

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.get("conversations/:id") { _, context in
            try await WorkspacePage.signedIn(context) { caller, csrf in
                try await page(id: try context.parameters.require("id"), caller: caller, csrf: csrf)
            }
        }
        router.post("conversations/:id/reply") { request, context in
            try await change(request, context) { caller, form, id in
                _ = try await desk.conversations.reply(conversationID: id, ReplyDraft(text: form["text"] ?? "",
                                                                                      channelID: TicketRoutes.nonEmpty(form["from"])),
                                                       by: caller)
                return nil
            }
        }
        router.post("conversations/:id/status") { request, context in
            try await change(request, context) { caller, form, id in
                _ = try await desk.conversations.update(id: id, .init(status: form["status"] == "OPEN" ? .open : .closed), by: caller)
                return nil
            }
        }
        router.post("conversations/:id/ticket") { request, context in
            try await change(request, context) { caller, _, id in
                "/tickets/\(try await desk.conversations.createTicket(conversationID: id, properties: [:], by: caller).ticket.id)"
            }
        }
    }

    /// A change from a conversation's page: back to it (or where `body` says), or the page again
    /// with what went wrong.
    func change(_ request: Request, _ context: HelpDeskRequestContext,
                _ body: (Caller, SubmittedForm, String) async throws -> String?) async throws -> Response {
        try await WorkspacePage.submitted(request, context) { caller, csrf, form in
            let id = try context.parameters.require("id")
            do {
                return WorkspacePage.redirect(to: try await body(caller, form, id) ?? "/conversations/\(id)")
            } catch let error as HelpDeskError {
                if case .notFound = error { throw error }
                return try await page(id: id, caller: caller, csrf: csrf, notice: error.message, status: AccountRoutes.status(of: error))
            }
        }
    }

    func list(after: String?, caller: Caller, csrf: String) async throws -> Response {
        let cursor = after.flatMap(ConversationService.Cursor.init)
        let (found, next) = try await desk.conversations.list(inboxOnly: true, status: .open, limit: WorkspaceRoutes.pageSize,
                                                              after: cursor, by: caller)
        let channels = Dictionary(try await desk.channels.list(by: caller).map { ($0.id, $0.name) }) { first, _ in first }
        let rows = found.map {
            Row(id: $0.id, subject: $0.subject.isEmpty ? "(no subject)" : $0.subject, customer: $0.customerAddress,
                channel: channels[$0.channelID] ?? "", updatedISO: $0.latestMessageAt.isoString)
        }
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        return WorkspacePage.render("inbox", ListPage(
            csrf: csrf, feed: desk.live.head(), user: try await WorkspaceRoutes.UserView(caller, desk: desk),
            views: try await workspace.viewLinks(for: caller, tickets: tickets, current: WorkspaceView.inbox.rawValue),
            conversations: rows, hasConversations: !rows.isEmpty, next: next?.text))
    }

    func page(id: String, caller: Caller, csrf: String, notice: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let conversation = try await desk.conversations.get(id: id, by: caller)
        if let ticketID = conversation.ticketID, notice == nil { return WorkspacePage.redirect(to: "/tickets/\(ticketID)") }
        let channels = try await desk.channels.list(by: caller)
        let own = channels.first { $0.id == conversation.channelID }
        let owners = try await workspace.ownerNames()
        let messages = try await desk.conversations.messages(conversationID: id, by: caller)
        let senders = channels.filter { $0.kind == .email && !$0.archived }
        let from = own?.kind == .email ? own?.id : senders.first?.id
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        return WorkspacePage.render("conversation", ConversationPage(
            title: conversation.subject.isEmpty ? "Conversation" : conversation.subject, csrf: csrf, feed: desk.live.head(),
            user: try await WorkspaceRoutes.UserView(caller, desk: desk), views: try await workspace.viewLinks(for: caller, tickets: tickets, current: nil),
            id: conversation.id, subject: conversation.subject.isEmpty ? "(no subject)" : conversation.subject,
            customer: conversation.customerAddress, channel: own?.name ?? "a removed channel", open: conversation.status == .open,
            messages: messages.map { view(of: $0, owners: owners) },
            byEmail: own.map { ![.chat, .custom, .whatsapp].contains($0.kind) || $0.archived } ?? true,
            senders: senders.map { TicketRoutes.SenderOption(id: $0.id, label: $0.name == $0.address ? $0.address : "\($0.name) <\($0.address)>",
                                                             selected: $0.id == from) },
            notice: notice), status: status)
    }

    /// A message as the ticket page shows it, without "Answer": the page has one reply box.
    func view(of message: ConversationMessage, owners: [String: String]) -> TicketRoutes.MessageView {
        var view = tickets.view(of: message, ticketID: "", owners: owners)
        view.answerLink = nil
        return view
    }
}
