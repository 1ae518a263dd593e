/// Everything the rules need to know about one object type to check a write: its definition, its
/// properties and its pipelines.
public struct RecordSchema: Sendable {
    public var type: ObjectType
    public var properties: [String: PropertyDefinition]
    public var pipelines: [Pipeline]

    public init(type: ObjectType, properties: [PropertyDefinition], pipelines: [Pipeline]) {
        self.type = type
        self.properties = Dictionary(properties.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        self.pipelines = pipelines
    }

    public func pipeline(_ id: String) -> Pipeline? {
        pipelines.first { $0.id == id && !$0.archived }
    }

    /// The pipeline a record goes to when none is named: the first in display order.
    public var defaultPipeline: Pipeline? {
        pipelines.filter { !$0.archived }.min { ($0.displayOrder, $0.id) < ($1.displayOrder, $1.id) }
    }

    /// Whether records of this type sit in pipelines: built-in types with pipelines always do;
    /// custom types once an admin has made a pipeline for them.
    public var usesPipelines: Bool {
        type.hasPipelines && (!type.isCustom || pipelines.contains { !$0.archived })
    }

    /// Whether a ticket with these properties is open or closed; a status without a state counts as open.
    public func ticketState(of properties: [String: String]) -> TicketState {
        guard let pipeline = properties["hs_pipeline"].flatMap(pipeline),
              let stage = properties["hs_pipeline_stage"].flatMap(pipeline.stage) else { return .open }
        return stage.ticketState ?? .open
    }

    public var createdProperty: String { type.isCustom ? "hs_createdate" : "createdate" }

    /// Whether a property is the creation or last-modification time, which the help desk sets.
    public func isTimestamp(_ name: String) -> Bool {
        name == createdProperty || name == type.lastModifiedProperty
    }
}
