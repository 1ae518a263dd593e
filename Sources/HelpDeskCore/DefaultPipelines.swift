/// The pipelines a fresh install starts with, as in the commercial product: a support pipeline
/// "0" for tickets, a sales pipeline "default" for deals, and a project pipeline "default" for
/// projects (P1). An install that lacks one gets it at its next start.
public enum DefaultPipelines {
    public static func all(at now: Timestamp) -> [Pipeline] {
        [tickets(at: now), deals(at: now), projects(at: now)]
    }

    public static func projects(at now: Timestamp) -> Pipeline {
        let stages: [(String, String)] = [
            ("planned", "Planned"), ("in_progress", "In progress"), ("on_hold", "On hold"),
            ("completed", "Completed"), ("cancelled", "Cancelled"),
        ]
        return Pipeline(
            id: "default", objectType: ObjectType.projects.id, label: "Projects", displayOrder: 0,
            stages: stages.enumerated().map { index, stage in
                Stage(id: stage.0, label: stage.1, displayOrder: index, metadata: [:], createdAt: now, updatedAt: now)
            },
            createdAt: now, updatedAt: now)
    }

    public static func tickets(at now: Timestamp) -> Pipeline {
        let statuses: [(String, String, TicketState)] = [
            ("1", "New", .open), ("2", "Waiting on contact", .open),
            ("3", "Waiting on us", .open), ("4", "Closed", .closed),
        ]
        return Pipeline(
            id: "0", objectType: ObjectType.tickets.id, label: "Support Pipeline", displayOrder: 0,
            stages: statuses.enumerated().map { index, status in
                Stage(id: status.0, label: status.1, displayOrder: index,
                      metadata: ["ticketState": status.2.rawValue], createdAt: now, updatedAt: now)
            },
            createdAt: now, updatedAt: now)
    }

    public static func deals(at now: Timestamp) -> Pipeline {
        let stages: [(String, String, String, Bool)] = [
            ("appointmentscheduled", "Appointment Scheduled", "0.2", false),
            ("qualifiedtobuy", "Qualified To Buy", "0.4", false),
            ("presentationscheduled", "Presentation Scheduled", "0.6", false),
            ("decisionmakerboughtin", "Decision Maker Bought-In", "0.8", false),
            ("contractsent", "Contract Sent", "0.9", false),
            ("closedwon", "Closed Won", "1.0", true),
            ("closedlost", "Closed Lost", "0.0", true),
        ]
        return Pipeline(
            id: "default", objectType: ObjectType.deals.id, label: "Sales Pipeline", displayOrder: 0,
            stages: stages.enumerated().map { index, stage in
                Stage(id: stage.0, label: stage.1, displayOrder: index,
                      metadata: ["probability": stage.2, "isClosed": String(stage.3)],
                      createdAt: now, updatedAt: now)
            },
            createdAt: now, updatedAt: now)
    }
}
