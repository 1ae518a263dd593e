import Crypto
import Foundation

/// Checks that a webhook comes from the service it claims to, by the signature the service
/// computes with the secret it shares with the channel.
public enum WebhookSignature {
    /// Meta's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body with the app secret>`.
    public static func isValidWhatsApp(body: [UInt8], header: String?, secret: String) -> Bool {
        guard let header, header.hasPrefix("sha256="), let given = Hex.decode(header.dropFirst(7)) else { return false }
        return HMAC<SHA256>.isValidAuthenticationCode(given, authenticating: body, using: SymmetricKey(data: Array(secret.utf8)))
    }

    /// Twilio's `X-Twilio-Signature`: base64 of HMAC-SHA1, with the auth token, of the full URL
    /// followed by each POST parameter's name and value, sorted by name.
    public static func isValidTwilio(url: String, parameters: [(String, String)], header: String?, secret: String) -> Bool {
        guard let header, let given = Data(base64Encoded: header) else { return false }
        var signed = url
        for (name, value) in parameters.sorted(by: { $0.0 < $1.0 }) {
            signed += name + value
        }
        return HMAC<Insecure.SHA1>.isValidAuthenticationCode(given, authenticating: Array(signed.utf8),
                                                             using: SymmetricKey(data: Array(secret.utf8)))
    }
}
