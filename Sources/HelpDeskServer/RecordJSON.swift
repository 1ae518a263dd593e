import HelpDeskCore
import HelpDeskEngine

/// A record in the CRM v3 shape (`SimplePublicObject`).
struct RecordJSON: Encodable {
    struct HistoryEntry: Encodable {
        var value: String
        var timestamp: String
        var sourceType: String
        var sourceId: String?
        var updatedByUserId: Int?
    }

    struct AssociatedID: Encodable {
        var id: String
        var type: String
    }

    struct Associations: Encodable {
        var results: [AssociatedID]
    }

    var id: String
    var properties: [String: String?]
    var propertiesWithHistory: [String: [HistoryEntry]]?
    var associations: [String: Associations]?
    var createdAt: String
    var updatedAt: String
    var archived: Bool
    var archivedAt: String?

    init(_ view: RecordView, typeName: String) {
        id = view.record.id
        properties = Dictionary(view.properties, uniquingKeysWith: { first, _ in first })
        propertiesWithHistory = view.history.isEmpty ? nil : Dictionary(view.history.map { name, events in
            (name, events.map { event in
                HistoryEntry(value: event.newValue ?? "", timestamp: event.occurredAt.isoString, sourceType: event.source,
                             sourceId: event.actor == "system" ? nil : "userId:\(event.actor)",
                             updatedByUserId: Int(event.actor))
            })
        }, uniquingKeysWith: { first, _ in first })
        associations = view.associations.isEmpty ? nil : Dictionary(view.associations.map { name, links in
            (name, Associations(results: links.flatMap { link in
                link.types.map { AssociatedID(id: link.toObjectID, type: Self.label(from: typeName, to: name, $0)) }
            }))
        }, uniquingKeysWith: { first, _ in first })
        createdAt = view.record.createdAt.isoString
        updatedAt = view.record.updatedAt.isoString
        archived = view.record.archived
        archivedAt = view.record.archivedAt?.isoString
    }

    /// A record just written, with the properties it was given.
    init(_ record: Record, schemaDefaults: [String]) {
        id = record.id
        var values: [String: String?] = [:]
        for name in schemaDefaults { values[name] = record.properties[name] }
        for (name, value) in record.properties { values[name] = value }
        values["hs_object_id"] = record.id
        properties = values
        createdAt = record.createdAt.isoString
        updatedAt = record.updatedAt.isoString
        archived = record.archived
        archivedAt = record.archivedAt?.isoString
    }

    /// `ticket_to_contact`, as v3 reads name association types.
    static func label(from: String, to: String, _ type: AssociationType) -> String {
        func singular(_ name: String) -> String {
            name == "companies" ? "company" : name.hasSuffix("s") ? String(name.dropLast()) : name
        }
        return "\(singular(from))_to_\(singular(to))"
    }
}

/// A page of records (`CollectionResponse...ForwardPaging`), with `total` for searches.
struct RecordPageJSON: Encodable {
    struct Paging: Encodable {
        struct Next: Encodable {
            var after: String
            var link: String?
        }
        var next: Next
    }

    var total: Int?
    var results: [RecordJSON]
    var paging: Paging?

    init(total: Int? = nil, results: [RecordJSON], next: String?) {
        self.total = total
        self.results = results
        self.paging = next.map { Paging(next: .init(after: $0)) }
    }
}

/// The answer to a batch request (`BatchResponseSimplePublicObject`).
struct BatchJSON<Result: Encodable>: Encodable {
    struct BatchError: Encodable {
        var status = "error"
        var category: String
        var message: String
        var context: [String: [String]]
    }

    var status = "COMPLETE"
    var results: [Result]
    var errors: [BatchError]?
    var numErrors: Int?
    var startedAt: String
    var completedAt: String
}
