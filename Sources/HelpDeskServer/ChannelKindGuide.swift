import HelpDeskCore

/// How the channels' settings page speaks of each kind of channel: its name, what its address
/// is, and what the admin does next once one is connected (a webhook to subscribe, a tag to put
/// in a site), with the help desk's public address in the URLs.
struct ChannelKindGuide {
    /// One thing to do next, with the text to copy or the page to open.
    struct Step {
        var text: String
        var code: String?
        var link: String?
        var linkLabel: String?
    }

    let kind: Channel.Kind

    /// The kinds connected on the page; forms are made with their fields through the forms API.
    static let connectable: [Channel.Kind] = [.email, .chat, .whatsapp, .call, .custom]

    var label: String {
        switch kind {
        case .email: "Team email"
        case .form: "Form"
        case .chat: "Live chat"
        case .whatsapp: "WhatsApp"
        case .call: "Calls"
        case .custom: "Custom channel"
        }
    }

    /// What "Connect the ..." names.
    var noun: String {
        switch kind {
        case .email: "team email address"
        case .form: "form"
        case .chat: "live chat"
        case .whatsapp: "WhatsApp number"
        case .call: "phone number"
        case .custom: "custom channel"
        }
    }

    var about: String {
        switch kind {
        case .email: "An address customers write to, such as support@example.com; replies go out from it."
        case .form: "A web form; forms are made with their fields through the forms API (/marketing/v3/forms)."
        case .chat: "A chat window for your site. A rule-based chatbot that answers first is set through the API."
        case .whatsapp: "A WhatsApp Business number, through Meta's Cloud API."
        case .call: "A phone number, through Twilio Programmable Voice: during opening hours calls ring your team's numbers, "
            + "otherwise callers leave a voicemail."
        case .custom: "Any other service (an SMS gateway, a marketplace's messages) that your own integration connects through the API."
        }
    }

    var addressLabel: String {
        switch kind {
        case .email: "Address"
        case .form: "Form id"
        case .chat, .custom: "Identifier"
        case .whatsapp: "Phone number id"
        case .call: "Phone number"
        }
    }

    var addressHint: String {
        switch kind {
        case .email: "The team address, such as support@example.com."
        case .form: "The form this channel takes submissions of."
        case .chat: "A short word of your choosing, unique among chats, such as site-chat; left empty, the name."
        case .whatsapp: "The phone number id the Cloud API shows for the number (digits only), not the number itself."
        case .call: "The number customers call, in E.164 form such as +33123456789."
        case .custom: "A short word of your choosing, unique among custom channels, such as acme-sms."
        }
    }

    /// What the admin does next for a connected channel; `base` is the help desk's public address.
    func nextSteps(for channel: Channel, base: String) -> [Step] {
        let base = base.hasSuffix("/") ? String(base.dropLast()) : base
        switch kind {
        case .email:
            return [Step(text: "Mail for \(channel.address) reaches the help desk once the domain's MX, or your mail server's forwarding, "
                + "points at the help desk's mail port (2525 unless set with --smtp-port).")]
        case .form:
            let page = "\(base)/forms/\(channel.address)"
            return [Step(text: "The form's page, to link to:", code: page),
                    Step(text: "To put it in another site's page:",
                         code: "<iframe src=\"\(page)\" title=\"\(channel.name.replacingOccurrences(of: "\"", with: "&quot;"))\" "
                            + "style=\"width:100%;min-height:40rem;border:0\"></iframe>")]
        case .chat:
            return [Step(text: "Put this tag in your site's pages:",
                         code: "<script src=\"\(base)/chat/widget.js\" data-channel=\"\(channel.id)\" async></script>"),
                    Step(text: "Or try the chat as visitors see it:", link: "/chat/demo/\(channel.id)",
                         linkLabel: "the chat \(channel.name) on a page of its own")]
        case .whatsapp:
            return [Step(text: "In the Meta app, subscribe this webhook with the verify token given here:",
                         code: "\(base)/webhooks/whatsapp/\(channel.id)")]
        case .call:
            return [Step(text: "In Twilio, set the number's voice webhook to POST:", code: "\(base)/webhooks/calls/\(channel.id)/voice")]
        case .custom:
            return [Step(text: "Your integration publishes customers' messages, with an API token, to:",
                         code: "POST \(base)/conversations/v3/custom-channels/\(channel.id)/messages"),
                    Step(text: "Agents' replies are posted to the outbound URL, signed with the signing secret.")]
        }
    }
}
