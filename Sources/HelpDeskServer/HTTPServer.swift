import HelpDeskEngine
import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOConcurrencyHelpers
import NIOCore
import ServiceLifecycle

/// The HTTP side of the help desk: the CRM-compatible JSON API and the health check.
public enum HTTPServer {
    /// Builds the router with every route. Exposed on its own so that tests can drive it without
    /// opening a port.
    /// - Parameter publicURL: the workspace's address, for the links the help desk mails.
    /// - Parameter clients: how the client's address is told behind reverse proxies.
    public static func router(desk: HelpDesk, publicURL: String = "http://localhost:8080",
                              clients: ClientAddress = ClientAddress()) -> Router<HelpDeskRequestContext> {
        let router = Router(context: HelpDeskRequestContext.self)
        router.add(middleware: ClientAddressMiddleware(addresses: clients))
        router.add(middleware: MetricsMiddleware())
        let methods = NIOLockedValueBox(AllowedMethods())
        router.add(middleware: ErrorTranslation(methods: methods))
        let book = RouteBook()
        let server = book.section(router.group(), prefix: "", tag: "Server", authenticated: false)
        server.add(.get, "health", "health", "Answers 200 once the server is ready", response: "Health") { _, _ in
            try JSONBody.response(["status": "ok"])
        }
        server.add(.get, "metrics", "metrics", "Requests, mail, jobs waiting and the feed's consumers, in Prometheus's text format",
                   content: "text/plain") { _, context in
            try await ServerMetrics.scrape(desk: desk, logger: context.logger)
        }
        let forms = FormRoutes(desk: desk, limit: SubmissionLimit())
        forms.register(public: book.section(router.group(), prefix: "", tag: "Public forms", authenticated: false))
        ChatRoutes(desk: desk).register(book.section(router.group(), prefix: "", tag: "Live chat", authenticated: false))
        let webhooks = ChannelWebhookRoutes(desk: desk)
        webhooks.register(public: book.section(router.group(), prefix: "", tag: "Channel webhooks", authenticated: false))
        let workspace = router.group().add(middleware: WorkspaceSession(desk: desk))
        let accounts = AccountRoutes(desk: desk, publicURL: publicURL)
        accounts.register(workspace)
        accounts.registerPasswordPages(workspace)
        let pages = WorkspaceRoutes(desk: desk)
        pages.register(workspace)
        NewTicketRoutes(desk: desk, workspace: pages).register(workspace)
        SearchRoutes(desk: desk, workspace: pages).register(workspace)
        SavedTextSettingsRoutes(desk: desk, workspace: pages, kind: .snippets).register(workspace)
        SavedTextSettingsRoutes(desk: desk, workspace: pages, kind: .templates).register(workspace)
        SavedViewRoutes(desk: desk, workspace: pages).register(workspace)
        let tickets = TicketRoutes(desk: desk, workspace: pages)
        tickets.register(workspace)
        BulkRoutes(desk: desk).register(workspace)
        InboxRoutes(desk: desk, workspace: pages, tickets: tickets).register(workspace)
        LiveRoutes(desk: desk).register(workspace)
        AvailabilityRoutes(desk: desk).register(workspace)
        SettingsRoutes(desk: desk, workspace: pages, accounts: accounts).register(workspace)
        RoutingProfileRoutes(desk: desk, workspace: pages).register(workspace)
        PipelineSettingsRoutes(desk: desk, workspace: pages).register(workspace)
        PropertySettingsRoutes(desk: desk, workspace: pages).register(workspace)
        ChannelSettingsRoutes(desk: desk, workspace: pages, publicURL: publicURL).register(workspace)
        OfficeHoursRoutes(desk: desk, workspace: pages).register(workspace)
        NotificationPages(desk: desk, workspace: pages).register(workspace)
        AutomationPages(desk: desk, workspace: pages).register(workspace)
        let authentication = TokenAuthentication(desk: desk)
        func section(_ prefix: String, _ tag: String, checksAccess: Bool = true) -> RouteBook.Section {
            book.section(router.group(RouterPath(prefix)).add(middleware: authentication), prefix: prefix, tag: tag,
                         checksAccess: checksAccess)
        }
        ObjectRoutes(desk: desk).register(section("crm/v3/objects", "Records"))
        PipelineRoutes(desk: desk).register(section("crm/v3/pipelines", "Pipelines"))
        OwnerRoutes(desk: desk).register(section("crm/v3/owners", "Owners", checksAccess: false))
        PropertyRoutes(desk: desk).register(section("crm/v3/properties", "Properties"))
        // The official clients reach custom object schemas under their own prefix.
        SchemaRoutes(desk: desk).register(section("crm-object-schemas/v3/schemas", "Object types"))
        AssociationRoutes(desk: desk).register(section("crm/v4/objects", "Associations"))
        ConversationRoutes(desk: desk).register(section("conversations/v3/conversations", "Conversations"))
        NotificationRoutes(desk: desk).register(section("notifications/v1/notifications", "Notifications", checksAccess: false))
        NotificationRoutes(desk: desk).registerPreferences(section("notifications/v1/preferences", "Notifications", checksAccess: false))
        forms.register(admin: section("marketing/v3/forms", "Forms"))
        webhooks.register(integration: section("conversations/v3/custom-channels", "Custom channels"))
        UserRoutes(desk: desk, accounts: accounts).register(section("settings/v3/users", "Users"))
        RoutingRoutes(desk: desk).register(section("routing/v1", "Routing"))
        WorkflowRoutes(desk: desk).register(section("automation/v4/flows", "Workflows"))
        WorkflowRoutes(desk: desk).registerTemplates(section("automation/v4/email-templates", "Workflows"))
        // The document lists itself, so it is written once every route, its own included, is in the book.
        let document = NIOLockedValueBox<Result<[UInt8], any Error>>(.success([]))
        server.add(.get, "openapi.json", "getOpenAPIDocument", "This document: every route with each status and media type it answers",
                   response: "OpenAPIDocument") { _, _ in
            var headers = HTTPFields()
            headers[.contentType] = "application/json"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: try document.withLockedValue { try $0.get() })))
        }
        document.withLockedValue { $0 = Result { Array(try OpenAPIDocument.json(for: book)) } }
        methods.withLockedValue { $0 = AllowedMethods(book) }
        return router
    }

    public static func application(
        desk: HelpDesk, host: String, port: Int, publicURL: String, clients: ClientAddress = ClientAddress(), services: [any Service] = [],
        logger: Logger
    ) -> some ApplicationProtocol {
        Application(
            router: router(desk: desk, publicURL: publicURL, clients: clients),
            server: .http1WebSocketUpgrade { [sockets = SubmissionLimit(limit: 60)] request, channel, logger in
                try await ChatRoutes.upgrade(request, remoteIP: clients.resolve(peer: channel.remoteAddress?.ipAddress, headers: request.headerFields),
                                             desk: desk, limit: sockets, logger: logger)
            },
            configuration: .init(address: .hostname(host, port: port), serverName: "helpdesk"),
            services: services,
            logger: logger)
    }
}
