import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// `/crm/v3/pipelines/{objectType}`: pipelines and their stages.
struct PipelineRoutes {
    let desk: HelpDesk

    struct StageJSON: Encodable {
        var id: String
        var label: String
        var displayOrder: Int
        var metadata: [String: String]
        var createdAt: String
        var updatedAt: String
        var archived: Bool
        var writePermissions = "CRM_PERMISSIONS_ENFORCEMENT"

        init(_ stage: Stage) {
            id = stage.id
            label = stage.label
            displayOrder = stage.displayOrder
            metadata = PipelineService.draft(of: stage).metadata
            createdAt = stage.createdAt.isoString
            updatedAt = stage.updatedAt.isoString
            archived = stage.archived
        }
    }

    struct PipelineJSON: Encodable {
        var id: String
        var label: String
        var displayOrder: Int
        var stages: [StageJSON]
        var createdAt: String
        var updatedAt: String
        var archived: Bool
        /// P4's switch; an addition to the CRM v3 shape that its clients ignore.
        var setsCloseDate: Bool

        init(_ pipeline: Pipeline) {
            id = pipeline.id
            label = pipeline.label
            displayOrder = pipeline.displayOrder
            stages = pipeline.activeStages.map(StageJSON.init)
            createdAt = pipeline.createdAt.isoString
            updatedAt = pipeline.updatedAt.isoString
            archived = pipeline.archived
            setsCloseDate = pipeline.setsCloseDate
        }
    }

    struct StageBody: Decodable {
        var id: String?
        var label: String?
        var displayOrder: Int?
        var metadata: [String: PropertyValue]?

        func draft() throws -> PipelineDraft.StageDraft {
            guard let label else { throw APIError.badRequest("Every stage needs a \"label\".") }
            return PipelineDraft.StageDraft(id: id, label: label, displayOrder: displayOrder ?? 0,
                                            metadata: PropertyValue.strings(metadata))
        }
    }

    struct PipelineBody: Decodable {
        var label: String?
        var displayOrder: Int?
        var stages: [StageBody]?
        var archived: Bool?
        var setsCloseDate: Bool?

        func draft() throws -> PipelineDraft {
            guard let label else { throw APIError.badRequest("A pipeline needs a \"label\".") }
            guard let stages else { throw APIError.badRequest("A pipeline needs \"stages\".") }
            return PipelineDraft(label: label, displayOrder: displayOrder ?? 0,
                                 stages: try stages.enumerated().map { index, stage in
                                     var draft = try stage.draft()
                                     if stage.displayOrder == nil { draft.displayOrder = index }
                                     return draft
                                 }, setsCloseDate: setsCloseDate)
        }
    }

    struct ListJSON<Item: Encodable>: Encodable {
        var results: [Item]
    }

    struct PipelineChannelBody: Decodable {
        var createsTickets: Bool
    }

    /// Channels create tickets only: the path must name the tickets type.
    func ticketType(_ context: HelpDeskRequestContext) async throws -> String {
        let reference = try type(context)
        guard try await desk.objectType(reference).isTicket else {
            throw APIError.badRequest("Channels create tickets; use /crm/v3/pipelines/tickets/{pipelineId}/channels.")
        }
        return reference
    }

    func register(_ pipelines: RouteBook.Section) {
        pipelines.add(.get, ":objectType", "getAllPipelines", "List a type's pipelines", response: "PipelineList") { _, context in
            let list = try await desk.pipelines.list(type: try type(context), by: try context.requireCaller())
            return try JSONBody.response(ListJSON(results: list.map(PipelineJSON.init)))
        }
        pipelines.add(.post, ":objectType", "createPipeline", "Create a pipeline", request: "PipelineInput", response: "Pipeline",
                      status: 201) { request, context in
            let body = try await JSONBody.decode(PipelineBody.self, from: request)
            let pipeline = try await desk.pipelines.create(type: try type(context), try body.draft(), by: try context.requireCaller())
            return try JSONBody.response(PipelineJSON(pipeline), status: .created)
        }
        pipelines.add(.get, ":objectType/:pipelineId", "getPipeline", "Read a pipeline", response: "Pipeline") { _, context in
            let pipeline = try await desk.pipelines.get(type: try type(context), id: try pipelineID(context), by: try context.requireCaller())
            return try JSONBody.response(PipelineJSON(pipeline))
        }
        pipelines.add(.put, ":objectType/:pipelineId", "replacePipeline", "Replace a pipeline and its stages", request: "PipelineInput",
                      response: "Pipeline", errors: [400, 404, 409, 413]) { request, context in
            let body = try await JSONBody.decode(PipelineBody.self, from: request)
            let pipeline = try await desk.pipelines.replace(type: try type(context), id: try pipelineID(context), try body.draft(),
                                                            by: try context.requireCaller())
            return try JSONBody.response(PipelineJSON(pipeline))
        }
        pipelines.add(.patch, ":objectType/:pipelineId", "updatePipeline", "Rename, reorder, switch close dates or restore a pipeline",
                      request: "PipelinePatchInput", response: "Pipeline", errors: [400, 404, 409, 413]) { request, context in
            let body = try await JSONBody.decode(PipelineBody.self, from: request)
            let pipeline = try await desk.pipelines.update(type: try type(context), id: try pipelineID(context), label: body.label,
                                                           displayOrder: body.displayOrder, archived: body.archived,
                                                           setsCloseDate: body.setsCloseDate, by: try context.requireCaller())
            return try JSONBody.response(PipelineJSON(pipeline))
        }
        pipelines.add(.delete, ":objectType/:pipelineId", "archivePipeline", "Archive a pipeline that holds no records",
                      status: 204, errors: [404, 409]) { _, context in
            try await desk.pipelines.archive(type: try type(context), id: try pipelineID(context), by: try context.requireCaller())
            return JSONBody.noContent()
        }
        pipelines.add(.get, ":objectType/:pipelineId/channels", "getPipelineChannels",
                      "C1: the channels whose new conversations create tickets in this ticket pipeline",
                      response: "ChannelAccountList", errors: [400, 404]) { _, context in
            let caller = try context.requireCaller()
            let pipeline = try await desk.pipelines.get(type: try ticketType(context), id: try pipelineID(context), by: caller)
            let channels = try await desk.channels.list(by: caller).filter { $0.pipelineID == pipeline.id }
            return try JSONBody.response(ListJSON(results: channels.map(ConversationRoutes.ChannelAccountJSON.init)))
        }
        pipelines.add(.patch, ":objectType/:pipelineId/channels/:channelAccountId", "updatePipelineChannel",
                      "C1: switch a channel's ticket creation into this pipeline on or off", request: "PipelineChannelInput",
                      response: "ChannelAccount") { request, context in
            let caller = try context.requireCaller()
            let pipeline = try await desk.pipelines.get(type: try ticketType(context), id: try pipelineID(context), by: caller)
            let body = try await JSONBody.decode(PipelineChannelBody.self, from: request)
            let id: String = try context.parameters.require("channelAccountId")
            guard try await desk.channels.get(id: id, by: caller).pipelineID == pipeline.id else {
                throw APIError.notFound("Channel \(id) does not create tickets in pipeline \(pipeline.id).")
            }
            let channel = try await desk.channels.update(id: id, createsTickets: body.createsTickets, by: caller)
            return try JSONBody.response(ConversationRoutes.ChannelAccountJSON(channel))
        }
        pipelines.add(.get, ":objectType/:pipelineId/stages", "getAllStages", "List a pipeline's stages",
                      response: "PipelineStageList") { _, context in
            let pipeline = try await desk.pipelines.get(type: try type(context), id: try pipelineID(context), by: try context.requireCaller())
            return try JSONBody.response(ListJSON(results: pipeline.activeStages.map(StageJSON.init)))
        }
        pipelines.add(.post, ":objectType/:pipelineId/stages", "createStage", "Add a stage", request: "PipelineStageInput",
                      response: "PipelineStage", status: 201) { request, context in
            let body = try await JSONBody.decode(StageBody.self, from: request)
            let stage = try await desk.pipelines.createStage(type: try type(context), pipelineID: try pipelineID(context),
                                                             try body.draft(), by: try context.requireCaller())
            return try JSONBody.response(StageJSON(stage), status: .created)
        }
        pipelines.add(.get, ":objectType/:pipelineId/stages/:stageId", "getStage", "Read a stage",
                      response: "PipelineStage") { _, context in
            let pipeline = try await desk.pipelines.get(type: try type(context), id: try pipelineID(context), by: try context.requireCaller())
            let stageID: String = try context.parameters.require("stageId")
            guard let stage = pipeline.stage(stageID) else {
                throw APIError.notFound("Stage \"\(stageID)\" does not exist in pipeline \"\(pipeline.label)\".")
            }
            return try JSONBody.response(StageJSON(stage))
        }
        for (method, replace) in [(HTTPRequest.Method.patch, false), (.put, true)] {
            pipelines.add(method, ":objectType/:pipelineId/stages/:stageId", replace ? "replaceStage" : "updateStage",
                          replace ? "Replace a stage" : "Change a stage's label, order or metadata",
                          request: "PipelineStageInput", response: "PipelineStage") { request, context in
                let body = try await JSONBody.decode(StageBody.self, from: request)
                if replace, body.label == nil { throw APIError.badRequest("Replacing a stage needs its \"label\".") }
                let stage = try await desk.pipelines.updateStage(
                    type: try type(context), pipelineID: try pipelineID(context), stageID: try context.parameters.require("stageId"),
                    label: body.label, displayOrder: body.displayOrder, metadata: body.metadata.map(PropertyValue.strings),
                    replace: replace, by: try context.requireCaller())
                return try JSONBody.response(StageJSON(stage))
            }
        }
        pipelines.add(.delete, ":objectType/:pipelineId/stages/:stageId", "archiveStage", "Remove a stage that holds no records",
                      status: 204, errors: [404, 409]) { _, context in
            try await desk.pipelines.archiveStage(type: try type(context), pipelineID: try pipelineID(context),
                                                  stageID: try context.parameters.require("stageId"), by: try context.requireCaller())
            return JSONBody.noContent()
        }
    }

    func type(_ context: HelpDeskRequestContext) throws -> String {
        try context.parameters.require("objectType")
    }

    func pipelineID(_ context: HelpDeskRequestContext) throws -> String {
        try context.parameters.require("pipelineId")
    }
}
