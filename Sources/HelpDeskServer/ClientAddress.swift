import Hummingbird
import HTTPTypes

/// Who a request comes from, for per-address limits (sign-in pauses, forms, chat sockets). Behind
/// a reverse proxy every request comes from the proxy: its `X-Forwarded-For` names the client, but
/// anybody can send that header, so it is believed only from the proxies the server was told to
/// trust, and read from the right, past those proxies, to the first address one of them saw.
public struct ClientAddress: Sendable {
    /// The addresses of the reverse proxies in front of the server.
    let trustedProxies: Set<String>

    public init(trustedProxies: [String] = []) {
        self.trustedProxies = Set(trustedProxies)
    }

    /// The client's address: the peer's, or, when the peer is a trusted proxy, the nearest
    /// address in `X-Forwarded-For` that is not a trusted proxy.
    func resolve(peer: String?, forwardedFor: [String]) -> String? {
        guard let peer, trustedProxies.contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        for hop in hops.reversed() where !hop.isEmpty {
            if trustedProxies.contains(hop) { continue }
            // It becomes a key of the sign-in pauses: only what an IP address can be is taken.
            return Self.couldBeAddress(hop) ? hop : peer
        }
        return peer
    }

    static func couldBeAddress(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 45 && text.utf8.allSatisfy { byte in
            byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":") || (48...57).contains(byte) || (97...102).contains(byte | 0x20)
        }
    }

    func resolve(peer: String?, headers: HTTPFields) -> String? {
        resolve(peer: peer, forwardedFor: headers[values: Self.forwardedFor])
    }

    static let forwardedFor = HTTPField.Name("X-Forwarded-For")!
}

/// Puts the client's address, past trusted proxies, in each request's context.
struct ClientAddressMiddleware: RouterMiddleware {
    let addresses: ClientAddress

    func handle(_ request: Request, context: HelpDeskRequestContext,
                next: (Request, HelpDeskRequestContext) async throws -> Response) async throws -> Response {
        guard !addresses.trustedProxies.isEmpty else { return try await next(request, context) }
        var context = context
        context.remoteIP = addresses.resolve(peer: context.remoteIP, headers: request.headers)
        return try await next(request, context)
    }
}
