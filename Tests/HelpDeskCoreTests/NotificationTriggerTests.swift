import Foundation
import HelpDeskCore
import XCTest

/// A10: what in the feed notifies whom, and how each user's choice meets the defaults.
final class NotificationTriggerTests: XCTestCase {
    let now = Timestamp(millisecondsSince1970: 1_780_000_000_000)
    let ticket = NotificationTrigger.Ticket(id: "12", subject: "Printer on fire", ownerID: "7", teamID: "3")

    func event(_ kind: FeedEvent.Kind, property: String? = nil, old: String? = nil, new: String? = nil, values: [String: String] = [:],
               actor: String = "system") -> FeedEvent {
        FeedEvent(recordID: "12", objectType: ObjectType.tickets.id, kind: kind, property: property, oldValue: old, newValue: new,
                  values: values, actor: actor, source: "TEST", occurredAt: now)
    }

    func notices(_ event: FeedEvent, ticket: NotificationTrigger.Ticket? = nil, reply: String? = nil) -> [String] {
        let teams = [Team(id: "3", name: "Billing", memberIDs: ["7", "8", "9"], createdAt: now, updatedAt: now)]
        return NotificationTrigger.notices(for: event, ticket: ticket ?? self.ticket, reply: reply, teams: teams)
            .map { "\($0.userID) \($0.kind.rawValue) \($0.text)" }
    }

    func testA10AssignmentsNotifyTheNewOwnerUnlessTheyMadeIt() {
        XCTAssertEqual(notices(event(.created, values: ["hubspot_owner_id": "7"])), ["7 ASSIGNED Assigned to you: Printer on fire"])
        XCTAssertEqual(notices(event(.propertyChanged, property: "hubspot_owner_id", old: "8", new: "7", actor: "1")),
                       ["7 ASSIGNED Assigned to you: Printer on fire"])
        XCTAssertEqual(notices(event(.propertyChanged, property: "hubspot_owner_id", new: "7", actor: "7")), [], "taking it oneself")
        XCTAssertEqual(notices(event(.propertyChanged, property: "hubspot_owner_id", old: "7", new: "")), [], "unassigning")
        XCTAssertEqual(notices(event(.propertyChanged, property: "hubspot_owner_id", new: "8")), [],
                       "given to 8 and already given on: only the owner it has now hears")
        XCTAssertEqual(notices(event(.propertyChanged, property: "subject", new: "Other")), [])
    }

    func testA10ANewTicketWithATeamAndNoOwnerNotifiesTheTeamButNotWhoMadeIt() {
        let unowned = NotificationTrigger.Ticket(id: "12", subject: "", ownerID: nil, teamID: "3")
        XCTAssertEqual(notices(event(.created, values: ["hubspot_team_id": "3"], actor: "8"), ticket: unowned), [
            "7 NEW_UNASSIGNED_IN_TEAM New unassigned ticket in Billing: Ticket #12",
            "9 NEW_UNASSIGNED_IN_TEAM New unassigned ticket in Billing: Ticket #12",
        ])
        XCTAssertEqual(notices(event(.created), ticket: unowned), [], "no team, no owner: the Unassigned view shows it")
    }

    func testA10ACustomersReplyNotifiesTheOwnerButNotTheMessageThatOpenedTheTicket() {
        XCTAssertEqual(notices(event(.messageReceived, property: "conversation", new: "40"), reply: "Still burning"),
                       ["7 CUSTOMER_REPLY Customer replied on Printer on fire: Still burning"])
        XCTAssertEqual(notices(event(.messageReceived, property: "conversation", old: FeedEvent.openedTicket, new: "41"), reply: "Help"), [])
        let unowned = NotificationTrigger.Ticket(id: "12", subject: "x", ownerID: nil, teamID: nil)
        XCTAssertEqual(notices(event(.messageReceived, new: "42"), ticket: unowned, reply: "Hello?"), [])
    }

    func testA10AUsersOwnChoiceWinsOverTheDefaultsWhichWinOverTheBuiltIn() throws {
        let defaults = NotificationPreferences([.assigned: .init(workspace: false, email: true), .mention: .init(workspace: true, email: false)])
        let own = NotificationPreferences([.assigned: .init(workspace: true, email: false)])
        XCTAssertEqual(NotificationPreferences.delivery(of: .assigned, user: own, defaults: defaults), .init(workspace: true, email: false))
        XCTAssertEqual(NotificationPreferences.delivery(of: .mention, user: own, defaults: defaults), .init(workspace: true, email: false))
        XCTAssertEqual(NotificationPreferences.delivery(of: .unassignedInTeam, user: own, defaults: defaults), .init(workspace: true, email: false),
                       "a team's new tickets are not mailed unless chosen")
        XCTAssertEqual(NotificationPreferences.delivery(of: .customerReply, user: nil, defaults: nil), .init(workspace: true, email: true))
        let stored = try JSONDecoder().decode(NotificationPreferences.self, from: Data(#"""
            {"kinds": {"ASSIGNED": {"workspace": false, "email": false}, "SOMETHING_NEWER": {"workspace": true, "email": true}}}
            """#.utf8))
        XCTAssertEqual(stored.kinds, [.assigned: .init(workspace: false, email: false)], "a kind from a newer version is passed over")
        let written = try JSONEncoder().encode(own)
        XCTAssertEqual(try JSONDecoder().decode(NotificationPreferences.self, from: written), own)
    }
}
