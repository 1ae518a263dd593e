/// Decides whether a user may do something. Every API call and every page asks here first.
public enum Access {
    /// Something a user may or may not do.
    public enum Action: Sendable, Equatable {
        case readRecords(ObjectType)
        case writeRecords(ObjectType)
        case configurePipelines(ObjectType)
        case configureProperties
        case configureObjectTypes
        case manageUsers
        case configureAutomation
        case configureChannels
        /// Adding, changing and removing the saved text blocks agents insert (R3).
        case configureSnippets
        case readOwners
        /// Reading and answering conversations: the inbox and tickets' threads.
        case workConversations
        /// Choosing how everyone is notified until they choose themselves (A10).
        case setNotificationDefaults
    }

    /// Whether `check` lets the user do it, for showing or hiding what they may not use.
    public static func allows(_ user: User, _ action: Action) -> Bool {
        do {
            try check(user, may: action)
            return true
        } catch {
            return false
        }
    }

    public static func check(_ user: User, may action: Action) throws(AccessDenied) {
        if user.archived { throw AccessDenied(reason: "User \(user.email) is deactivated.") }
        let roles = user.roles
        if roles.contains(.superAdmin) { return }
        switch action {
        case .readRecords(let type), .writeRecords(let type):
            if type.isTicket, !roles.contains(.helpDeskAccess) {
                throw AccessDenied(reason: "Working tickets needs help-desk access, which \(user.email) does not have.")
            }
        case .workConversations:
            if !roles.contains(.helpDeskAccess) {
                throw AccessDenied(reason: "Working conversations needs help-desk access, which \(user.email) does not have.")
            }
        case .configurePipelines, .configureProperties, .configureObjectTypes, .manageUsers, .configureChannels, .configureSnippets:
            if !roles.contains(.accountAccess) {
                throw AccessDenied(reason: "Changing account settings needs super admin or account access, which \(user.email) does not have.")
            }
        case .configureAutomation:
            // W6: account access covers automation too.
            if !roles.contains(.workflowPermission), !roles.contains(.accountAccess) {
                throw AccessDenied(reason: "Configuring automation needs super admin, account access or the workflow permission, which \(user.email) does not have.")
            }
        case .readOwners:
            return
        case .setNotificationDefaults:
            throw AccessDenied(reason: "Setting everyone's notification defaults needs super admin, which \(user.email) does not have.")
        }
    }

    /// R8: whether the user may see a ticket with this owner and team.
    public static func canSee(ticketOwnedBy ownerID: String?, team teamID: String?, user: User) -> Bool {
        if user.roles.contains(.superAdmin) { return true }
        guard user.roles.contains(.helpDeskAccess) else { return false }
        switch user.ticketScope {
        case .all: return true
        case .own: return ownerID == user.id
        case .team: return ownerID == user.id || teamID.map(user.teamIDs.contains) == true
        }
    }
}

/// A refused action, with the reason to show the user.
public struct AccessDenied: Error, Sendable, Equatable {
    public var reason: String

    public init(reason: String) {
        self.reason = reason
    }
}
