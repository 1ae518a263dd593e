import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// The header's available/away switch (A6): one click sets the caller's own status through
/// `RoutingService.setStatus` and goes back to the page the switch was on.
struct AvailabilityRoutes {
    let desk: HelpDesk

    /// The switch as the header shows it: the state now, the one a click sets, and the page to
    /// come back to.
    struct Switch {
        var available: Bool
        var state: String
        var next: String
        var action: String
        var back: String

        init(_ status: RoutingProfile.Status, back: String) {
            available = status == .available
            state = available ? "Available" : "Away"
            next = (available ? RoutingProfile.Status.away : .available).rawValue
            action = available ? "Set away" : "Set available"
            self.back = back
        }
    }

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.post("availability") { request, context in
            try await WorkspacePage.submitted(request, context) { caller, _, form in
                guard let status = RoutingProfile.Status(rawValue: form["status"] ?? "") else {
                    throw HelpDeskError.badRequest("Availability is AVAILABLE or AWAY.")
                }
                _ = try await desk.routing.setStatus(status, by: caller)
                return WorkspacePage.redirect(to: WorkspacePage.localPath(form["back"]) ?? "/")
            }
        }
    }
}
