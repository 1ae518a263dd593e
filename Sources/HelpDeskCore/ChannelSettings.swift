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

    public init(outboundURL: String? = nil, signingSecret: String? = nil, verifyToken: String? = nil, accessToken: String? = nil) {
        self.outboundURL = outboundURL
        self.signingSecret = signingSecret
        self.verifyToken = verifyToken
        self.accessToken = accessToken
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
