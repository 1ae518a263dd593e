import HelpDeskCore
import HelpDeskStore
import NIOConcurrencyHelpers

/// The account's configuration as the rules need it: object types, their properties and
/// pipelines. Kept in memory because every write consults it; a local change clears it at once,
/// and a change made by another server sharing the database is seen within `maxAge`.
final class Catalog: Sendable {
    private struct Snapshot {
        var types: [ObjectType]
        var schemas: [String: RecordSchema]
        var loadedAt: ContinuousClock.Instant
    }

    private let database: Database
    private let cached = NIOLockedValueBox<Snapshot?>(nil)
    private let maxAge: Duration = .seconds(2)

    init(database: Database) {
        self.database = database
    }

    func invalidate() {
        cached.withLockedValue { $0 = nil }
    }

    /// All live object types, built-in first.
    func objectTypes() async throws -> [ObjectType] {
        try await snapshot().types
    }

    /// Resolves a type named as in the API (`tickets`, `0-5`, `p_machines`, `2-3`).
    func schema(for reference: String) async throws -> RecordSchema {
        let snapshot = try await snapshot()
        guard let type = snapshot.types.first(where: { $0.isNamed(reference) }), let schema = snapshot.schemas[type.id] else {
            throw HelpDeskError.notFound("Object type \"\(reference)\" does not exist; known types: "
                + snapshot.types.map(\.name).joined(separator: ", ") + ".")
        }
        return schema
    }

    private func snapshot() async throws -> Snapshot {
        if let current = cached.withLockedValue({ $0 }), current.loadedAt.duration(to: .now) < maxAge {
            return current
        }
        let loaded = try await database.read { session in
            let custom = try await session.customObjectTypes()
            var schemas: [String: RecordSchema] = [:]
            for type in ObjectType.builtIn + custom {
                let properties = BuiltInProperties.definitions(for: type)
                    + (try await session.customProperties(objectType: type.id)).map(\.definition)
                let pipelines = type.hasPipelines ? try await session.pipelines(objectType: type.id) : []
                schemas[type.id] = RecordSchema(type: type, properties: properties, pipelines: pipelines)
            }
            return Snapshot(types: ObjectType.builtIn + custom, schemas: schemas, loadedAt: .now)
        }
        cached.withLockedValue { $0 = loaded }
        return loaded
    }
}
