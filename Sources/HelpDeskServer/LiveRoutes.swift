import HelpDeskEngine
import Hummingbird
import ServiceLifecycle

/// `GET /events`: the workspace's live updates as server-sent events. Each message's id is its
/// feed position, so a browser that reconnects (sending `Last-Event-ID`) gets what it missed; a
/// page starts from the position it was rendered at (`?after=`). A comment every 25 seconds keeps
/// proxies from closing a quiet stream, and each message and comment first checks that the
/// session still stands: a stream ends with its session (sign-out, deactivation) and when the
/// server shuts down.
struct LiveRoutes {
    let desk: HelpDesk
    static let keepAlive: Duration = .seconds(25)

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.get("events") { request, context in
            guard let caller = context.caller, let token = request.cookies[WorkspaceSession.cookie]?.value else {
                return WorkspacePage.message(status: .unauthorized, title: "Signed out", message: "Sign in to follow the help desk live.",
                                             link: ("/sign-in", "Sign in"))
            }
            let resumeAt = request.headers[.init("Last-Event-ID")!].flatMap { Int64($0) }
                ?? request.uri.queryParameters.get("after").flatMap { Int64($0) }
            let signals = desk.live.follow(after: resumeAt, by: caller)
            let desk = self.desk
            var headers = HTTPFields()
            headers[.contentType] = "text/event-stream"
            headers[.cacheControl] = "no-store"
            headers[.init("X-Accel-Buffering")!] = "no"
            return Response(status: .ok, headers: headers, body: ResponseBody { writer in
                // Updates only say what to refresh: a reader that falls behind needs the latest, not all.
                let (lines, feed) = AsyncStream<String>.makeStream(bufferingPolicy: .bufferingNewest(16))
                let pump = Task {
                    for await signal in signals { feed.yield(Self.message(signal)) }
                    feed.finish()
                }
                let beat = Task {
                    while !Task.isCancelled {
                        try await Task.sleep(for: Self.keepAlive)
                        feed.yield(": still here\n\n")
                    }
                }
                defer {
                    pump.cancel()
                    beat.cancel()
                }
                try await withGracefulShutdownHandler {
                    try await writer.write(ByteBuffer(string: "retry: 2000\n\n"))
                    for await line in lines {
                        guard try await desk.accounts.session(token: token)?.user.id == caller.user.id else { break }
                        try await writer.write(ByteBuffer(string: line))
                    }
                } onGracefulShutdown: {
                    feed.finish()
                }
                try await writer.finish(nil)
            })
        }
    }

    static func message(_ signal: LiveUpdates.Signal) -> String {
        switch signal {
        case .updates(let updates):
            let tickets = Set(updates.compactMap(\.ticketID)).sorted().map { "\"\($0)\"" }.joined(separator: ",")
            let kinds = Set(updates.map(\.kind)).sorted().map { "\"\($0)\"" }.joined(separator: ",")
            return "id: \(updates.last?.position ?? 0)\nevent: change\ndata: {\"tickets\":[\(tickets)],\"kinds\":[\(kinds)]}\n\n"
        case .reload(let position):
            return "id: \(position)\nevent: reload\ndata: {}\n\n"
        }
    }
}
