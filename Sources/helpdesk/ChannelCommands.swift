import ArgumentParser
import HelpDeskCore
import HelpDeskEngine

struct ChannelCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "channel", abstract: "Connect and list channels.", subcommands: [Create.self, List.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Connect a channel and print its id. Takes effect at once, also in a running server.")

        @OptionGroup var storage: StorageOptions

        @Argument(help: "The kind of channel: email.")
        var kind: String

        @Option(help: "The team address customers write to, e.g. support@example.com.")
        var address: String

        @Option(help: "A name for the channel (default: the address).")
        var name: String?

        @Option(help: "The ticket pipeline its tickets go to (default: the first ticket pipeline).")
        var pipeline: String?

        @Flag(help: "Let its conversations wait in the inbox instead of creating a ticket each.")
        var noTickets = false

        func run() async throws {
            CommandLogging.bootstrap
            guard let kind = Channel.Kind(rawValue: kind.uppercased()), kind == .email else {
                throw ValidationError("The command line connects email channels: helpdesk channel create email --address ADDRESS.")
            }
            let channel = try await storage.withHelpDesk { desk in
                try await desk.channels.create(
                    ChannelDraft(kind: kind, address: address, name: name, pipelineID: pipeline, createsTickets: !noTickets),
                    by: .system(source: "CLI"))
            }
            print(channel.id)
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List the connected channels.")

        @OptionGroup var storage: StorageOptions

        func run() async throws {
            CommandLogging.bootstrap
            let channels = try await storage.withHelpDesk { desk in try await desk.channels.list(by: .system(source: "CLI")) }
            for channel in channels {
                print("\(channel.id)\t\(channel.kind.rawValue)\t\(channel.address)\tpipeline \(channel.pipelineID)\t"
                      + (channel.createsTickets ? "creates tickets" : "inbox only"))
            }
        }
    }
}
