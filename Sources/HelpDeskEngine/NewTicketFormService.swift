import Foundation
import HelpDeskCore
import HelpDeskStore

/// The New ticket page's form (P5): those who configure properties arrange it, agents who make
/// tickets by hand fill it in, and a ticket from it that leaves a required property empty is
/// refused. The API's ticket creation does not pass through here.
public struct NewTicketFormService: Sendable {
    let desk: HelpDesk

    static let settingName = "tickets.new_ticket_form"

    /// The form as arranged, or the standard one if no admin has changed it.
    public func current(by caller: Caller) async throws -> NewTicketForm {
        if !Access.allows(caller.user, .configureProperties) { try caller.check(.writeRecords(.tickets)) }
        guard let stored = try await desk.database.read({ try await $0.accountSetting(name: Self.settingName) }) else {
            return .standard
        }
        do {
            return try JSONDecoder().decode(NewTicketForm.self, from: Data(stored.utf8))
        } catch {
            throw StoreError.corruptRow(table: "account_settings", detail: "\(Self.settingName): \(error)")
        }
    }

    /// Keeps an admin's arrangement of the form, announced on the feed.
    public func save(_ form: NewTicketForm, by caller: Caller) async throws {
        try caller.check(.configureProperties)
        let tickets = try await desk.catalog.schema(for: ObjectType.tickets.name)
        if let problem = form.problem(in: tickets) { throw HelpDeskError.badRequest(problem) }
        let value = String(decoding: try JSONEncoder().encode(form), as: UTF8.self)
        let now = desk.clock()
        try await desk.configure(.ticketForm, objectType: ObjectType.tickets.id, by: caller, item: { _ in Self.settingName }) { session in
            try await session.saveAccountSetting(name: Self.settingName, value: value, at: now)
        }
    }

    /// Makes a ticket from the form's `properties`, refused with every required property it
    /// leaves empty named; the rest is checked as any ticket's creation is.
    public func createTicket(_ properties: [String: String], by caller: Caller) async throws -> Record {
        try caller.check(.writeRecords(.tickets))
        let form = try await current(by: caller)
        let tickets = try await desk.catalog.schema(for: ObjectType.tickets.name)
        if let refusal = form.refusal(of: properties, schema: tickets) { throw HelpDeskError.badRequest(refusal) }
        guard let ticket = try await desk.records.create(type: ObjectType.tickets.name, [RecordInput(properties: properties)], by: caller)
            .first else {
            throw HelpDeskError.unavailable("The ticket was made but could not be read back; find it in All open.")
        }
        return ticket
    }
}
