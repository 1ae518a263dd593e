/// What a channel other than email needs to talk to the service behind it. Secrets are kept
/// here and never shown back through the API.
public struct ChannelSettings: Sendable, Hashable, Codable {
    /// Custom channels: where the help desk posts outgoing messages. WhatsApp: the Cloud API's
    /// base URL, `https://graph.facebook.com/v21.0` unless set.
    public var outboundURL: String?
    /// Custom channels: signs outgoing posts. WhatsApp: the app secret that signs incoming
    /// webhooks. Calls: the provider's auth token that signs its webhooks.
    public var signingSecret: String?
    /// WhatsApp: the token Meta sends back when it verifies the webhook subscription.
    public var verifyToken: String?
    /// WhatsApp: the Cloud API access token for sending.
    public var accessToken: String?
    /// Calls: when calls are put through (A8); always when `nil`.
    public var openingHours: OpeningHours?
    /// Calls: what callers hear after hours, or when nobody answers, before they leave a message.
    public var voicemailGreeting: String?
    /// Calls: the numbers that ring during opening hours; none sends every call to voicemail.
    public var forwardTo: [String]?
    /// Email: what the team address answers by itself when mail opens a ticket; `{{ticket}}`
    /// becomes its number. None when `nil`.
    public var acknowledgement: String?
    /// Live chat: the rule-based bot that answers first; people answer at once when `nil`.
    public var chatbot: Chatbot?
    /// A3: who the channel's new tickets go to; nobody when `nil`.
    public var routing: RoutingRule?

    public init(outboundURL: String? = nil, signingSecret: String? = nil, verifyToken: String? = nil, accessToken: String? = nil,
                openingHours: OpeningHours? = nil, voicemailGreeting: String? = nil, forwardTo: [String]? = nil,
                acknowledgement: String? = nil, chatbot: Chatbot? = nil, routing: RoutingRule? = nil) {
        self.outboundURL = outboundURL
        self.signingSecret = signingSecret
        self.verifyToken = verifyToken
        self.accessToken = accessToken
        self.openingHours = openingHours
        self.voicemailGreeting = voicemailGreeting
        self.forwardTo = forwardTo
        self.acknowledgement = acknowledgement
        self.chatbot = chatbot
        self.routing = routing
    }

    public static let defaultVoicemailGreeting =
        "Thank you for calling. Nobody can take your call right now. Please leave a message after the tone, and we will call you back."

    /// Whether a phone number is in E.164 form: `+` and 8 to 15 digits.
    public static func isPhoneNumber(_ number: String) -> Bool {
        number.first == "+" && (8...15).contains(number.count - 1) && number.dropFirst().allSatisfy { $0.isASCII && $0.isNumber }
    }

    public static let whatsAppCloudAPI = "https://graph.facebook.com/v21.0"

    /// Whether a URL is one the help desk may post to: http or https with a host.
    public static func isValidOutboundURL(_ url: String) -> Bool {
        let lowered = url.lowercased()
        guard lowered.hasPrefix("https://") || lowered.hasPrefix("http://"), url.count <= 2_000 else { return false }
        let rest = lowered.drop { $0 != "/" }.dropFirst(2)
        let host = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
        return !host.isEmpty && !host.contains(" ") && !host.contains("@")
    }
}
