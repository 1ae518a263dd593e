import Foundation
import HelpDeskCore
import HelpDeskEngine
import Hummingbird

/// The admins' page of channels (C1): the connected channels, each with its pipeline, its "create
/// a ticket for every new incoming message" switch, the settings its kind has and what to do next
/// (a webhook to subscribe, a tag to put in a site); a form to connect one of each kind; and a
/// button to disconnect one. Every change goes through `ChannelService` (a form's disconnection
/// through `FormService`), as the API's do, so the page and the API refuse the same things and the
/// feed announces the changes; a refusal shows beside the channel concerned, with what was typed.
struct ChannelSettingsRoutes {
    let desk: HelpDesk
    let workspace: WorkspaceRoutes
    /// The help desk's public address, for the URLs the admin gives to other services.
    let publicURL: String

    struct PipelineOption {
        var id: String
        var label: String
        var selected: Bool
    }

    struct KindLink {
        var value: String
        var label: String
        var current: Bool
    }

    // Names differ between levels: the nested items' templates reach the channel's fields
    // through Mustache's context stack.
    struct ChannelView {
        var channelID: String
        var name: String
        /// The name in its field: what was typed, after a refusal.
        var typedName: String
        var kindLabel: String
        var address: String
        var addressLabel: String
        var pipeline: String
        var pipelines: [PipelineOption]
        var createsTickets: Bool
        /// A form's name is the form's, changed with it.
        var renamable: Bool
        /// Live chat: whether a rule-based chatbot answers first.
        var chatbot: String?
        var fields: ChannelSettingsFields
        var nextSteps: [ChannelKindGuide.Step]
        /// A refusal of a change to this channel, shown beside it with the change kept.
        var refusal: String?
        /// Who its new tickets go to, in a form of its own.
        var routing: RoutingRuleFields
    }

    struct NewChannel {
        var kind: String
        var noun: String
        var about: String
        var addressLabel: String
        var addressHint: String
        var addressType: String
        var addressRequired: Bool
        var address: String
        var name: String
        var nameHint: String
        var pipelines: [PipelineOption]
        var createsTickets: Bool
        var fields: ChannelSettingsFields
        var refusal: String?
    }

    struct Page {
        var title = "Channels"
        /// Marks the header's settings link of this page.
        var atChannels = true
        var csrf: String
        var feed: Int64
        var user: WorkspaceRoutes.UserView
        var views: [WorkspaceRoutes.ViewLink]
        var channels: [ChannelView]
        var hasChannels: Bool
        var kinds: [KindLink]
        var draft: NewChannel
        var notice: String?
        /// A refusal about something no longer on the page (a channel disconnected meanwhile).
        var error: String?
    }

    /// What a refused change was about, to show the refusal and the values sent there.
    enum Concern: Equatable {
        case newChannel
        case channel(String)
        /// A channel's routing rule, whose form is apart from the channel's.
        case routing(String)
    }

    static let path = "/settings/channels"

    func register(_ router: RouterGroup<HelpDeskRequestContext>) {
        router.get("settings/channels") { request, context in
            try await WorkspacePage.signedIn(context) { caller, csrf in
                try await page(caller: caller, csrf: csrf, connecting: try Self.kind(request.uri.queryParameters.get("kind")))
            }
        }
        router.post("settings/channels") { request, context in
            try await change(request, context, about: .newChannel) { caller, form in
                let kind = try Self.kind(form["kind"])
                let name = (form["name"] ?? "").trimmingCharacters(in: .whitespaces)
                var address = (form["address"] ?? "").trimmingCharacters(in: .whitespaces)
                if kind == .chat, address.isEmpty { address = name }
                let pipeline = form["pipeline"].flatMap { $0.isEmpty ? nil : $0 }
                let made = try await desk.channels.create(
                    ChannelDraft(kind: kind, address: address, name: name.isEmpty ? nil : name, pipelineID: pipeline,
                                 createsTickets: Self.createsTickets(form),
                                 settings: try ChannelSettingsFields.read(form, kind: kind, creating: true) ?? ChannelSettings()),
                    by: caller)
                return "\(made.name) is connected; what it needs next is under its name."
            }
        }
        router.post("settings/channels/:channel") { request, context in
            let id = try context.parameters.require("channel")
            return try await change(request, context, about: .channel(id)) { caller, form in
                let channel = try await desk.channels.get(id: id, by: caller)
                let changed = try await desk.channels.update(
                    id: id, name: channel.kind == .form ? nil : form["name"] ?? "",
                    pipelineID: form["pipeline"].flatMap { $0.isEmpty ? nil : $0 },
                    createsTickets: Self.createsTickets(form),
                    settings: try ChannelSettingsFields.read(form, kind: channel.kind, creating: false), by: caller)
                return "\(changed.name) is saved."
            }
        }
        router.post("settings/channels/:channel/routing") { request, context in
            let id = try context.parameters.require("channel")
            return try await change(request, context, about: .routing(id)) { caller, form in
                let channel = try await desk.channels.get(id: id, by: caller)
                _ = try await desk.routing.setRule(try RoutingRuleFields.read(form), channelID: id, by: caller)
                return "The routing of \(channel.name) is saved."
            }
        }
        router.post("settings/channels/:channel/disconnect") { request, context in
            let id = try context.parameters.require("channel")
            return try await change(request, context, about: .channel(id)) { caller, _ in
                let channel = try await desk.channels.get(id: id, by: caller)
                // A form's channel goes with its form, or the forms API would go on listing a dead form.
                if channel.kind == .form {
                    try await desk.forms.archive(id: channel.address, by: caller)
                } else {
                    try await desk.channels.archive(id: id, by: caller)
                }
                return "\(channel.name) is disconnected: it takes no more messages; its conversations and tickets stay."
            }
        }
    }

    /// A kind of channel the page connects, as the page names it in a link or a form.
    static func kind(_ value: String?) throws(HelpDeskError) -> Channel.Kind {
        guard let value, !value.isEmpty else { return .email }
        guard let kind = Channel.Kind(rawValue: value.uppercased()), ChannelKindGuide.connectable.contains(kind) else {
            throw .badRequest("This page connects " + ChannelKindGuide.connectable.map { ChannelKindGuide(kind: $0).label }.joined(separator: ", ")
                + "; \"\(value)\" is none of them.")
        }
        return kind
    }

    /// Whether a form's "create a ticket for every new incoming message" box is ticked; an unticked
    /// box is not sent. Each box's name ends with its form's, or assistive technology takes the
    /// boxes of every channel for one group.
    static func createsTickets(_ form: SubmittedForm) -> Bool {
        form.pairs.contains { $0.0.hasPrefix("createsTickets.") }
    }

    /// A change from a form of the page: CSRF and permission checked, then the page again with
    /// `body`'s notice, or with the engine's refusal beside the channel or form concerned.
    func change(_ request: Request, _ context: HelpDeskRequestContext, about concern: Concern,
                _ body: (Caller, SubmittedForm) async throws -> String) async throws -> Response {
        try await WorkspacePage.submitted(request, context, back: (Self.path, "Back to channels")) { caller, csrf, form in
            try Self.mayConfigure(caller)
            // The connection form stays on the kind just sent, to connect another of it.
            let sentKind = Channel.Kind(rawValue: (form["kind"] ?? "").uppercased()).flatMap { ChannelKindGuide.connectable.contains($0) ? $0 : nil }
            let connecting = concern == .newChannel ? sentKind ?? .email : .email
            do {
                return try await page(caller: caller, csrf: csrf, connecting: connecting, notice: try await body(caller, form))
            } catch let error as HelpDeskError {
                if case .forbidden = error { return WorkspacePage.refusal(error) }
                return try await page(caller: caller, csrf: csrf, connecting: connecting, refused: (concern, error.message, form),
                                      status: AccountRoutes.status(of: error))
            }
        }
    }

    func page(caller: Caller, csrf: String, connecting kind: Channel.Kind, notice: String? = nil,
              refused: (concern: Concern, message: String, form: SubmittedForm)? = nil, status: HTTPResponse.Status = .ok) async throws
        -> Response {
        try Self.mayConfigure(caller)
        let tickets = try await desk.recordSchema(ObjectType.tickets.name)
        let order = Dictionary(uniqueKeysWithValues: Channel.Kind.allCases.enumerated().map { ($1, $0) })
        let connected = try await desk.channels.list(by: caller)
            .sorted { (order[$0.kind] ?? 0, $0.name.lowercased(), $0.id) < (order[$1.kind] ?? 0, $1.name.lowercased(), $1.id) }
        let (users, teams) = (try await desk.people.users(), try await desk.people.teams())
        let shown = connected.map { channel in
            let sent = refused?.concern == .channel(channel.id) ? refused?.form : nil
            let routingSent = refused?.concern == .routing(channel.id) ? refused?.form : nil
            let guide = ChannelKindGuide(kind: channel.kind)
            return ChannelView(
                channelID: channel.id, name: channel.name, typedName: sent?["name"] ?? channel.name, kindLabel: guide.label, address: channel.address,
                addressLabel: guide.addressLabel, pipeline: tickets.pipeline(channel.pipelineID)?.label ?? channel.pipelineID,
                pipelines: Self.pipelineOptions(tickets, selected: sent?["pipeline"] ?? channel.pipelineID),
                createsTickets: sent.map { Self.createsTickets($0) } ?? channel.createsTickets, renamable: channel.kind != .form,
                chatbot: channel.kind == .chat ? (channel.settings.chatbot == nil ? "None: people answer at once." : "A rule-based chatbot answers first.")
                    : nil,
                fields: ChannelSettingsFields(kind: channel.kind, stored: channel.settings, prefix: "channel-\(channel.id)", creating: false,
                                              sent: sent),
                nextSteps: guide.nextSteps(for: channel, base: publicURL),
                refusal: sent == nil ? nil : refused?.message,
                routing: RoutingRuleFields(rule: channel.settings.routing ?? .nobody, prefix: "channel-\(channel.id)-routing", users: users,
                                           teams: teams, tickets: tickets, sent: routingSent, refusal: routingSent == nil ? nil : refused?.message))
        }
        let sent = refused?.concern == .newChannel ? refused?.form : nil
        let guide = ChannelKindGuide(kind: kind)
        let draft = NewChannel(
            kind: kind.rawValue, noun: guide.noun, about: guide.about, addressLabel: guide.addressLabel, addressHint: guide.addressHint,
            addressType: kind == .email ? "email" : kind == .call ? "tel" : "text", addressRequired: kind != .chat,
            address: sent?["address"] ?? "", name: sent?["name"] ?? "",
            nameHint: kind == .chat ? "How agents and visitors see it." : "How agents see it; left empty, the \(guide.addressLabel.lowercased()).",
            pipelines: Self.pipelineOptions(tickets, selected: sent?["pipeline"] ?? tickets.defaultPipeline?.id ?? ""),
            createsTickets: sent.map { Self.createsTickets($0) } ?? true,
            fields: ChannelSettingsFields(kind: kind, stored: ChannelSettings(), prefix: "new-channel", creating: true, sent: sent),
            refusal: sent == nil ? nil : refused?.message)
        let placed = shown.contains { $0.refusal != nil || $0.routing.routingRefusal != nil } || draft.refusal != nil
        return WorkspacePage.render("channels", Page(
            csrf: csrf, feed: desk.live.head(), user: try await WorkspaceRoutes.UserView(caller, desk: desk),
            views: try await workspace.viewLinks(for: caller, tickets: tickets, current: nil), channels: shown, hasChannels: !shown.isEmpty,
            kinds: ChannelKindGuide.connectable.map { KindLink(value: $0.rawValue.lowercased(), label: ChannelKindGuide(kind: $0).label, current: $0 == kind) },
            draft: draft, notice: notice, error: placed ? nil : refused?.message),
            status: status)
    }

    /// The ticket pipelines a channel's tickets may go to, in their order; an archived one only
    /// while the channel still names it.
    static func pipelineOptions(_ tickets: RecordSchema, selected: String) -> [PipelineOption] {
        tickets.pipelines.filter { !$0.archived || $0.id == selected }
            .sorted { ($0.displayOrder, $0.id) < ($1.displayOrder, $1.id) }
            .map { PipelineOption(id: $0.id, label: $0.archived ? "\($0.label) (archived)" : $0.label, selected: $0.id == selected) }
    }

    /// The permission the API's channel changes require; the page is for those who have it.
    static func mayConfigure(_ caller: Caller) throws(HelpDeskError) {
        do {
            try Access.check(caller.user, may: .configureChannels)
        } catch {
            throw .forbidden(error)
        }
    }
}
