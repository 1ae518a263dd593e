@testable import HelpDeskServer
import XCTest

/// The per-address pauses and limits count clients, not the proxy in front of the server: its
/// X-Forwarded-For is believed only from a trusted proxy, read from the right.
final class ClientAddressTests: XCTestCase {
    func testTheClientBehindATrustedProxyIsTheNearestUntrustedHop() {
        let addresses = ClientAddress(trustedProxies: ["10.0.0.2", "10.0.0.3"])
        XCTAssertEqual(addresses.resolve(peer: "10.0.0.2", forwardedFor: ["203.0.113.7"]), "203.0.113.7")
        XCTAssertEqual(addresses.resolve(peer: "10.0.0.2", forwardedFor: ["198.51.100.1, 203.0.113.7, 10.0.0.3"]), "203.0.113.7",
                       "a client's own claim (198.51.100.1) is past the address the first trusted proxy saw")
        XCTAssertEqual(addresses.resolve(peer: "10.0.0.2", forwardedFor: ["198.51.100.1", "203.0.113.7"]), "203.0.113.7",
                       "several header lines read as one list")
        XCTAssertEqual(addresses.resolve(peer: "10.0.0.2", forwardedFor: []), "10.0.0.2", "nothing forwarded: the proxy itself")
        XCTAssertEqual(addresses.resolve(peer: "10.0.0.2", forwardedFor: ["'; DROP TABLE users; --"]), "10.0.0.2",
                       "what cannot be an address is not taken for one")
        XCTAssertEqual(addresses.resolve(peer: "10.0.0.2", forwardedFor: ["2001:db8::7"]), "2001:db8::7")
    }

    func testAForwardedForFromAnyoneElseIsIgnored() {
        let addresses = ClientAddress(trustedProxies: ["10.0.0.2"])
        XCTAssertEqual(addresses.resolve(peer: "203.0.113.7", forwardedFor: ["1.2.3.4"]), "203.0.113.7")
        XCTAssertEqual(ClientAddress().resolve(peer: "10.0.0.2", forwardedFor: ["1.2.3.4"]), "10.0.0.2", "no proxy trusted by default")
    }
}
