import HelpDeskEngine
import Hummingbird
import Logging

/// The HTTP side of the help desk: the CRM-compatible JSON API and the health check.
public enum HTTPServer {
    /// Builds the router with every route. Exposed on its own so that tests can drive it without
    /// opening a port.
    public static func router(desk: HelpDesk) -> Router<HelpDeskRequestContext> {
        let router = Router(context: HelpDeskRequestContext.self)
        router.add(middleware: ErrorTranslation())
        router.get("health") { _, _ in
            try JSONBody.response(["status": "ok"])
        }
        let crm = router.group("crm").add(middleware: TokenAuthentication(desk: desk))
        let v3 = crm.group("v3")
        ObjectRoutes(desk: desk).register(on: v3)
        PipelineRoutes(desk: desk).register(on: v3)
        OwnerRoutes(desk: desk).register(on: v3)
        PropertyRoutes(desk: desk).register(on: v3)
        // The official clients reach custom object schemas under their own prefix.
        let schemas = router.group("crm-object-schemas/v3").add(middleware: TokenAuthentication(desk: desk))
        SchemaRoutes(desk: desk).register(on: schemas)
        SchemaRoutes(desk: desk).register(on: v3)
        AssociationRoutes(desk: desk).register(on: crm.group("v4"))
        return router
    }

    public static func application(
        desk: HelpDesk, host: String, port: Int, logger: Logger
    ) -> some ApplicationProtocol {
        Application(
            router: router(desk: desk),
            configuration: .init(address: .hostname(host, port: port), serverName: "helpdesk"),
            logger: logger)
    }
}
