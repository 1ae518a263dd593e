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

    func testC3ReplyAddressesCarryTheTicket() {
        XCTAssertEqual(TicketToken.replyAddress(teamAddress: "support@example.com", ticketID: "42"), "support+t42@example.com")
        XCTAssertEqual(TicketToken.split(replyAddress: "support+t42@example.com")?.teamAddress, "support@example.com")
        XCTAssertEqual(TicketToken.split(replyAddress: "sup+port+t42@example.com")?.ticketID, "42")
        for plain in ["support@example.com", "support+billing@example.com", "support+t@example.com", "support+t4x@example.com", "t42"] {
            XCTAssertNil(TicketToken.split(replyAddress: plain), plain)
        }
    }
}
