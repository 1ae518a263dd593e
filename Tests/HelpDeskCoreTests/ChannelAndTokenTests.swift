import HelpDeskCore
import XCTest

final class ChannelAndTokenTests: XCTestCase {
    func testC3TicketTokenIsFoundInReplySubjects() {
        let cases: [(String, String?)] = [
            ("Re: [#42] Printer on fire", "42"),
            ("RE: AW: [#42] Printer [#7]", "7"),
            ("[#] nothing", nil),
            ("[#12a] not a token", nil),
            ("Order #42", nil),
            ("[#1234567890123456789] too long", nil),
            ("", nil),
        ]
        for (subject, expected) in cases {
            XCTAssertEqual(TicketToken.ticketID(inSubject: subject), expected, subject)
        }
        XCTAssertEqual(TicketToken.ticketID(inSubject: "Re: " + TicketToken.tag(ticketID: "981") + " Hello"), "981")
    }

    func testC1TeamAddressesAreNormalisedAndChecked() {
        XCTAssertEqual(Channel.normalizedAddress(" <Support@Example.COM> "), "support@example.com")
        for valid in ["support@example.com", "a.b+tag@sub.example.co.uk"] {
            XCTAssertTrue(Channel.isValidEmailAddress(valid), valid)
        }
        for invalid in ["", "support", "support@", "@example.com", "a@b", "a b@example.com", "a@example..com", "a@exa mple.com", "a@@example.com"] {
            XCTAssertFalse(Channel.isValidEmailAddress(invalid), invalid)
        }
    }
}
