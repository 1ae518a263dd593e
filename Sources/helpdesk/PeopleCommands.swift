import ArgumentParser
import Foundation
import HelpDeskCore
import HelpDeskEngine

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token", abstract: "Manage API tokens.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a new API token for a user, creating the user if needed.")

        @OptionGroup var storage: StorageOptions

        @Option(help: "The user's email address.")
        var email: String

        @Flag(help: "Make the user a super admin.")
        var superAdmin = false

        @Option(help: "Roles for a new user: super-admin, account-access, workflow, help-desk (comma-separated).")
        var roles: String = "help-desk"

        @Option(help: "A label to recognise the token by.")
        var label: String = "cli"

        func run() async throws {
            CommandLogging.bootstrap
            var granted = try Roles.parsing(roles)
            if superAdmin { granted.insert(.superAdmin) }
            let token = try await storage.withHelpDesk { desk in
            let people = desk.people
            var user: User
            if let existing = try await people.user(email: email) {
                user = existing
                if superAdmin, !user.roles.contains(.superAdmin) {
                    user.roles.insert(.superAdmin)
                    user = try await people.updateUser(user)
                }
            } else {
                user = try await people.createUser(UserDraft(email: email, roles: granted, serviceSeat: true))
            }
            return try await people.issueToken(for: user, label: label)
            }
            print(token)
        }
    }
}

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage users.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user and print its id.")

        @OptionGroup var storage: StorageOptions

        @Option(help: "Email address, used to sign in.")
        var email: String

        @Option(help: "First name.")
        var firstName: String = ""

        @Option(help: "Last name.")
        var lastName: String = ""

        @Option(help: "Roles: super-admin, account-access, workflow, help-desk (comma-separated).")
        var roles: String = "help-desk"

        @Flag(help: "Give the user a service seat, so that routing can assign tickets to them.")
        var serviceSeat = false

        @Option(help: "Tickets the user sees: all, team or own.")
        var ticketScope: String = "all"

        @Option(help: "IANA time zone, such as Europe/Paris.")
        var timeZone: String = "UTC"

        @Option(help: "Password for signing in to the workspace (at least 8 characters).")
        var password: String?

        func run() async throws {
            CommandLogging.bootstrap
            let parsedRoles = try Roles.parsing(roles)
            guard let scope = TicketScope(rawValue: ticketScope) else {
                throw ValidationError("--ticket-scope must be all, team or own.")
            }
            let user = try await storage.withHelpDesk { desk in
                try await desk.people.createUser(UserDraft(
                    email: email, firstName: firstName, lastName: lastName, roles: parsedRoles, serviceSeat: serviceSeat,
                    ticketScope: scope, timeZone: timeZone, password: password))
            }
            print(user.id)
        }
    }
}

struct TeamCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "team", abstract: "Manage teams.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a team and print its id.")

        @OptionGroup var storage: StorageOptions

        @Option(help: "Team name.")
        var name: String

        @Option(help: "Members' email addresses (comma-separated).")
        var members: String = ""

        func run() async throws {
            CommandLogging.bootstrap
            let emails = members.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            let team = try await storage.withHelpDesk { desk in
                try await desk.people.createTeam(name: name, memberEmails: emails)
            }
            print(team.id)
        }
    }
}

extension Roles {
    /// Reads `--roles`, or says which names are allowed.
    static func parsing(_ list: String) throws -> Roles {
        guard let roles = Roles(names: list) else {
            throw ValidationError("Unknown role in \"\(list)\"; use " + Roles.names.map(\.0).joined(separator: ", ") + ".")
        }
        return roles
    }
}
