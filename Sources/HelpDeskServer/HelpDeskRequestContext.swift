import HelpDeskEngine
import Hummingbird

/// Per-request state: Hummingbird's own, plus the caller once the token is checked.
public struct HelpDeskRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    var caller: Caller?
    /// The workspace session's token against cross-site requests, once its cookie is checked.
    var csrfToken: String?
    /// The client's IP address, for per-address limits: the peer's, or past a trusted proxy
    /// (`ClientAddressMiddleware`).
    var remoteIP: String?

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteIP = source.channel.remoteAddress?.ipAddress
    }

    /// The authenticated caller; routes behind `TokenAuthentication` always have one.
    func requireCaller() throws -> Caller {
        guard let caller else { throw APIError.unauthenticated("Authentication is required: send Authorization: Bearer TOKEN.") }
        return caller
    }
}
