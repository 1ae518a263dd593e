import HelpDeskCore
import HelpDeskStore

/// Links between records of different types (P1, R7): tickets with contacts, companies, deals.
public struct AssociationService: Sendable {
    let desk: HelpDesk

    /// Links two records with the default association type, or the given type ids (with the
    /// categories given with them, which must be theirs); nothing is written if one is wrong.
    public func associate(_ fromType: String, _ fromID: String, with toType: String, _ toID: String,
                          typeIDs: [Int] = [], categories: [String?] = [], by caller: Caller) async throws -> AssociationType {
        let (from, to, fromNumber, toNumber) = try await resolve(fromType, fromID, toType, toID, caller: caller)
        let association = AssociationType.defaultType(from: from.type.id, to: to.type.id)
        if let unknown = typeIDs.first(where: { $0 != association.id }) {
            throw HelpDeskError.badRequest("Association type \(unknown) does not link \(from.type.name) to \(to.type.name); use \(association.id).")
        }
        if let problem = categories.lazy.compactMap(association.problem(withCategory:)).first {
            throw HelpDeskError.badRequest(problem)
        }
        let now = desk.clock()
        let source = caller.source, actor = caller.user.id, user = caller.user
        try await desk.database.write { session in
            // R8: a record the caller may not see does not exist for them.
            guard let origin = try await session.records(type: from.type, ids: [fromNumber]).first,
                  RecordService.visible(origin, to: user, type: from.type) else {
                throw HelpDeskError.notFound("\(from.type.singularLabel) \(fromID) does not exist.")
            }
            guard let target = try await session.records(type: to.type, ids: [toNumber]).first,
                  RecordService.visible(target, to: user, type: to.type) else {
                throw HelpDeskError.notFound("\(to.type.singularLabel) \(toID) does not exist.")
            }
            try await session.associate(fromType: from.type.id, fromID: fromNumber, toType: to.type.id, toID: toNumber,
                                        type: association, now: now)
            try session.append([
                FeedEvent(recordID: fromID, objectType: from.type.id, kind: .associated, property: to.type.id,
                          newValue: toID, actor: actor, source: source, occurredAt: now),
                FeedEvent(recordID: toID, objectType: to.type.id, kind: .associated, property: from.type.id,
                          newValue: fromID, actor: actor, source: source, occurredAt: now),
            ])
        }
        return association
    }

    public func dissociate(_ fromType: String, _ fromID: String, from toType: String, _ toID: String,
                           by caller: Caller) async throws {
        let (from, to, fromNumber, toNumber) = try await resolve(fromType, fromID, toType, toID, caller: caller)
        let now = desk.clock()
        let source = caller.source, actor = caller.user.id, user = caller.user
        try await desk.database.write { session in
            // R8, as for linking: a link to a record the caller may not see is not theirs to remove.
            for (schema, number, given) in [(from, fromNumber, fromID), (to, toNumber, toID)] {
                guard let record = try await session.records(type: schema.type, ids: [number]).first,
                      RecordService.visible(record, to: user, type: schema.type) else {
                    throw HelpDeskError.notFound("\(schema.type.singularLabel) \(given) does not exist.")
                }
            }
            try await session.dissociate(fromType: from.type.id, fromID: fromNumber, toType: to.type.id, toID: toNumber)
            try session.append([
                FeedEvent(recordID: fromID, objectType: from.type.id, kind: .dissociated, property: to.type.id,
                          oldValue: toID, actor: actor, source: source, occurredAt: now),
            ])
        }
    }

    /// The records of `toType` linked to one record, a page at a time.
    public func list(_ fromType: String, _ fromID: String, toType: String, after: String?, limit: Int,
                     by caller: Caller) async throws -> (associations: [Association], next: String?) {
        let from = try await desk.catalog.schema(for: fromType)
        let to = try await desk.catalog.schema(for: toType)
        try caller.check(.readRecords(from.type))
        try caller.check(.readRecords(to.type))
        guard let fromNumber = Int64(fromID) else { throw HelpDeskError.notFound("\(from.type.singularLabel) \(fromID) does not exist.") }
        guard (1...500).contains(limit) else { throw HelpDeskError.badRequest("limit must be between 1 and 500; \(limit) given.") }
        let afterID = Int64(after ?? "") ?? 0
        let visibility = caller.visibility(for: to.type)
        let views = try await desk.records.read(type: fromType, ids: [fromID], options: ReadOptions(properties: []), by: caller)
        guard !views.isEmpty else { throw HelpDeskError.notFound("\(from.type.singularLabel) \(fromID) does not exist.") }
        let found = try await desk.database.read { session in
            try await session.associations(fromType: from.type.id, fromIDs: [fromNumber], toType: to.type.id,
                                           afterID: afterID, limit: limit + 1, visibility: visibility)[fromNumber] ?? []
        }
        let page = Array(found.prefix(limit))
        return (page, found.count > limit ? page.last?.toObjectID : nil)
    }

    func resolve(_ fromType: String, _ fromID: String, _ toType: String, _ toID: String, caller: Caller) async throws
        -> (RecordSchema, RecordSchema, Int64, Int64) {
        let from = try await desk.catalog.schema(for: fromType)
        let to = try await desk.catalog.schema(for: toType)
        try caller.check(.writeRecords(from.type))
        try caller.check(.writeRecords(to.type))
        guard let fromNumber = Int64(fromID) else { throw HelpDeskError.notFound("\(from.type.singularLabel) \(fromID) does not exist.") }
        guard let toNumber = Int64(toID) else { throw HelpDeskError.notFound("\(to.type.singularLabel) \(toID) does not exist.") }
        return (from, to, fromNumber, toNumber)
    }
}
