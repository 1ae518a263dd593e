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
        for stage in ["1", "2"] {
            _ = try await desk.workflows.create(Workflow(id: "", objectType: ObjectType.tickets.id, pipelineID: "0", trigger: .stageEntered(stage),
                                                         name: "Bench \(stage) \(UUID().uuidString.prefix(6))", actions: actions), by: caller)
        }
        let services = [Task { try await Automation(desk: desk).run() }, Task { try await JobRunner(desk: desk, relay: nil).run() }]
        try await Task.sleep(for: .milliseconds(300))

        let on = try await create(tickets, on: desk, by: caller, subject: "On")
        print(String(format: "tickets created with automation on (each enrolling a three-action workflow): %.0f/s",
                     Double(tickets) / FeedLoad.seconds(on.duration)))

        // Moves into stage 2, 8 at a time; each enrolls its workflow.
        let moved = NIOLockedValueBox<[String: Int64]>([:])
        let started = Date()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for client in 0..<8 {
                group.addTask {
                    for index in stride(from: client, to: off.ids.count, by: 8) {
                        let id = off.ids[index]
                        _ = try await desk.records.update(type: "tickets", [(id, ["hs_pipeline_stage": "2"])], by: caller)
                        let now = Timestamp.now().millisecondsSince1970
                        moved.withLockedValue { $0[id] = now }
                    }
                }
            }
            try await group.waitForAll()
        }
        let movedIn = Date().timeIntervalSince(started)
        let wanted = Set(off.ids)
        var finished: [String: Int64] = [:]
        let deadline = Date().addingTimeInterval(300)
        while finished.count < wanted.count, Date() < deadline {
            try await Task.sleep(for: .milliseconds(200))
            for run in try await desk.workflows.runs(recordID: nil, limit: 200, by: caller) where wanted.contains(run.recordID) {
                if run.status == .finished, let end = run.endedAt { finished[run.recordID] = end.millisecondsSince1970 }
            }
            // Older runs fall off the newest-200 page: read every run of the moved tickets now and then.
            if finished.count < wanted.count, Date().timeIntervalSince(started) > 5 {
                for id in wanted.subtracting(finished.keys).prefix(200) {
                    if let run = try await desk.workflows.runs(recordID: id, limit: 5, by: caller).first(where: { $0.status == .finished }),
                       let end = run.endedAt, run.steps.count == 3 {
                        finished[id] = end.millisecondsSince1970
                    }
                }
            }
        }
        for service in services { service.cancel() }
        for service in services { _ = await service.result }
        let commits = moved.withLockedValue { $0 }
        let lags = finished.compactMap { id, end in commits[id].map { max(0, end - $0) } }.sorted()
        let last = finished.values.max() ?? 0, first = commits.values.min() ?? 0
        print(String(format: "stage changes: %d moved at %.0f/s; %d runs done (3 actions each) at %.0f/s; lag from the move to the last action: p50 %d ms, p99 %d ms",
                     off.ids.count, Double(off.ids.count) / movedIn, finished.count,
                     Double(finished.count) / max(0.001, Double(last - first) / 1000), percentile(lags, 0.5), percentile(lags, 0.99)))
        await desk.close()
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
