/// A pipeline as an admin describes it when creating or replacing one. `build` checks it and
/// turns it into a `Pipeline`.
public struct PipelineDraft: Sendable, Equatable {
    /// One stage of the draft. Without an id, a new stage gets `newID`.
    public struct StageDraft: Sendable, Equatable {
        public var id: String?
        public var label: String
        public var displayOrder: Int
        public var metadata: [String: String]

        public init(id: String? = nil, label: String, displayOrder: Int, metadata: [String: String] = [:]) {
            self.id = id
            self.label = label
            self.displayOrder = displayOrder
            self.metadata = metadata
        }
    }

    public var label: String
    public var displayOrder: Int
    public var stages: [StageDraft]
    public var setsCloseDate: Bool?

    public init(label: String, displayOrder: Int, stages: [StageDraft], setsCloseDate: Bool? = nil) {
        self.label = label
        self.displayOrder = displayOrder
        self.stages = stages
        self.setsCloseDate = setsCloseDate
    }

    /// Metadata key under which a stage lists its required properties (P3), separated by `;`.
    public static let requiredPropertiesKey = "requiredProperties"

    /// Checks the draft and builds the pipeline. `previous` is the pipeline being replaced, whose
    /// stage timestamps are kept; `newID` hands out ids for new stages.
    public static func build(
        _ draft: PipelineDraft, id: String, schema: RecordSchema, previous: Pipeline?, now: Timestamp,
        newID: () -> String
    ) throws(PipelineError) -> Pipeline {
        var problems: [String] = []
        let label = draft.label.trimmingSpaces
        if label.isEmpty { problems.append("A pipeline needs a label.") }
        if schema.pipelines.contains(where: { $0.id != id && !$0.archived && $0.label.lowercased() == label.lowercased() }) {
            problems.append("A pipeline labelled \"\(label)\" already exists for \(schema.type.name).")
        }
        if draft.stages.isEmpty { problems.append("A pipeline needs at least one stage.") }
        var stages: [Stage] = []
        var labels = Set<String>()
        for stage in draft.stages {
            let stageLabel = String(stage.label.trimmingSpaces)
            if stageLabel.isEmpty { problems.append("Every stage needs a label.") }
            if !labels.insert(stageLabel.lowercased()).inserted {
                problems.append("Two stages are labelled \"\(stageLabel)\"; stage labels must differ.")
            }
            problems += stageProblems(stage.metadata, label: stageLabel, schema: schema)
            let old = stage.id.flatMap { stageID in previous?.stages.first { $0.id == stageID } }
            stages.append(Stage(
                id: stage.id ?? newID(), label: stageLabel, displayOrder: stage.displayOrder,
                metadata: stage.metadata.filter { $0.key != requiredPropertiesKey },
                requiredProperties: requiredProperties(in: stage.metadata),
                createdAt: old?.createdAt ?? now, updatedAt: now))
        }
        if schema.type.isTicket, !stages.isEmpty, !stages.contains(where: { $0.ticketState == .open }) {
            problems.append("A ticket pipeline needs at least one OPEN status.")
        }
        guard problems.isEmpty else { throw PipelineError(problems: problems) }
        return Pipeline(
            id: id, objectType: schema.type.id, label: String(label), displayOrder: draft.displayOrder, stages: stages,
            setsCloseDate: draft.setsCloseDate ?? previous?.setsCloseDate ?? true,
            createdAt: previous?.createdAt ?? now, updatedAt: now)
    }

    /// Problems with one stage's metadata: ticket statuses must say OPEN or CLOSED, and required
    /// properties must exist.
    public static func stageProblems(_ metadata: [String: String], label: String, schema: RecordSchema) -> [String] {
        var problems: [String] = []
        if schema.type.isTicket {
            let state = metadata["ticketState"]?.uppercased()
            if state != "OPEN" && state != "CLOSED" {
                problems.append("Status \"\(label)\" needs metadata ticketState OPEN or CLOSED.")
            }
        }
        if let probability = metadata["probability"], Double(probability).map({ (0...1).contains($0) }) != true {
            problems.append("Stage \"\(label)\": probability must be a number between 0 and 1.")
        }
        for name in requiredProperties(in: metadata) where schema.properties[name] == nil {
            problems.append("Stage \"\(label)\" requires property \"\(name)\", which does not exist on \(schema.type.name).")
        }
        return problems
    }

    public static func requiredProperties(in metadata: [String: String]) -> [String] {
        (metadata[requiredPropertiesKey] ?? "").split(separator: ";").map { String($0.trimmingCharacters()) }.filter { !$0.isEmpty }
    }
}

/// Why a pipeline or stage change was refused.
public struct PipelineError: Error, Sendable, Equatable {
    public var problems: [String]
    public var message: String { problems.joined(separator: " ") }
}
