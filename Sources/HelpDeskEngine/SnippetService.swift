import HelpDeskCore
import HelpDeskStore

/// The saved text blocks agents insert with `#` (R3): every agent reads them, those who configure
/// the account keep them.
public struct SnippetService: Sendable {
    let desk: HelpDesk

    public func list(by caller: Caller) async throws -> [Snippet] {
        if !Access.allows(caller.user, .configureSnippets) { try caller.check(.workConversations) }
        return try await desk.database.read { try await $0.snippets() }
    }

    public func create(name: String, text: String, by caller: Caller) async throws -> Snippet {
        try caller.check(.configureSnippets)
        let name = name.trimmingCharacters(in: .whitespaces)
        if let problem = Snippet.problem(name: name, text: text) { throw HelpDeskError.badRequest(problem) }
        let now = desk.clock()
        return try await desk.configure(.snippets, by: caller, item: \.id) { session in
            try await Self.refuseTaken(name, except: nil, session: session)
            return try await session.insertSnippet(name: name, text: text, now: now)
        }
    }

    public func update(id: String, name: String, text: String, by caller: Caller) async throws -> Snippet {
        try caller.check(.configureSnippets)
        let name = name.trimmingCharacters(in: .whitespaces)
        if let problem = Snippet.problem(name: name, text: text) { throw HelpDeskError.badRequest(problem) }
        let now = desk.clock()
        return try await desk.configure(.snippets, by: caller, item: \.id) { session in
            try await Self.refuseTaken(name, except: id, session: session)
            guard try await session.updateSnippet(id: id, name: name, text: text, now: now) else {
                throw HelpDeskError.notFound("Snippet \(id) does not exist.")
            }
            return Snippet(id: id, name: name, text: text, updatedAt: now)
        }
    }

    public func delete(id: String, by caller: Caller) async throws {
        try caller.check(.configureSnippets)
        _ = try await desk.configure(.snippets, by: caller, item: { (_: Bool) in id }) { session in
            guard try await session.deleteSnippet(id: id) else { throw HelpDeskError.notFound("Snippet \(id) does not exist.") }
            return true
        }
    }

    static func refuseTaken(_ name: String, except id: String?, session: StoreSession) async throws {
        if try await session.snippets().contains(where: { $0.name.lowercased() == name.lowercased() && $0.id != id }) {
            throw HelpDeskError.conflict("A snippet named \"\(name)\" already exists.")
        }
    }
}
