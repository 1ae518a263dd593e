import HelpDeskCore
import HelpDeskStore

/// The saved replies agents start answers from (R3): every agent reads them, those
/// who keep the snippets keep them.
public struct ReplyTemplateService: Sendable {
    let desk: HelpDesk

    public func list(by caller: Caller) async throws -> [ReplyTemplate] {
        if !Access.allows(caller.user, .configureSnippets) { try caller.check(.workConversations) }
        return try await desk.database.read { try await $0.replyTemplates() }
    }

    public func create(name: String, body: String, by caller: Caller) async throws -> ReplyTemplate {
        try caller.check(.configureSnippets)
        let name = name.trimmingCharacters(in: .whitespaces)
        if let problem = ReplyTemplate.problem(name: name, body: body) { throw HelpDeskError.badRequest(problem) }
        let now = desk.clock()
        return try await desk.configure(.templates, by: caller, item: \.id) { session in
            try await Self.refuseTaken(name, except: nil, session: session)
            return try await session.insertReplyTemplate(name: name, body: body, now: now)
        }
    }

    public func update(id: String, name: String, body: String, by caller: Caller) async throws -> ReplyTemplate {
        try caller.check(.configureSnippets)
        let name = name.trimmingCharacters(in: .whitespaces)
        if let problem = ReplyTemplate.problem(name: name, body: body) { throw HelpDeskError.badRequest(problem) }
        let now = desk.clock()
        return try await desk.configure(.templates, by: caller, item: \.id) { session in
            try await Self.refuseTaken(name, except: id, session: session)
            guard try await session.updateReplyTemplate(id: id, name: name, body: body, now: now) else {
                throw HelpDeskError.notFound("Template \(id) does not exist.")
            }
            return ReplyTemplate(id: id, name: name, body: body, updatedAt: now)
        }
    }

    public func delete(id: String, by caller: Caller) async throws {
        try caller.check(.configureSnippets)
        _ = try await desk.configure(.templates, by: caller, item: { (_: Bool) in id }) { session in
            guard try await session.deleteReplyTemplate(id: id) else { throw HelpDeskError.notFound("Template \(id) does not exist.") }
            return true
        }
    }

    static func refuseTaken(_ name: String, except id: String?, session: StoreSession) async throws {
        if try await session.replyTemplates().contains(where: { $0.name.lowercased() == name.lowercased() && $0.id != id }) {
            throw HelpDeskError.conflict("A template named \"\(name)\" already exists.")
        }
    }
}
