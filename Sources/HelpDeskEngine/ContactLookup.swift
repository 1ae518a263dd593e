import HelpDeskCore

extension RecordService {
    /// The contact with this email address, made when there is none (a ticket's linked contact,
    /// the customer an agent writes to first).
    public func contact(email: String, by caller: Caller) async throws -> String {
        let byEmail = SearchRequest(filterGroups: [[SearchRequest.Filter(propertyName: "email", operator: .eq, value: email)]],
                                   properties: ["email"], limit: 1)
        if let found = try await search(type: ObjectType.contacts.name, byEmail, by: caller).views.first {
            return found.record.id
        }
        guard let made = try await create(type: ObjectType.contacts.name, [RecordInput(properties: ["email": email])], by: caller)
            .first else {
            throw HelpDeskError.unavailable("The contact \(email) could not be read back; try again.")
        }
        return made.id
    }
}
