import AsyncHTTPClient
import Foundation
import HelpDeskCore
import HelpDeskStore
import NIOCore

/// A workflow's webhook (W2), as a job of its own (`workflow.webhook`): the record is POSTed as
/// JSON, signed like custom channels' posts (`X-HelpDesk-Signature: sha256=<HMAC-SHA256 of
/// "<timestamp>.<body>">`), with an `Idempotency-Key` that is the same on every try. A refusal
/// (4xx but 408 and 429) fails at once; anything else is tried again after growing pauses. What
/// came of it is added to the run's steps.
enum WorkflowWebhook {
    static let kind = "workflow.webhook"
    static let timeout: TimeAmount = .seconds(15)

    struct Payload: Codable {
        var run: String
        var action: String
        var workflow: String
        var url: String
        var body: String
    }

    static func schedule(run: WorkflowRun, actionID: String, url: String, record: Record, workflow: Workflow, at now: Timestamp,
                         session: StoreSession) async throws {
        let body = try JSONSerialization.data(withJSONObject: [
            "workflowId": workflow.id, "runId": run.id, "actionId": actionID, "objectTypeId": record.objectType,
            "objectId": record.id, "properties": record.properties, "occurredAt": now.isoString,
        ] as [String: Any], options: [.sortedKeys])
        let payload = Payload(run: run.id, action: actionID, workflow: workflow.id, url: url, body: String(decoding: body, as: UTF8.self))
        try await session.enqueue(NewJob(kind: kind, payload: String(decoding: try JSONEncoder().encode(payload), as: UTF8.self),
                                         runAt: now, dedupeKey: "workflow-webhook:\(run.id):\(actionID)"), now: now)
    }

    /// Redirects are not followed: a webhook goes to the address its workflow names, nowhere else.
    static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    static func job(_ desk: HelpDesk, client: HTTPClient = WorkflowWebhook.client) -> JobKind {
        JobKind(name: kind, work: .outside(perform: { job in
            try await post(job, desk: desk, client: client)
        }, record: { job, outcome, session in
            // A payload that cannot be read failed for good in `post`, with nothing to add to a run.
            guard let payload = try? JSONDecoder().decode(Payload.self, from: Data(job.payload.utf8)) else { return }
            let step: WorkflowRun.Step
            switch outcome {
            case .done(let at):
                step = .init(actionID: payload.action, kind: .webhook, outcome: .done, detail: "Posted to \(payload.url).", at: at)
            case .retrying(let error, let attempts):
                step = .init(actionID: payload.action, kind: .webhook, outcome: .failed,
                             detail: "Try \(attempts) failed, tried again later: \(error)", at: desk.clock())
            case .failed(let error, let attempts):
                step = .init(actionID: payload.action, kind: .webhook, outcome: .failed,
                             detail: "Failed for good after \(attempts) tries: \(error)", at: desk.clock())
            }
            try await session.insertRunStep(runID: payload.run, step)
        }))
    }

    static func post(_ job: Job, desk: HelpDesk, client: HTTPClient) async throws {
        let payload: Payload
        do {
            payload = try JSONDecoder().decode(Payload.self, from: Data(job.payload.utf8))
        } catch {
            throw JobFailure(permanent: true, message: "The webhook's job cannot be read: \(error)")
        }
        // The secret is read when sending, so it never waits in the job queue.
        let secret = try await desk.database.read { try await $0.workflow(id: payload.workflow)?.action(payload.action)?["secret"] }
        guard let secret else {
            throw JobFailure(permanent: true, message: "The webhook's action was deleted from its workflow; nothing was sent.")
        }
        let now = desk.clock()
        let body = Array(payload.body.utf8)
        var request = HTTPClientRequest(url: payload.url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "User-Agent", value: "helpdesk")
        request.headers.add(name: "Idempotency-Key", value: "helpdesk-workflow-run-\(payload.run)-\(payload.action)")
        request.headers.add(name: "X-HelpDesk-Timestamp", value: String(now.millisecondsSince1970))
        request.headers.add(name: "X-HelpDesk-Signature", value: "sha256=" + ChannelPost.signature(body, timestamp: now, secret: secret))
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, timeout: timeout)
        } catch {
            throw JobFailure(permanent: false, message: "\(payload.url) could not be reached: \(error)")
        }
        // What the service answers is not kept: every reader of the run would see it.
        _ = try await response.body.collect(upTo: 64 * 1024)
        let code = Int(response.status.code)
        guard !(200..<300).contains(code) else { return }
        throw JobFailure(permanent: (400..<500).contains(code) && code != 408 && code != 429, message: "\(payload.url) answered \(code)")
    }
}
