import ServiceLifecycle

/// W1-W5 on every server: the durable consumer that starts workflows' runs as the feed grows
/// (`WorkflowEnrollment`). Their steps are jobs the `JobRunner` runs. Servers sharing a database
/// take turns on the consumer, batch by batch.
public struct Automation: Service, Sendable {
    let desk: HelpDesk

    public init(desk: HelpDesk) {
        self.desk = desk
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            await desk.run(WorkflowEnrollment.consumer(desk))
        }
    }
}
