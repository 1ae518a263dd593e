/// The outcome of checking a create or update against the rules: the record's complete new
/// property values and the list of changes to log. Computed before anything is stored, so a
/// refused write changes nothing (P3).
public struct RecordWrite: Sendable, Equatable {
    public var properties: [String: String]
    public var changes: [PropertyChange]
    /// The stage the record enters with this write, if it changes stage.
    public var enteredStage: String?

    /// Checks a new record's values. `input` maps property names to values as the client sent them.
    public static func create(
        _ input: [String: String], schema: RecordSchema, now: Timestamp
    ) throws(RecordInputError) -> RecordWrite {
        var problems: [RecordInputError.Problem] = []
        var properties = normalized(input, schema: schema, problems: &problems)
        for name in schema.type.requiredProperties where (properties[name] ?? "").isEmpty {
            let label = schema.properties[name]?.label ?? name
            problems.append(.init(code: .requiredProperty, property: name,
                                  message: "\(schema.type.singularLabel) needs \"\(name)\" (\(label))."))
        }
        var entered: String?
        if let pipelineProperty = schema.type.pipelineProperty, let stageProperty = schema.type.stageProperty,
           schema.usesPipelines {
            entered = placeInPipeline(&properties, previous: [:], pipelineProperty: pipelineProperty,
                                      stageProperty: stageProperty, schema: schema, now: now, problems: &problems)
        }
        guard problems.isEmpty else { throw RecordInputError(problems) }
        properties = properties.filter { !$0.value.isEmpty }
        let stamp = now.isoString
        properties[schema.createdProperty] = stamp
        properties[schema.type.lastModifiedProperty] = stamp
        // The creation event carries the time; the timestamps need no change entries of their own.
        let changes = properties.keys.sorted().filter { !schema.isTimestamp($0) }
            .map { PropertyChange(name: $0, oldValue: nil, newValue: properties[$0]) }
        return RecordWrite(properties: properties, changes: changes, enteredStage: entered)
    }

    /// Checks changes to an existing record whose stored values are `current`. Properties not
    /// named in `input` keep their values; an empty string clears one.
    public static func update(
        _ current: [String: String], with input: [String: String], schema: RecordSchema, now: Timestamp
    ) throws(RecordInputError) -> RecordWrite {
        var problems: [RecordInputError.Problem] = []
        var properties = current
        for (name, value) in normalized(input, schema: schema, problems: &problems) {
            properties[name] = value
        }
        var entered: String?
        if let pipelineProperty = schema.type.pipelineProperty, let stageProperty = schema.type.stageProperty,
           schema.usesPipelines, input[pipelineProperty] != nil || input[stageProperty] != nil {
            entered = placeInPipeline(&properties, previous: current, pipelineProperty: pipelineProperty,
                                      stageProperty: stageProperty, schema: schema, now: now, problems: &problems)
        }
        for name in schema.type.requiredProperties where input[name] != nil && (properties[name] ?? "").isEmpty {
            problems.append(.init(code: .requiredProperty, property: name,
                                  message: "\"\(name)\" cannot be cleared: every \(schema.type.singularLabel.lowercased()) needs one."))
        }
        guard problems.isEmpty else { throw RecordInputError(problems) }
        properties = properties.filter { !$0.value.isEmpty }
        var changes: [PropertyChange] = []
        for name in Set(properties.keys).union(current.keys).sorted() where properties[name] != current[name] {
            changes.append(PropertyChange(name: name, oldValue: current[name], newValue: properties[name]))
        }
        if !changes.isEmpty {
            let modified = schema.type.lastModifiedProperty
            properties[modified] = now.isoString
        }
        return RecordWrite(properties: properties, changes: changes, enteredStage: entered)
    }

    static func normalized(
        _ input: [String: String], schema: RecordSchema, problems: inout [RecordInputError.Problem]
    ) -> [String: String] {
        var result: [String: String] = [:]
        for name in input.keys.sorted() {
            let raw = input[name]!
            guard let definition = schema.properties[name] else {
                problems.append(.init(code: .propertyDoesNotExist, property: name,
                                      message: "Property \"\(name)\" does not exist on \(schema.type.name)."))
                continue
            }
            if definition.readOnlyValue {
                problems.append(.init(code: .readOnlyValue, property: name,
                                      message: "Property \"\(name)\" is set by the help desk and cannot be written."))
                continue
            }
            // Pipeline, stage, owner and team are checked against live data, not a fixed option list.
            if definition.builtIn, definition.type == .enumeration, definition.options.isEmpty {
                result[name] = raw
                continue
            }
            do {
                result[name] = try definition.normalize(raw)
            } catch {
                problems.append(.init(code: .invalidValue, property: name, message: error.message))
            }
        }
        return result
    }

    /// Settles pipeline and stage, applies P3 and P4, and returns the stage entered, if any.
    static func placeInPipeline(
        _ properties: inout [String: String], previous: [String: String], pipelineProperty: String,
        stageProperty: String, schema: RecordSchema, now: Timestamp, problems: inout [RecordInputError.Problem]
    ) -> String? {
        let isTicket = schema.type.isTicket
        let pipelineID: String
        if let given = properties[pipelineProperty], !given.isEmpty {
            pipelineID = given
        } else if !isTicket, let fallback = schema.defaultPipeline {
            pipelineID = fallback.id
            properties[pipelineProperty] = pipelineID
        } else {
            problems.append(.init(code: .requiredProperty, property: pipelineProperty,
                                  message: "\(schema.type.singularLabel) needs a pipeline (\"\(pipelineProperty)\")."))
            return nil
        }
        guard let pipeline = schema.pipeline(pipelineID) else {
            let known = schema.pipelines.filter { !$0.archived }.map(\.id).joined(separator: ", ")
            problems.append(.init(code: .unknownPipeline, property: pipelineProperty,
                                  message: "Pipeline \"\(pipelineID)\" does not exist for \(schema.type.name); known pipelines: \(known)."))
            return nil
        }
        let stageID: String
        if let given = properties[stageProperty], !given.isEmpty {
            stageID = given
        } else if !isTicket, let first = pipeline.activeStages.first {
            stageID = first.id
            properties[stageProperty] = stageID
        } else {
            let noun = isTicket ? "status" : "stage"
            problems.append(.init(code: .requiredProperty, property: stageProperty,
                                  message: "\(schema.type.singularLabel) needs a \(noun) of pipeline \"\(pipeline.label)\" (\"\(stageProperty)\")."))
            return nil
        }
        guard let stage = pipeline.stage(stageID) else {
            let known = pipeline.activeStages.map { "\($0.id) (\($0.label))" }.joined(separator: ", ")
            problems.append(.init(code: .unknownStage, property: stageProperty,
                                  message: "Stage \"\(stageID)\" is not in pipeline \"\(pipeline.label)\"; its stages are: \(known)."))
            return nil
        }
        guard previous[stageProperty] != stageID || previous[pipelineProperty] != pipelineID else { return nil }
        for name in stage.requiredProperties where (properties[name] ?? "").isEmpty {
            let label = schema.properties[name]?.label ?? name
            problems.append(.init(code: .stageRequiresProperty, property: name,
                                  message: "Stage \"\(stage.label)\" requires \"\(name)\" (\(label)) to have a value."))
        }
        let wasClosed = previous[stageProperty].flatMap { pipeline.stage($0) }?.isClosed ?? false
        if isTicket, stage.ticketState == .closed, !wasClosed, pipeline.setsCloseDate,
           properties["closed_date"] == previous["closed_date"] {
            properties["closed_date"] = now.isoString
        }
        return stageID
    }
}
