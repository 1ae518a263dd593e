import Foundation
import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// The ticket page: the ticket's threads with every message, internal comments set apart, the
/// reply that can set the status in the same action (R5), the comment box (R6), and attachment
/// downloads. What the user may not see answers as if it did not exist (R8).
struct TicketRoutes {
    let desk: HelpDesk
    let workspace: WorkspaceRoutes

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

    struct OwnerOption {
        var id: String
        var name: String
        var selected: Bool
    }

    struct Page {
        var title: String
        var csrf: String
        var feed: Int64
        var user: WorkspaceRoutes.UserView
        var views: [WorkspaceRoutes.ViewLink]
        var ticket: TicketFacts
        var conversations: [ThreadView]
        var latest: String?
        var customer: String
        var statuses: [StatusOption]
        var allStatuses: [StatusOption]
        var owners: [OwnerOption]
        var notice: String?
    }

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.get("tickets/:id") { _, context in
            try await WorkspacePage.signedIn(context) { caller, csrf in
                try await page(ticketID: try context.parameters.require("id"), caller: caller, csrf: csrf)
            }
        }
        router.post("tickets/:id/reply") { request, context in
            try await change(request, context) { caller, form, ticketID in
                let message = try await desk.conversations.reply(conversationID: form["conversation"] ?? "", ReplyDraft(text: form["text"] ?? ""),
                                                                 by: caller)
                guard let status = form["status"], !status.isEmpty else { return nil }
                do {
                    _ = try await desk.records.update(type: ObjectType.tickets.name, [(id: ticketID, properties: ["hs_pipeline_stage": status])],
                                                      by: caller)
                    return nil
                } catch let error as HelpDeskError {
                    return "The reply was sent (message \(message.id)), but the status was not changed: \(error.message)"
                }
            }
        }
        router.post("tickets/:id/properties") { request, context in
            try await change(request, context) { caller, form, ticketID in
                var properties: [String: String] = [:]
                if let owner = form["owner"] { properties["hubspot_owner_id"] = owner }
                if let status = form["status"], !status.isEmpty { properties["hs_pipeline_stage"] = status }
                guard !properties.isEmpty else { return nil }
                _ = try await desk.records.update(type: ObjectType.tickets.name, [(id: ticketID, properties: properties)], by: caller)
                return nil
            }
        }
        router.post("tickets/:id/comment") { request, context in
            try await change(request, context) { caller, form, _ in
                _ = try await desk.conversations.comment(conversationID: form["conversation"] ?? "", text: form["text"] ?? "", by: caller)
                return nil
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

    func page(ticketID: String, caller: Caller, csrf: String, notice: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let feed = desk.live.head()
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        let properties = ["subject", "hs_pipeline", "hs_pipeline_stage", "hs_ticket_priority", "hubspot_owner_id"]
        guard let record = try await desk.records.read(type: ObjectType.tickets.name, ids: [ticketID],
                                                       options: ReadOptions(properties: properties), by: caller).first?.record else {
            throw HelpDeskError.notFound("Ticket \(ticketID) does not exist, or you may not see it.")
        }
        let owners = try await workspace.ownerNames()
        let row = workspace.row(of: record, tickets: tickets, owners: owners)
        let pipeline = record.properties["hs_pipeline"].flatMap { tickets.pipeline($0) }
        let current = record.properties["hs_pipeline_stage"]
        let conversations = try await desk.conversations.list(ticketID: record.id, limit: 50, by: caller).conversations
        var channels: [String: String] = [:]
        for channel in try await desk.channels.list(by: caller) { channels[channel.id] = channel.name }
        var threads: [ThreadView] = []
        for conversation in conversations.reversed() {
            let messages = try await desk.conversations.messages(conversationID: conversation.id, by: caller)
            threads.append(ThreadView(subject: conversation.subject, channel: channels[conversation.channelID] ?? "a removed channel",
                                      messages: messages.map { view(of: $0, owners: owners) }))
        }
        let user = caller.user
        return WorkspacePage.render("ticket", Page(
            title: row.subject, csrf: csrf, feed: feed, user: WorkspaceRoutes.UserView(user),
            views: try await workspace.viewLinks(for: caller, tickets: tickets, current: nil),
            ticket: TicketFacts(id: record.id, subject: row.subject, status: row.status, priority: row.priority.isEmpty ? nil : row.priority,
                                owner: row.owner),
            conversations: threads, latest: conversations.first?.id, customer: conversations.first?.customerAddress ?? "the customer",
            statuses: (pipeline?.activeStages ?? []).filter { $0.id != current }.map { StatusOption(id: $0.id, label: $0.label) },
            allStatuses: (pipeline?.activeStages ?? []).map { StatusOption(id: $0.id, label: $0.label, selected: $0.id == current) },
            owners: try await assignable(current: record.properties["hubspot_owner_id"]), notice: notice), status: status)
    }

    /// Who a ticket can be given to (A2, A9): active users with help-desk access, and its owner now.
    func assignable(current: String?) async throws -> [OwnerOption] {
        try await desk.people.users().filter { $0.id == current || Access.allows($0, .readRecords(.tickets)) }
            .map { OwnerOption(id: $0.id, name: $0.displayName ?? $0.email, selected: $0.id == current) }
            .sorted { $0.name.lowercased() < $1.name.lowercased() }
    }

    func view(of message: ConversationMessage, owners: [String: String]) -> MessageView {
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
            hasAttachments: !message.attachments.isEmpty)
    }

    /// A change from a form of the ticket page: checked against the session's CSRF token, then
    /// back to the ticket (303), or the ticket page with what went wrong.
    func change(_ request: Request, _ context: HelpDeskRequestContext,
                _ body: (Caller, [String: String], String) async throws -> String?) async throws -> Response {
        let form = try await AccountRoutes.form(request)
        return try await WorkspacePage.signedIn(context) { caller, csrf in
            guard form["csrf"] == csrf else {
                return WorkspacePage.message(status: .forbidden, title: "Request refused",
                                             message: "The page was too old to make this change; reload it and try again.")
            }
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

    static func size(_ bytes: Int) -> String {
        bytes < 1_024 ? "\(bytes) B" : bytes < 1_048_576 ? "\(bytes / 1_024) KB" : "\(bytes / 1_048_576) MB"
    }

    static func percentEncoded(_ name: String) -> String {
        // RFC 5987 allows only these ASCII characters unencoded; anything else, UTF-8 bytes included, is escaped.
        name.addingPercentEncoding(withAllowedCharacters: CharacterSet(charactersIn: "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~"))
            ?? "attachment"
    }
}
