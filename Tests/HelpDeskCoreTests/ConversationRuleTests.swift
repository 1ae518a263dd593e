import HelpDeskCore
import XCTest

final class ConversationRuleTests: XCTestCase {
    let now = Timestamp(millisecondsSince1970: 1_800_000_000_000)

    func conversation(_ id: String, ticket: String? = "7", status: Conversation.Status = .open, owner: String? = nil) -> Conversation {
        Conversation(id: id, channelID: "1", ticketID: ticket, status: status, ownerID: owner, contactID: nil,
                     customerAddress: "ann@example.com", subject: "Printer on fire", createdAt: now, latestMessageAt: now,
                     closedAt: status == .closed ? now.adding(milliseconds: -1_000) : nil)
    }

    func testA2ReplyingToAnUnassignedTicketAssignsItToTheAgentWhoReplied() {
        let cases: [(conversation: Conversation, ticketOwner: String?, expected: String?, why: String)] = [
            (conversation("1"), nil, "5", "unassigned ticket and conversation"),
            (conversation("1"), "", "5", "an empty owner is no owner"),
            (conversation("1"), "9", nil, "the ticket has an owner"),
            (conversation("1", owner: "9"), nil, nil, "the conversation has an owner"),
            (conversation("1", ticket: nil), nil, "5", "a conversation without a ticket is taken the same way"),
            (conversation("1", ticket: nil, owner: "9"), nil, nil, "nor is an owned one without a ticket"),
        ]
        for (conversation, ticketOwner, expected, why) in cases {
            XCTAssertEqual(ConversationCascade.ownerAfterReply(by: "5", to: conversation, ticketOwner: ticketOwner), expected, why)
        }
    }

    func testC6ClosingATicketClosesAllItsOpenConversations() {
        let conversations = [conversation("1"), conversation("2"), conversation("3", status: .closed)]
        let changed = ConversationCascade.ticketStatusChanged(from: .open, to: .closed, conversations: conversations, at: now)
        XCTAssertEqual(changed.map(\.id), ["1", "2"])
        XCTAssertTrue(changed.allSatisfy { $0.status == .closed && $0.closedAt == now })
    }

    func testC6ReopeningWithOneConversationReopensIt() {
        let changed = ConversationCascade.ticketStatusChanged(from: .closed, to: .open, conversations: [conversation("1", status: .closed)], at: now)
        XCTAssertEqual(changed.map(\.id), ["1"])
        XCTAssertEqual(changed.first?.status, .open)
        XCTAssertNil(changed.first?.closedAt)
    }

    func testC6ReopeningWithTwoConversationsReopensNone() {
        let conversations = [conversation("1", status: .closed), conversation("2", status: .closed)]
        XCTAssertEqual(ConversationCascade.ticketStatusChanged(from: .closed, to: .open, conversations: conversations, at: now), [])
    }

    func testC6MovesWithinOneStateChangeNoConversation() {
        let conversations = [conversation("1"), conversation("2", status: .closed)]
        XCTAssertEqual(ConversationCascade.ticketStatusChanged(from: .open, to: .open, conversations: conversations, at: now), [])
        XCTAssertEqual(ConversationCascade.ticketStatusChanged(from: .closed, to: .closed, conversations: conversations, at: now), [])
        XCTAssertEqual(ConversationCascade.ticketStatusChanged(from: .closed, to: .open, conversations: [], at: now), [])
    }

    func testC6ClosingOneConversationChangesOnlyIt() {
        let closed = ConversationCascade.statusSet(.closed, on: conversation("1"), at: now)
        XCTAssertEqual(closed.status, .closed)
        XCTAssertEqual(closed.closedAt, now)
        XCTAssertEqual(closed.ticketID, "7")
        let alreadyClosed = conversation("2", status: .closed)
        XCTAssertEqual(ConversationCascade.statusSet(.closed, on: alreadyClosed, at: now), alreadyClosed, "keeps the first close time")
        XCTAssertEqual(ConversationCascade.statusSet(.open, on: alreadyClosed, at: now).status, .open)
    }

    func testC5ConversationOwnerGoesToTheTicketAndNotBack() {
        let (changed, ticketOwner) = ConversationCascade.ownerSet("12", on: conversation("1", owner: "3"))
        XCTAssertEqual(changed.ownerID, "12")
        XCTAssertEqual(ticketOwner, "12")
        XCTAssertEqual(ConversationCascade.ownerSet(nil, on: conversation("1", owner: "3")).ticketOwner, "", "unassigning clears the ticket's owner")
        XCTAssertNil(ConversationCascade.ownerSet("12", on: conversation("1", ticket: nil)).ticketOwner, "no ticket, nothing to carry")
    }

    func testC4AConversationJoinsOneTicketAndNeverLeaves() throws {
        let attached = try ConversationCascade.attach(conversation("1", ticket: nil), to: "9")
        XCTAssertEqual(attached.ticketID, "9")
        XCTAssertThrowsError(try ConversationCascade.attach(attached, to: "10")) { error in
            XCTAssertEqual(error as? ConversationRuleError, .belongsToAnotherTicket(conversation: "1", ticket: "9"))
            XCTAssertTrue("\(error)".contains("never leaves"))
        }
        XCTAssertThrowsError(try ConversationCascade.attach(attached, to: "9")) { error in
            XCTAssertEqual(error as? ConversationRuleError, .alreadyOnThisTicket(conversation: "1", ticket: "9"))
        }
    }

    func testC4TicketFromAConversationCarriesSubjectOwnerAndStatus() throws {
        let pipeline = DefaultPipelines.tickets(at: now)
        let open = try ConversationCascade.ticketProperties(from: conversation("1", ticket: nil, owner: "5"), on: .chat,
                                                            text: " It smokes\n", pipeline: pipeline)
        XCTAssertEqual(open["subject"], "Printer on fire")
        XCTAssertEqual(open["hubspot_owner_id"], "5")
        XCTAssertEqual(open["hs_pipeline_stage"], "1")
        XCTAssertEqual(open["source_type"], "CHAT")
        XCTAssertEqual(open["content"], "It smokes")
        let closed = try ConversationCascade.ticketProperties(from: conversation("1", ticket: nil, status: .closed), on: .email,
                                                              text: "", pipeline: pipeline)
        XCTAssertEqual(closed["hs_pipeline_stage"], "4")
        XCTAssertNil(closed["hubspot_owner_id"])
        let chosen = try ConversationCascade.ticketProperties(from: conversation("1", ticket: nil), on: .email, text: "",
                                                              pipeline: pipeline, given: ["hs_pipeline_stage": "3", "subject": "Toner"])
        XCTAssertEqual(chosen["hs_pipeline_stage"], "3")
        XCTAssertEqual(chosen["subject"], "Toner")

        var onlyOpen = pipeline
        onlyOpen.stages.removeAll { $0.ticketState == .closed }
        XCTAssertThrowsError(try ConversationCascade.ticketProperties(from: conversation("1", ticket: nil, status: .closed),
                                                                      on: .email, text: "", pipeline: onlyOpen)) { error in
            XCTAssertEqual(error as? ConversationRuleError, .noStatus(pipeline: "0", state: .closed))
        }
    }

    func testC7TrashIsRestorableForThirtyDays() {
        let day: Int64 = 86_400_000
        XCTAssertTrue(Trash.isRestorable(trashedAt: now, now: now))
        XCTAssertTrue(Trash.isRestorable(trashedAt: now, now: now.adding(milliseconds: 30 * day - 1)))
        XCTAssertFalse(Trash.isRestorable(trashedAt: now, now: now.adding(milliseconds: 30 * day)))
        XCTAssertEqual(Trash.purgeLimit(now: now.adding(milliseconds: 30 * day)), now)
    }

    func testTicketStateComesFromTheStatusOfItsPipeline() {
        let schema = RecordSchema(type: .tickets, properties: [], pipelines: [DefaultPipelines.tickets(at: now)])
        XCTAssertEqual(schema.ticketState(of: ["hs_pipeline": "0", "hs_pipeline_stage": "4"]), .closed)
        XCTAssertEqual(schema.ticketState(of: ["hs_pipeline": "0", "hs_pipeline_stage": "2"]), .open)
        XCTAssertEqual(schema.ticketState(of: ["hs_pipeline": "0", "hs_pipeline_stage": "99"]), .open)
        XCTAssertEqual(schema.ticketState(of: [:]), .open)
    }
}

final class MentionTests: XCTestCase {
    func user(_ id: String, _ email: String, _ first: String, _ last: String, archived: Bool = false) -> User {
        var user = User(id: id, email: email, firstName: first, lastName: last, roles: [.helpDeskAccess],
                        createdAt: Timestamp(millisecondsSince1970: 0), updatedAt: Timestamp(millisecondsSince1970: 0))
        user.archived = archived
        return user
    }

    func testR6MentionsNameTeammatesByHandle() {
        let team = [user("1", "ann.lee@example.com", "Ann", "Lee"), user("2", "bob@example.com", "Bob", "Stone"),
                    user("3", "bob.k@example.com", "Bob", "Kay"), user("4", "zoe@example.com", "Zoe", "Ray", archived: true)]
        func ids(_ text: String) -> [String] { Mention.mentionedUsers(in: text, among: team).map(\.id) }
        XCTAssertEqual(ids("@Ann can you look?"), ["1"], "a unique first name")
        XCTAssertEqual(ids("ask @ann.lee."), ["1"], "trailing punctuation is not part of the handle")
        XCTAssertEqual(ids("@bob please"), ["2"], "the email's local part wins over a shared first name")
        XCTAssertEqual(ids("@bobkay and @BOB.K"), ["3"])
        XCTAssertEqual(ids("(@annlee)"), ["1"])
        XCTAssertEqual(ids("write to ann.lee@example.com"), [], "an address is not a mention")
        XCTAssertEqual(ids("@zoe"), [], "deactivated users are not notified")
        XCTAssertEqual(ids("@ @. no handle"), [])
        XCTAssertEqual(ids("@stone"), [], "a last name alone names nobody")
    }

    func testR6TheCompletedHandleNamesExactlyItsTeammate() {
        let team = [user("1", "ann.lee@example.com", "Ann", "Lee"), user("2", "bob@example.com", "Bob", "Stone"),
                    user("3", "bob.k@example.com", "Bob", "Kay"), user("4", "b.stone@example.org", "Bob", "Stone"),
                    user("5", "x@example.com", "", ""), user("6", "jo@example.com", "Jo Ann", "O'Neil")]
        XCTAssertEqual(team.map { Mention.handle(for: $0, among: team) }, ["ann.lee", "bob", "bob.kay", "b.stone", "x", "jo"],
                       "first.last unless another has the same names or they hold other characters; else the address")
        for user in team {
            let handle = Mention.handle(for: user, among: team)
            XCTAssertEqual(Mention.mentionedUsers(in: "@\(handle) look", among: team).map(\.id), [user.id], handle)
        }
    }
}

final class MessageThreadingTests: XCTestCase {
    let now = Timestamp(millisecondsSince1970: 1_800_000_000_000)

    func conversation(_ id: String, _ status: Conversation.Status) -> Conversation {
        Conversation(id: id, channelID: "1", ticketID: nil, status: status, ownerID: nil, contactID: nil,
                     customerAddress: "+33600000000", subject: "", createdAt: now, latestMessageAt: now)
    }

    func testC2ChatMessagesJoinTheOpenConversationOrStartANewOne() {
        XCTAssertEqual(MessageThreading.conversationToJoin(threadMatch: nil, namesThread: false,
                                                           latestWithCustomer: conversation("1", .open))?.id, "1")
        XCTAssertNil(MessageThreading.conversationToJoin(threadMatch: nil, namesThread: false, latestWithCustomer: conversation("1", .closed)),
                     "after a close, the next message is a new request")
        XCTAssertNil(MessageThreading.conversationToJoin(threadMatch: nil, namesThread: false, latestWithCustomer: nil))
        XCTAssertEqual(MessageThreading.conversationToJoin(threadMatch: conversation("2", .closed), namesThread: true,
                                                           latestWithCustomer: conversation("1", .open))?.id, "2",
                       "the service's own thread wins, even closed")
        XCTAssertNil(MessageThreading.conversationToJoin(threadMatch: nil, namesThread: true, latestWithCustomer: conversation("1", .open)),
                     "a thread the help desk has not seen yet is a new conversation")
    }
}

final class OpeningHoursTests: XCTestCase {
    func testA8OpeningHoursSayWhenCallsArePutThrough() throws {
        let hours = try OpeningHours(timeZone: "Europe/Paris", byName: ["Monday": ["14:00-18:00", "09:00-12:30"], "saturday": ["10:00-24:00"]])
        XCTAssertTrue(hours.isOpen(weekday: 1, minute: 9 * 60))
        XCTAssertFalse(hours.isOpen(weekday: 1, minute: 12 * 60 + 30), "a range ends before its end")
        XCTAssertTrue(hours.isOpen(weekday: 1, minute: 17 * 60 + 59))
        XCTAssertFalse(hours.isOpen(weekday: 2, minute: 10 * 60), "a day without ranges is closed")
        XCTAssertTrue(hours.isOpen(weekday: 6, minute: 23 * 60 + 59))
        XCTAssertEqual(hours.byName, ["monday": ["09:00-12:30", "14:00-18:00"], "saturday": ["10:00-24:00"]])
        XCTAssertThrowsError(try OpeningHours(timeZone: "UTC", byName: ["funday": ["09:00-10:00"]])) { error in
            XCTAssertEqual(error as? OpeningHoursError, .unknownDay("funday"))
        }
        for bad in ["9-17", "17:00-09:00", "09:00-25:00", "09:60-10:00", "09:00"] {
            XCTAssertThrowsError(try OpeningHours(timeZone: "UTC", byName: ["monday": [bad]]), bad)
        }
        XCTAssertTrue(ChannelSettings.isPhoneNumber("+33612345678"))
        XCTAssertFalse(ChannelSettings.isPhoneNumber("0612345678"))
        XCTAssertFalse(ChannelSettings.isPhoneNumber("+33 6 12"))
    }
}

final class AutomaticMailPolicyTests: XCTestCase {
    let now = Timestamp(millisecondsSince1970: 1_800_000_000_000)
    func ago(minutes: Int64) -> Timestamp { now.adding(milliseconds: -minutes * 60_000) }

    func testAutomaticMailNeverGoesToMachines() {
        for machine in ["MAILER-DAEMON@mx.example.org", "no-reply@shop.example", "noreply@x.example", "do_not_reply@x.example",
                        "donotreply123@x.example", "bounces+123@mail.example", "news-bounces@lists.example", "postmaster@x.example",
                        "owner-list@lists.example"] {
            XCTAssertEqual(AutomaticMailPolicy.refusal(for: machine, ticketID: "1", bouncedAt: nil, recentSends: [], now: now),
                           .machineAddress(machine.lowercased()), machine)
        }
        for person in ["ada@example.org", "noreen@example.org", "bob.bounce@example.org"] {
            XCTAssertNil(AutomaticMailPolicy.refusal(for: person, ticketID: "1", bouncedAt: nil, recentSends: [], now: now), person)
        }
    }

    func testABouncedAddressIsSkippedForAWeek() {
        XCTAssertEqual(AutomaticMailPolicy.refusal(for: "ada@example.org", ticketID: "1", bouncedAt: ago(minutes: 60 * 24 * 6),
                                                   recentSends: [], now: now), .bounced("ada@example.org", since: ago(minutes: 60 * 24 * 6)))
        XCTAssertNil(AutomaticMailPolicy.refusal(for: "ada@example.org", ticketID: "1", bouncedAt: ago(minutes: 60 * 24 * 7),
                                                 recentSends: [], now: now))
    }

    func testTheLoopGuardCapsMailPerTicketAndPerDay() {
        let twoThisHour: [(ticketID: String?, at: Timestamp)] = [("1", ago(minutes: 5)), ("1", ago(minutes: 30))]
        XCTAssertNil(AutomaticMailPolicy.refusal(for: "ada@example.org", ticketID: "1", bouncedAt: nil, recentSends: twoThisHour, now: now))
        let three = twoThisHour + [("1", ago(minutes: 59))]
        XCTAssertEqual(AutomaticMailPolicy.refusal(for: "ada@example.org", ticketID: "1", bouncedAt: nil, recentSends: three, now: now),
                       .tooMany("ada@example.org", count: 3, window: "an hour about this ticket"))
        XCTAssertNil(AutomaticMailPolicy.refusal(for: "ada@example.org", ticketID: "2", bouncedAt: nil, recentSends: three, now: now),
                     "another ticket has its own count")
        let olderThanAnHour = twoThisHour + [("1", ago(minutes: 61))]
        XCTAssertNil(AutomaticMailPolicy.refusal(for: "ada@example.org", ticketID: "1", bouncedAt: nil, recentSends: olderThanAnHour, now: now))
        let busyDay = (0..<20).map { (ticketID: String?.some("t\($0)"), at: ago(minutes: Int64($0) * 60 + 1)) }
        XCTAssertEqual(AutomaticMailPolicy.refusal(for: "ada@example.org", ticketID: "99", bouncedAt: nil, recentSends: busyDay, now: now),
                       .tooMany("ada@example.org", count: 20, window: "a day"))
    }
}

final class ChatbotTests: XCTestCase {
    let bot = Chatbot(rules: [
        .init(keywords: ["opening hours", "open"], answer: "We are open 9 to 5."),
        .init(keywords: ["refund"], answer: "Refunds take five days."),
    ])

    func testC2TheChatbotAnswersWhatItKnowsAndHandsOffTheRest() {
        XCTAssertEqual(bot.reply(to: "What are your OPENING hours?", misses: 0), .answer("We are open 9 to 5."))
        XCTAssertEqual(bot.reply(to: "refund!!", misses: 1), .answer("Refunds take five days."), "punctuation does not hide a keyword")
        XCTAssertEqual(bot.reply(to: "Can I talk to a human", misses: 0), .handOff(bot.handOffMessage))
        XCTAssertEqual(bot.reply(to: "blorp", misses: 0), .notUnderstood(bot.fallback))
        XCTAssertEqual(bot.reply(to: "blorp again", misses: 1), .handOff(bot.handOffMessage), "two misses in a row hand off")
        XCTAssertEqual(bot.reply(to: "reopening", misses: 0), .notUnderstood(bot.fallback), "keywords match whole words")
        XCTAssertEqual(Visitor(id: "7", createdAt: Timestamp(millisecondsSince1970: 0)).address, "visitor-7")
    }
}
