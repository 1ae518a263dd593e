import HelpDeskCore
import HelpDeskStore
import Logging
import NIOConcurrencyHelpers

/// The running help desk: the database and the services that apply the domain rules to it.
/// The HTTP server and the command line both work through this and nothing below it.
public final class HelpDesk: Sendable {
    package let database: Database
    public let logger: Logger
    let catalog: Catalog
    let routingRoster = RoutingRoster()
    let tokenCache = TokenCache()
    let searchCounts: SearchCounts
    let channelDirectory: ChannelDirectory
    let creationQueue: CreationQueue
    let chatBell = ChatBell()
    let clock: @Sendable () -> Timestamp
    private let followers = NIOLockedValueBox<[Task<Void, Never>]>([])
    let reportedJobKinds = NIOLockedValueBox(Telemetry.reportedKinds)

    init(database: Database, logger: Logger, clock: @escaping @Sendable () -> Timestamp) {
        self.database = database
        self.logger = logger
        self.catalog = Catalog(database: database)
        self.searchCounts = SearchCounts()
        self.channelDirectory = ChannelDirectory(database: database)
        self.creationQueue = CreationQueue(database: database)
        self.clock = clock
    }

    /// Opens (and if needed creates and migrates) the database, and sets up what a fresh install
    /// starts with: the default ticket, deal and project pipelines.
    public static func open(
        _ storage: Storage, logger: Logger,
        clock: @escaping @Sendable () -> Timestamp = Timestamp.now
    ) async throws -> HelpDesk {
        let database = try await Database.open(storage.location, logger: logger)
        let desk = HelpDesk(database: database, logger: logger, clock: clock)
        do {
            try await desk.installDefaults()
        } catch {
            await database.close()
            throw error
        }
        desk.startFollowers()
        return desk
    }

    public func close() async {
        let followers = followers.withLockedValue { followers in
            defer { followers = [] }
            return followers
        }
        for follower in followers {
            follower.cancel()
            await follower.value
        }
        await database.close()
    }

    /// What this server keeps in memory follows the feed: copies of the configuration are
    /// forgotten when another server changes it, and chat sockets hear of their messages.
    private func startFollowers() {
        let configuration = FeedFollower(database: database, kinds: [.configurationChanged], logger: logger) { [weak self] events in
            for event in events {
                if let area = event.area { self?.forget(area, through: event.position) }
            }
        }
        let bell = chatBell
        let chats = FeedFollower(database: database, kinds: [.messageReceived, .messageSent], logger: logger,
                                 isNeeded: { bell.isListened }) { [weak self] events in
            guard let self else { return }
            let ids = Array(Set(events.compactMap(\.conversationID)))
            for address in try await database.read({ try await $0.customerAddresses(conversationIDs: ids) }) {
                chatBell.ring(address)
            }
        }
        followers.withLockedValue { followers in
            followers = [Task { await configuration.run() }, Task { await chats.run() }]
        }
    }

    public var records: RecordService { RecordService(desk: self) }
    public var pipelines: PipelineService { PipelineService(desk: self) }
    public var people: PeopleService { PeopleService(desk: self) }
    public var accounts: Accounts { Accounts(desk: self) }
    public var live: LiveUpdates { LiveUpdates(desk: self) }
    public var schemas: SchemaService { SchemaService(desk: self) }
    public var associations: AssociationService { AssociationService(desk: self) }
    public var channels: ChannelService { ChannelService(desk: self) }
    public var routing: RoutingService { RoutingService(desk: self) }
    public var conversations: ConversationService { ConversationService(desk: self) }
    public var drafts: DraftService { DraftService(desk: self) }
    public var userSettings: UserSettings { UserSettings(desk: self) }
    public var presence: PresenceService { PresenceService(desk: self) }
    public var snippets: SnippetService { SnippetService(desk: self) }
    public var savedViews: SavedViewService { SavedViewService(desk: self) }
    public var replyTemplates: ReplyTemplateService { ReplyTemplateService(desk: self) }
    public var newTicketForm: NewTicketFormService { NewTicketFormService(desk: self) }
    public var inboundMail: InboundMail { InboundMail(desk: self) }
    public var notifications: NotificationService { NotificationService(desk: self) }
    public var workflows: WorkflowService { WorkflowService(desk: self) }
    public var forms: FormService { FormService(desk: self) }
    public var channelMessages: ChannelMessages { ChannelMessages(desk: self) }
    public var calls: CallService { CallService(desk: self) }
    public var liveChat: LiveChat { LiveChat(desk: self) }
    public var telemetry: Telemetry { Telemetry(desk: self) }

    /// Resolves an object type named as in the API (`tickets`, `0-5`, `p_machines`).
    public func objectType(_ reference: String) async throws -> ObjectType {
        try await catalog.schema(for: reference).type
    }

    /// Every live object type, built-in first.
    public func objectTypes() async throws -> [ObjectType] {
        try await catalog.objectTypes()
    }

    /// A type's properties and pipelines, as the rules check writes against them.
    public func recordSchema(_ reference: String) async throws -> RecordSchema {
        try await catalog.schema(for: reference)
    }

    /// Writes a change to the configuration: `body`'s rows, the feed's entry naming `area` and the
    /// item (`item` of the result), and, once it commits, this server's copies of that area
    /// forgotten. Other servers forget theirs as the feed reaches them (see `startFollowers`).
    func configure<R: Sendable>(_ area: FeedEvent.Area, objectType: String = "", by caller: Caller,
                                item: @escaping @Sendable (R) -> String,
                                _ body: @escaping @Sendable (StoreSession) async throws -> R) async throws -> R {
        let now = clock()
        let result = try await database.write { session in
            let result = try await body(session)
            try session.append([.configuration(area, id: item(result), objectType: objectType, actor: caller.user.id,
                                               source: caller.source, at: now)])
            return result
        }
        forget(area, through: database.feedBell.head)
        return result
    }

    /// Drops what this server keeps in memory of one area of the configuration, changed at `position`.
    func forget(_ area: FeedEvent.Area, through position: Int64) {
        switch area {
        case .pipelines, .properties, .schemas:
            catalog.invalidate(through: position)
        case .channels, .forms:
            channelDirectory.forget()
        case .users, .teams, .tokens:
            tokenCache.clear()
            routingRoster.forget()
        case .routing:
            routingRoster.forget()
        case .snippets, .views, .ticketForm, .templates, .workflows:
            // Read from the database each time a page needs them: nothing kept.
            break
        }
    }

    func installDefaults() async throws {
        let now = clock()
        try await database.write { session in
            for pipeline in DefaultPipelines.all(at: now)
            where try await session.pipelines(objectType: pipeline.objectType, includeArchived: true).isEmpty {
                try await session.savePipeline(pipeline)
            }
            try await session.syncOpenTicketStages()
        }
    }
}
