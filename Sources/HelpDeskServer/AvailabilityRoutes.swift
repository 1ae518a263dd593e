import Foundation
import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// The header's available/away switch (A6): one click sets the caller's own status through
/// `RoutingService.setStatus` and goes back to the page the click came from.
struct AvailabilityRoutes {
    let desk: HelpDesk

    /// The switch as the header shows it: the state now and the one a click sets.
    struct Switch {
        var available: Bool
        var state: String
        var next: String
        var action: String

        init(_ status: RoutingProfile.Status) {
            available = status == .available
            state = available ? "Available" : "Away"
            next = (available ? RoutingProfile.Status.away : .available).rawValue
            action = available ? "Set yourself away" : "Set yourself available"
        }
    }

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.post("availability") { request, context in
            try await WorkspacePage.submitted(request, context) { caller, _, form in
                guard let status = RoutingProfile.Status(rawValue: form["status"] ?? "") else {
                    throw HelpDeskError.badRequest("Availability is AVAILABLE or AWAY.")
                }
                _ = try await desk.routing.setStatus(status, by: caller)
                return WorkspacePage.redirect(to: Self.back(request))
            }
        }
    }

    /// The page the switch was pressed on, as a path of this site; the workspace when the browser
    /// did not say. Only the path and query are kept, so the answer never leads elsewhere.
    static func back(_ request: Request) -> String {
        guard let referer = request.headers[.referer], let url = URLComponents(string: referer) else { return "/" }
        let path = url.percentEncodedPath
        guard path.hasPrefix("/"), !path.hasPrefix("//"), !path.contains("\\") else { return "/" }
        return path + (url.percentEncodedQuery.map { "?" + $0 } ?? "")
    }
}
