import HelpDeskCore
import HelpDeskStore
import Logging

/// The running help desk: the database and the services that apply the domain rules to it.
/// The HTTP server and the command line both work through this and nothing below it.
public final class HelpDesk: Sendable {
    public let database: Database
    public let logger: Logger
    let catalog: Catalog
    let tokenCache = TokenCache()
    let searchCounts: SearchCounts
    let channelDirectory: ChannelDirectory
    private let outbox = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    private let posts = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    let creationQueue: CreationQueue
    let chatBell = ChatBell()
    let clock: @Sendable () -> Timestamp

    init(database: Database, logger: Logger, clock: @escaping @Sendable () -> Timestamp) {
        self.database = database
        self.logger = logger
        self.catalog = Catalog(database: database)
        self.searchCounts = SearchCounts(database: database)
        self.channelDirectory = ChannelDirectory(database: database)
        self.creationQueue = CreationQueue(database: database)
        self.clock = clock
    }

    /// Opens (and if needed creates and migrates) the database, and sets up what a fresh install
    /// starts with: the default ticket and deal pipelines.
    public static func open(
        _ location: Database.Location, logger: Logger,
        clock: @escaping @Sendable () -> Timestamp = Timestamp.now
    ) async throws -> HelpDesk {
        let database = try await Database.open(location, logger: logger)
        let desk = HelpDesk(database: database, logger: logger, clock: clock)
        do {
            try await desk.installDefaults()
        } catch {
            await database.close()
            throw error
        }
        return desk
    }

    public func close() async {
        await database.close()
    }

    public var records: RecordService { RecordService(desk: self) }
    public var pipelines: PipelineService { PipelineService(desk: self) }
    public var people: PeopleService { PeopleService(desk: self) }
    public var schemas: SchemaService { SchemaService(desk: self) }
    public var associations: AssociationService { AssociationService(desk: self) }
    public var channels: ChannelService { ChannelService(desk: self) }
    public var conversations: ConversationService { ConversationService(desk: self) }
    public var inboundMail: InboundMail { InboundMail(desk: self) }
    public var notifications: NotificationService { NotificationService(desk: self) }
    public var forms: FormService { FormService(desk: self) }
    public var channelMessages: ChannelMessages { ChannelMessages(desk: self) }
    public var calls: CallService { CallService(desk: self) }
    public var liveChat: LiveChat { LiveChat(desk: self) }

    /// Resolves an object type named as in the API (`tickets`, `0-5`, `p_machines`).
    public func objectType(_ reference: String) async throws -> ObjectType {
        try await catalog.schema(for: reference).type
    }

    /// A type's properties and pipelines, as the rules check writes against them.
    public func recordSchema(_ reference: String) async throws -> RecordSchema {
        try await catalog.schema(for: reference)
    }

    /// Wakes the delivery workers: something was written to the outbox.
    func outboxChanged() {
        outbox.continuation.yield()
        posts.continuation.yield()
    }

    var outboxSignals: AsyncStream<Void> { outbox.stream }

    func finishOutboxSignals() {
        outbox.continuation.finish()
    }

    func postsChanged() {
        posts.continuation.yield()
    }

    var postSignals: AsyncStream<Void> { posts.stream }

    func finishPostSignals() {
        posts.continuation.finish()
    }

    /// Called after a change to pipelines, properties or types: they shape how searches are read.
    func configurationChanged() {
        catalog.invalidate()
        searchCounts.removeAll()
    }

    func installDefaults() async throws {
        let now = clock()
        try await database.write { session in
            for pipeline in DefaultPipelines.all(at: now)
            where try await session.pipelines(objectType: pipeline.objectType, includeArchived: true).isEmpty {
                try await session.savePipeline(pipeline)
            }
        }
    }
}
