import Foundation
import HelpDeskCore
import HelpDeskEngine
import Logging
import NIOConcurrencyHelpers

/// Workflows under load, in this process, as a server runs them (the `Automation` consumer and
/// the `JobRunner`): tickets moved into a stage whose workflow has three actions (an internal
/// notification, a property set, a task created), the lag from each move's commit to its run's
/// last action, and how fast tickets are created with automation off and on.
enum AutomationLoad {
    static func measure(_ location: Storage, tickets: Int) async throws {
        var logger = Logger(label: "helpdesk-bench")
        logger.logLevel = .error
        let desk = try await HelpDesk.open(location, logger: logger)
        let admin = try await desk.people.createUser(UserDraft(email: "automation-bench-\(UUID().uuidString)@example.com", roles: [.superAdmin]))
        let caller = Caller(user: admin, source: "BENCH")
        if try await desk.channels.list(by: caller).isEmpty {
            _ = try await desk.channels.create(ChannelDraft(kind: .email, address: "support@bench.example"), by: caller)
        }

        let off = try await create(tickets, on: desk, by: caller, subject: "Off")
        print(String(format: "tickets created with automation off: %.0f/s", Double(tickets) / FeedLoad.seconds(off.duration)))

        let actions = [
            WorkflowAction(id: "n", kind: .notify, fields: ["users": admin.id, "subject": "Waiting: {{ticket.subject}}", "body": "On it."]),
            WorkflowAction(id: "p", kind: .setProperty, fields: ["property": "hs_resolution", "value": "Asked the customer"]),
            WorkflowAction(id: "t", kind: .createTask, fields: ["title": "Chase {{ticket.subject}}", "dueInDays": "2"]),
        ]
        func workflow(on stage: String) async throws {
            _ = try await desk.workflows.create(Workflow(id: "", objectType: ObjectType.tickets.id, pipelineID: "0", trigger: .stageEntered(stage),
                                                         name: "Bench \(stage) \(UUID().uuidString.prefix(6))", actions: actions), by: caller)
        }
        try await workflow(on: "2")
        let services = [Task { try await Automation(desk: desk).run() }, Task { try await JobRunner(desk: desk, relay: nil).run() }]
        try await Task.sleep(for: .milliseconds(300))

        let on = try await create(tickets, on: desk, by: caller, subject: "On")
        print(String(format: "tickets created with automation on, entering a stage without workflow: %.0f/s",
                     Double(tickets) / FeedLoad.seconds(on.duration)))

        // All at once: how fast runs are done with a backlog.
        let burst = try await move(off.ids, on: desk, by: caller, perSecond: nil)
        print(String(format: "stage changes all at once: %d moved at %.0f/s; %d runs done (3 actions each) at %.0f/s; lag from the move to the last action: p50 %d ms, p99 %d ms",
                     off.ids.count, Double(off.ids.count) / burst.moving, burst.lags.count, burst.runsPerSecond,
                     percentile(burst.lags, 0.5), percentile(burst.lags, 0.99)))
        // At half that pace: the lag of a run when the help desk keeps up.
        let pace = max(1, burst.runsPerSecond / 2)
        let paced = try await move(Array(on.ids.prefix(max(50, Int(pace * 10)))), on: desk, by: caller, perSecond: pace)
        print(String(format: "stage changes at %.0f/s: %d runs; lag from the move to the last action: p50 %d ms, p99 %d ms",
                     pace, paced.lags.count, percentile(paced.lags, 0.5), percentile(paced.lags, 0.99)))

        try await workflow(on: "1")
        let enrolled = try await create(tickets, on: desk, by: caller, subject: "Enrolled")
        print(String(format: "tickets created with automation on, each enrolling a three-action workflow: %.0f/s (runs go on after)",
                     Double(tickets) / FeedLoad.seconds(enrolled.duration)))
        for service in services { service.cancel() }
        for service in services { _ = await service.result }
        await desk.close()
    }

    /// Moves tickets into stage 2 (8 at a time, or one by one at a pace) and waits for their runs:
    /// how long moving took, each run's lag from its move's commit to its end, and runs done a second.
    static func move(_ ids: [String], on desk: HelpDesk, by caller: Caller, perSecond: Double?) async throws
        -> (moving: Double, lags: [Int64], runsPerSecond: Double) {
        let moved = NIOLockedValueBox<[String: Int64]>([:])
        let started = Date()
        func moveOne(_ id: String) async throws {
            _ = try await desk.records.update(type: "tickets", [(id, ["hs_pipeline_stage": "2"])], by: caller)
            let now = Timestamp.now().millisecondsSince1970
            moved.withLockedValue { $0[id] = now }
        }
        if let perSecond {
            for (index, id) in ids.enumerated() {
                let due = started.addingTimeInterval(Double(index) / perSecond)
                if due > Date() { try await Task.sleep(for: .milliseconds(Int(due.timeIntervalSinceNow * 1000))) }
                try await moveOne(id)
            }
        } else {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<8 {
                    group.addTask {
                        for index in stride(from: client, to: ids.count, by: 8) { try await moveOne(ids[index]) }
                    }
                }
                try await group.waitForAll()
            }
        }
        let moving = Date().timeIntervalSince(started)
        let wanted = Set(ids)
        var finished: [String: Int64] = [:]
        let deadline = Date().addingTimeInterval(300)
        while finished.count < wanted.count, Date() < deadline {
            try await Task.sleep(for: .milliseconds(200))
            for run in try await desk.workflows.runs(recordID: nil, limit: 200, by: caller) where wanted.contains(run.recordID) {
                if run.status == .finished, let end = run.endedAt { finished[run.recordID] = end.millisecondsSince1970 }
            }
            // Older runs fall off the newest-200 page: read the runs of the tickets still waiting now and then.
            if finished.count < wanted.count, Date().timeIntervalSince(started) > 5 {
                for id in wanted.subtracting(finished.keys).prefix(200) {
                    if let run = try await desk.workflows.runs(recordID: id, limit: 5, by: caller).first(where: { $0.status == .finished }),
                       let end = run.endedAt, run.steps.count == 3 {
                        finished[id] = end.millisecondsSince1970
                    }
                }
            }
        }
        let commits = moved.withLockedValue { $0 }
        let lags = finished.compactMap { id, end in commits[id].map { max(0, end - $0) } }.sorted()
        let last = finished.values.max() ?? 0, first = commits.values.min() ?? 0
        return (moving, lags, Double(finished.count) / max(0.001, Double(last - first) / 1000))
    }

    static func percentile(_ sorted: [Int64], _ fraction: Double) -> Int64 {
        sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * fraction))]
    }

    /// Creates tickets at the first status, 8 clients at once; returns their ids and the time taken.
    static func create(_ count: Int, on desk: HelpDesk, by caller: Caller, subject: String) async throws -> (ids: [String], duration: Duration) {
        let ids = NIOLockedValueBox<[String]>([])
        let started = ContinuousClock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<8 {
                group.addTask {
                    for number in stride(from: client, to: count, by: 8) {
                        let ticket = try await desk.records.create(type: "tickets", [RecordInput(properties: [
                            "subject": "\(subject) \(number)", "hs_pipeline": "0", "hs_pipeline_stage": "1",
                        ])], by: caller)[0]
                        ids.withLockedValue { $0.append(ticket.id) }
                    }
                }
            }
            try await group.waitForAll()
        }
        return (ids.withLockedValue { $0 }, started.duration(to: .now))
    }
}
