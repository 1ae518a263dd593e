import Crypto
import Foundation
import HelpDeskEngine
import XCTest

final class WebhookSignatureTests: XCTestCase {
    func hex(_ bytes: some Sequence<UInt8>) -> String { bytes.map { String(format: "%02x", $0) }.joined() }

    func testWhatsAppSignaturesAreCheckedAndOddHeadersNeverCrash() {
        let body = Array(#"{"entry":[]}"#.utf8)
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Array("app-secret".utf8)))
        XCTAssertTrue(WebhookSignature.isValidWhatsApp(body: body, header: "sha256=" + hex(code), secret: "app-secret"))
        XCTAssertTrue(WebhookSignature.isValidWhatsApp(body: body, header: "sha256=" + hex(code).uppercased(), secret: "app-secret"))
        XCTAssertFalse(WebhookSignature.isValidWhatsApp(body: body, header: "sha256=" + hex(code), secret: "other"))
        XCTAssertFalse(WebhookSignature.isValidWhatsApp(body: body + [32], header: "sha256=" + hex(code), secret: "app-secret"))
        for odd in [nil, "", "sha256=", "sha256=é", "sha256=éé", "sha256=zz", "sha256=abc", "md5=" + hex(code), "sha256=\u{1F600}a"] {
            XCTAssertFalse(WebhookSignature.isValidWhatsApp(body: body, header: odd, secret: "app-secret"), odd ?? "nil")
        }
    }

    func testTwilioSignaturesCoverTheURLAndSortedParameters() {
        let url = "https://help.example.com/webhooks/calls/3/voice"
        let parameters = [("To", "+33123456789"), ("CallSid", "CA1"), ("From", "+33699999999")]
        let signed = url + "CallSidCA1From+33699999999To+33123456789"
        let code = Data(HMAC<Insecure.SHA1>.authenticationCode(for: Array(signed.utf8), using: SymmetricKey(data: Array("token".utf8))))
        XCTAssertTrue(WebhookSignature.isValidTwilio(url: url, parameters: parameters, header: code.base64EncodedString(), secret: "token"))
        XCTAssertFalse(WebhookSignature.isValidTwilio(url: url + "?x=1", parameters: parameters, header: code.base64EncodedString(),
                                                      secret: "token"))
        XCTAssertFalse(WebhookSignature.isValidTwilio(url: url, parameters: parameters + [("Digits", "1")],
                                                      header: code.base64EncodedString(), secret: "token"))
        XCTAssertFalse(WebhookSignature.isValidTwilio(url: url, parameters: parameters, header: "not base64!", secret: "token"))
    }
}
