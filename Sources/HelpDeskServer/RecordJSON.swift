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

extension RecordJSON {
    /// The same text `Encodable` would give, written directly: records are most of what the API
    /// sends.
    func write(to writer: inout JSONWriter) {
        writer.raw("{")
        writer.key("id", first: true)
        writer.string(id)
        writer.key("properties")
        writer.object(properties)
        if let propertiesWithHistory {
            writer.key("propertiesWithHistory")
            writer.raw("{")
            for (index, name) in propertiesWithHistory.keys.sorted().enumerated() {
                writer.key(name, first: index == 0)
                writer.raw("[")
                for (position, entry) in propertiesWithHistory[name]!.enumerated() {
                    if position > 0 { writer.raw(",") }
                    writer.raw("{")
                    writer.key("value", first: true)
                    writer.string(entry.value)
                    writer.key("timestamp")
                    writer.string(entry.timestamp)
                    writer.key("sourceType")
                    writer.string(entry.sourceType)
                    if let sourceId = entry.sourceId {
                        writer.key("sourceId")
                        writer.string(sourceId)
                    }
                    if let user = entry.updatedByUserId {
                        writer.key("updatedByUserId")
                        writer.number(user)
                    }
                    writer.raw("}")
                }
                writer.raw("]")
            }
            writer.raw("}")
        }
        if let associations {
            writer.key("associations")
            writer.raw("{")
            for (index, name) in associations.keys.sorted().enumerated() {
                writer.key(name, first: index == 0)
                writer.raw("{\"results\":[")
                for (position, link) in associations[name]!.results.enumerated() {
                    if position > 0 { writer.raw(",") }
                    writer.raw("{")
                    writer.key("id", first: true)
                    writer.string(link.id)
                    writer.key("type")
                    writer.string(link.type)
                    writer.raw("}")
                }
                writer.raw("]}")
            }
            writer.raw("}")
        }
        writer.key("createdAt")
        writer.string(createdAt)
        writer.key("updatedAt")
        writer.string(updatedAt)
        writer.key("archived")
        writer.bool(archived)
        if let archivedAt {
            writer.key("archivedAt")
            writer.string(archivedAt)
        }
        writer.raw("}")
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

    func write(to writer: inout JSONWriter) {
        writer.raw("{")
        if let total {
            writer.key("total", first: true)
            writer.number(total)
            writer.key("results")
        } else {
            writer.key("results", first: true)
        }
        writer.raw("[")
        for (index, record) in results.enumerated() {
            if index > 0 { writer.raw(",") }
            record.write(to: &writer)
        }
        writer.raw("]")
        if let paging {
            writer.key("paging")
            writer.raw("{\"next\":{")
            writer.key("after", first: true)
            writer.string(paging.next.after)
            writer.raw("}}")
        }
        writer.raw("}")
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
