import Foundation
import HelpDeskCore
import HelpDeskStore

/// Reading and configuring the pipelines and stages of an object type (P2, P3, P4).
public struct PipelineService: Sendable {
    let desk: HelpDesk

    public func list(type reference: String, by caller: Caller) async throws -> [Pipeline] {
        let schema = try await pipelineSchema(reference)
        try caller.check(.readRecords(schema.type))
        return schema.pipelines
    }

    public func get(type reference: String, id: String, by caller: Caller) async throws -> Pipeline {
        let schema = try await pipelineSchema(reference)
        try caller.check(.readRecords(schema.type))
        return try Self.find(id, in: schema)
    }

    public func create(type reference: String, _ draft: PipelineDraft, by caller: Caller) async throws -> Pipeline {
        let schema = try await pipelineSchema(reference)
        try caller.check(.configurePipelines(schema.type))
        let now = desk.clock()
        let pipeline = try await desk.configure(.pipelines, objectType: schema.type.id, by: caller, item: \.id) { session in
            let id = String(try await session.nextValue(of: "pipeline", startingAfter: 1000))
            var stageIDs: [String] = []
            for _ in draft.stages {
                stageIDs.append(String(try await session.nextValue(of: "stage", startingAfter: 1000)))
            }
            let pipeline = try Self.build(draft, id: id, schema: schema, previous: nil, now: now, stageIDs: stageIDs)
            try await session.savePipeline(pipeline)
            return pipeline
        }
        return pipeline
    }

    /// Replaces a pipeline whole: label, order and stages. Stages given with an id keep it.
    public func replace(type reference: String, id: String, _ draft: PipelineDraft, by caller: Caller) async throws -> Pipeline {
        let schema = try await pipelineSchema(reference)
        try caller.check(.configurePipelines(schema.type))
        let previous = try Self.find(id, in: schema)
        let now = desk.clock()
        let pipeline = try await desk.configure(.pipelines, objectType: schema.type.id, by: caller, item: \.id) { session in
            var stageIDs: [String] = []
            for _ in draft.stages {
                stageIDs.append(String(try await session.nextValue(of: "stage", startingAfter: 1000)))
            }
            var pipeline = try Self.build(draft, id: id, schema: schema, previous: previous, now: now, stageIDs: stageIDs)
            let kept = Set(pipeline.stages.map(\.id))
            for stage in previous.stages where !kept.contains(stage.id) {
                if try await session.countRecords(type: schema.type, property: schema.type.stageProperty!, value: stage.id) > 0 {
                    throw HelpDeskError.conflict("Stage \"\(stage.label)\" still holds records; move them before removing it.")
                }
            }
            pipeline.stages += previous.stages.filter { !kept.contains($0.id) }.map { stage in
                var archived = stage
                archived.archived = true
                return archived
            }
            try await session.savePipeline(pipeline)
            return pipeline
        }
        return pipeline
    }

    /// Changes a pipeline's label, order, close-date switch, or brings it back from the archive.
    public func update(type reference: String, id: String, label: String?, displayOrder: Int?, archived: Bool?,
                       setsCloseDate: Bool?, by caller: Caller) async throws -> Pipeline {
        let schema = try await pipelineSchema(reference)
        try caller.check(.configurePipelines(schema.type))
        let now = desk.clock()
        let pipeline = try await desk.configure(.pipelines, objectType: schema.type.id, by: caller, item: \.id) { session in
            guard var pipeline = try await session.pipelines(objectType: schema.type.id, includeArchived: true).first(where: { $0.id == id }) else {
                throw HelpDeskError.notFound("Pipeline \"\(id)\" does not exist for \(schema.type.name).")
            }
            if let label {
                let trimmed = String(label.trimmingCharacters(in: .whitespaces))
                guard !trimmed.isEmpty else { throw HelpDeskError.badRequest("A pipeline label cannot be empty.") }
                if schema.pipelines.contains(where: { $0.id != id && $0.label.lowercased() == trimmed.lowercased() }) {
                    throw HelpDeskError.conflict("A pipeline labelled \"\(trimmed)\" already exists for \(schema.type.name).")
                }
                pipeline.label = trimmed
            }
            if let displayOrder { pipeline.displayOrder = displayOrder }
            if let setsCloseDate { pipeline.setsCloseDate = setsCloseDate }
            if archived == true, !pipeline.archived {
                try await Self.checkCanArchive(pipeline, schema: schema, session: session)
                pipeline.archived = true
            } else if archived == false {
                pipeline.archived = false
            }
            pipeline.updatedAt = now
            try await session.savePipeline(pipeline)
            return pipeline
        }
        return pipeline
    }

    public func archive(type reference: String, id: String, by caller: Caller) async throws {
        _ = try await update(type: reference, id: id, label: nil, displayOrder: nil, archived: true, setsCloseDate: nil, by: caller)
    }

    /// Adds a stage to a pipeline.
    public func createStage(type reference: String, pipelineID: String, _ draft: PipelineDraft.StageDraft,
                            by caller: Caller) async throws -> Stage {
        try await changeStages(type: reference, pipelineID: pipelineID, by: caller) { pipeline, schema, session in
            let id = String(try await session.nextValue(of: "stage", startingAfter: 1000))
            var stages = pipeline.stages.filter { !$0.archived }.map(Self.draft(of:))
            stages.append(PipelineDraft.StageDraft(id: id, label: draft.label, displayOrder: draft.displayOrder, metadata: draft.metadata))
            return (stages, id)
        }
    }

    /// Changes one stage: label, order, metadata (given keys replace old ones).
    public func updateStage(type reference: String, pipelineID: String, stageID: String, label: String?,
                            displayOrder: Int?, metadata: [String: String]?, replace: Bool, by caller: Caller) async throws -> Stage {
        try await changeStages(type: reference, pipelineID: pipelineID, by: caller) { pipeline, _, _ in
            guard pipeline.stage(stageID) != nil else {
                throw HelpDeskError.notFound("Stage \"\(stageID)\" does not exist in pipeline \"\(pipeline.label)\".")
            }
            let stages = pipeline.stages.filter { !$0.archived }.map { stage in
                guard stage.id == stageID else { return Self.draft(of: stage) }
                var draft = Self.draft(of: stage)
                if let label { draft.label = label }
                if let displayOrder { draft.displayOrder = displayOrder }
                if let metadata { draft.metadata = replace ? metadata : draft.metadata.merging(metadata) { $1 } }
                return draft
            }
            return (stages, stageID)
        }
    }

    /// Removes a stage that holds no records.
    public func archiveStage(type reference: String, pipelineID: String, stageID: String, by caller: Caller) async throws {
        let schema = try await pipelineSchema(reference)
        try caller.check(.configurePipelines(schema.type))
        let pipeline = try Self.find(pipelineID, in: schema)
        guard pipeline.stage(stageID) != nil else {
            throw HelpDeskError.notFound("Stage \"\(stageID)\" does not exist in pipeline \"\(pipeline.label)\".")
        }
        let remaining = pipeline.activeStages.filter { $0.id != stageID }.map(Self.draft(of:))
        _ = try await replace(type: reference, id: pipelineID,
                              PipelineDraft(label: pipeline.label, displayOrder: pipeline.displayOrder, stages: remaining),
                              by: caller)
    }

    func changeStages(
        type reference: String, pipelineID: String, by caller: Caller,
        _ change: @escaping @Sendable (Pipeline, RecordSchema, StoreSession) async throws -> ([PipelineDraft.StageDraft], String)
    ) async throws -> Stage {
        let schema = try await pipelineSchema(reference)
        try caller.check(.configurePipelines(schema.type))
        let previous = try Self.find(pipelineID, in: schema)
        let now = desk.clock()
        let stage = try await desk.configure(.pipelines, objectType: schema.type.id, by: caller, item: { _ in previous.id }) { session in
            let (stages, stageID) = try await change(previous, schema, session)
            let draft = PipelineDraft(label: previous.label, displayOrder: previous.displayOrder, stages: stages)
            var pipeline = try Self.build(draft, id: previous.id, schema: schema, previous: previous, now: now, stageIDs: [])
            pipeline.stages += previous.stages.filter { $0.archived }
            try await session.savePipeline(pipeline)
            return pipeline.stage(stageID)!
        }
        return stage
    }

    /// A stage as a draft, with its required properties back in its metadata, as the API shows it.
    public static func draft(of stage: Stage) -> PipelineDraft.StageDraft {
        var metadata = stage.metadata
        if !stage.requiredProperties.isEmpty {
            metadata[PipelineDraft.requiredPropertiesKey] = stage.requiredProperties.joined(separator: ";")
        }
        return PipelineDraft.StageDraft(id: stage.id, label: stage.label, displayOrder: stage.displayOrder, metadata: metadata)
    }

    static func build(_ draft: PipelineDraft, id: String, schema: RecordSchema, previous: Pipeline?, now: Timestamp,
                      stageIDs: [String]) throws -> Pipeline {
        var unused = stageIDs.makeIterator()
        do {
            return try PipelineDraft.build(draft, id: id, schema: schema, previous: previous, now: now) {
                unused.next() ?? "\(id)-\(now.millisecondsSince1970)"
            }
        } catch {
            throw HelpDeskError.badRequest(error.message)
        }
    }

    static func checkCanArchive(_ pipeline: Pipeline, schema: RecordSchema, session: StoreSession) async throws {
        if !schema.pipelines.contains(where: { $0.id != pipeline.id && !$0.archived }) {
            throw HelpDeskError.conflict("Pipeline \"\(pipeline.label)\" is the last one of \(schema.type.name) and cannot be archived.")
        }
        let count = try await session.countRecords(type: schema.type, property: schema.type.pipelineProperty!, value: pipeline.id)
        if count > 0 {
            throw HelpDeskError.conflict("Pipeline \"\(pipeline.label)\" still holds \(count) records; move them before archiving it.")
        }
    }

    static func find(_ id: String, in schema: RecordSchema) throws -> Pipeline {
        guard let pipeline = schema.pipeline(id) else {
            throw HelpDeskError.notFound("Pipeline \"\(id)\" does not exist for \(schema.type.name).")
        }
        return pipeline
    }

    func pipelineSchema(_ reference: String) async throws -> RecordSchema {
        let schema = try await desk.catalog.schema(for: reference)
        guard schema.type.hasPipelines else {
            throw HelpDeskError.badRequest("\(schema.type.pluralLabel) have no pipelines.")
        }
        return schema
    }
}
