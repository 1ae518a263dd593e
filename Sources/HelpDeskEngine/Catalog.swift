import HelpDeskCore
import HelpDeskStore
import NIOConcurrencyHelpers

/// The account's configuration as the rules need it: object types, their properties and
/// pipelines. Kept in memory because every write consults it. A change made here clears it at
/// once; one made by another server is seen through the feed (`FeedFollower`) a moment later,
/// and until then a name or id it does not know is looked up again in the database before a
/// request is refused, so a pipeline made on one server is usable on another by the very next
/// request.
final class Catalog: Sendable {
    private struct Snapshot {
        var types: [ObjectType]
        var schemas: [String: RecordSchema]
        /// The feed's head when it was read: anything since may be missing from it.
        var head: Int64
    }

    private struct State {
        var snapshot: Snapshot?
        /// The position of the latest configuration change known: a read from before it is not kept.
        var required: Int64 = 0
    }

    private let database: Database
    private let state = NIOLockedValueBox(State())

    init(database: Database) {
        self.database = database
    }

    /// Forgets the configuration read so far: it changed at `position` (by default, at the latest
    /// commit this server knows of, which includes its own).
    func invalidate(through position: Int64? = nil) {
        let position = position ?? database.feedBell.head
        state.withLockedValue { state in
            state.snapshot = nil
            state.required = max(state.required, position)
        }
    }

    /// All live object types, built-in first.
    func objectTypes() async throws -> [ObjectType] {
        try await snapshot().types
    }

    /// Resolves a type named as in the API (`tickets`, `0-5`, `p_machines`, `2-3`).
    func schema(for reference: String) async throws -> RecordSchema {
        let current = try await snapshot()
        if let schema = Self.schema(for: reference, in: current) { return schema }
        let fresh = try await reload(after: current)
        guard let schema = Self.schema(for: reference, in: fresh) else {
            throw HelpDeskError.notFound("Object type \"\(reference)\" does not exist; known types: "
                + fresh.types.map(\.name).joined(separator: ", ") + ".")
        }
        return schema
    }

    /// Runs `body` with a type's schema; if the body refuses its input for naming a property,
    /// pipeline or stage the schema does not have, and the configuration may have changed since
    /// the schema was read, it runs once more with the schema read again.
    func withSchema<R>(for reference: String, _ body: (RecordSchema) async throws -> R) async throws -> R {
        let current = try await snapshot()
        let schema = try await self.schema(for: reference)
        do {
            return try await body(schema)
        } catch HelpDeskError.invalidInput(let input)
                    where input.problems.contains(where: \.code.dependsOnConfiguration) && database.feedBell.head > current.head {
            _ = try await reload(after: current)
            return try await body(try await self.schema(for: reference))
        }
    }

    private static func schema(for reference: String, in snapshot: Snapshot) -> RecordSchema? {
        snapshot.types.first(where: { $0.isNamed(reference) }).flatMap { snapshot.schemas[$0.id] }
    }

    private func snapshot() async throws -> Snapshot {
        if let current = state.withLockedValue({ $0.snapshot }) {
            return current
        }
        return try await reload(after: nil)
    }

    /// Reads the configuration again, unless a read newer than `stale` is already in.
    private func reload(after stale: Snapshot?) async throws -> Snapshot {
        if let current = state.withLockedValue({ $0.snapshot }), let stale, current.head > stale.head {
            return current
        }
        let loaded = try await database.read { session in
            // The head first: every change up to it has committed, so the reads below see it.
            let head = try await session.feedHead()
            let custom = try await session.customObjectTypes()
            var schemas: [String: RecordSchema] = [:]
            for type in ObjectType.builtIn + custom {
                let properties = BuiltInProperties.definitions(for: type)
                    + (try await session.customProperties(objectType: type.id)).map(\.definition)
                let pipelines = type.hasPipelines ? try await session.pipelines(objectType: type.id) : []
                schemas[type.id] = RecordSchema(type: type, properties: properties, pipelines: pipelines)
            }
            return Snapshot(types: ObjectType.builtIn + custom, schemas: schemas, head: head)
        }
        state.withLockedValue { state in
            guard loaded.head >= state.required else { return }
            if let current = state.snapshot, current.head > loaded.head { return }
            state.snapshot = loaded
        }
        return loaded
    }
}

extension RecordInputError.Problem.Code {
    /// Whether the problem may come from a configuration this server has not read yet.
    var dependsOnConfiguration: Bool {
        switch self {
        case .propertyDoesNotExist, .unknownPipeline, .unknownStage, .stageRequiresProperty, .requiredProperty: true
        case .invalidValue, .readOnlyValue, .unknownOwner, .unknownTeam: false
        }
    }
}
