import ArgumentParser

@main
struct HelpDeskCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "helpdesk",
        abstract: "A self-hosted help desk: tickets, pipelines, channels, routing and automation.",
        subcommands: [Serve.self, Migrate.self, TokenCommand.self, UserCommand.self, TeamCommand.self, ChannelCommand.self])
}
