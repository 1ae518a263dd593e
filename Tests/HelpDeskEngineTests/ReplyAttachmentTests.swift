import Foundation
import HelpDeskCore
import HelpDeskEngine
import HelpDeskMail
import HelpDeskStore
import HelpDeskTestSupport
import XCTest

/// R3: files attached to a reply are stored on the sent message as incoming ones are, go out in
/// its mail, stay within the limits, and may go with an internal comment too; on each database.
final class ReplyAttachmentTests: XCTestCase {
    /// The mail waiting in the outbox for a message, as the relay would receive it.
    private func outgoingMail(of messageID: String, on desk: HelpDesk) async throws -> MailMessage {
        let entries = try await desk.database.write { session -> [OutboxEntry] in
            var entries: [OutboxEntry] = []
            for job in try await session.leaseDueJobs(kinds: ["mail.deliver"], now: Timestamp.now(), lease: .seconds(300), limit: 100) {
                if let entry = try await session.outboxEntry(id: Int64(job.payload) ?? 0) { entries.append(entry) }
            }
            return entries
        }
        let entry = try XCTUnwrap(entries.first { $0.messageID.map(String.init) == messageID })
        return try MailMessage(parsing: Array(entry.data))
    }

    func testR3ReplyCarriesAttachments() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            _ = try await desk.channels.create(ChannelDraft(kind: .email, address: "support@example.com"), by: people.admin)
            let made = try await desk.records.create(
                type: "tickets", [RecordInput(properties: ["subject": "Invoice", "hs_pipeline": "0", "hs_pipeline_stage": "1"])],
                by: people.agent)
            let ticket = try XCTUnwrap(made.first)
            let first = try await desk.conversations.start(ticketID: ticket.id, ReplyDraft(text: "Hello", to: ["zoe@example.org"]),
                                                           by: people.agent)
            let pdf = Array("%PDF-1.4 invoice".utf8) + (0..<2000).map { UInt8($0 % 256) }
            let files = [
                NewAttachment(uploadedAs: "C:\\Users\\ada\\Rechnung März.pdf", contentType: "application/pdf", bytes: pdf),
                NewAttachment(uploadedAs: "notes.txt", contentType: "text/plain; charset=utf-8", bytes: Array("Ready on Monday.".utf8)),
            ]
            let sent = try await desk.conversations.reply(conversationID: first.conversationID,
                                                          ReplyDraft(text: "Here is the invoice.", attachments: files), by: people.agent)
            XCTAssertEqual(sent.attachments.map(\.filename), ["Rechnung März.pdf", "notes.txt"], "only the file's own name is kept")
            XCTAssertEqual(sent.attachments.map(\.contentType), ["application/pdf", "text/plain"])
            XCTAssertEqual(sent.attachments.map(\.size), [pdf.count, 16])

            let thread = try await desk.conversations.messages(conversationID: first.conversationID, by: people.agent)
            XCTAssertEqual(thread.last?.attachments.map(\.filename), ["Rechnung März.pdf", "notes.txt"],
                           "the thread lists the files under the sent message")
            let attachmentID = try XCTUnwrap(sent.attachments.first?.id)
            let (summary, data) = try await desk.conversations.attachment(id: attachmentID, by: people.agent)
            XCTAssertEqual(summary.filename, "Rechnung März.pdf")
            XCTAssertEqual(Array(data), pdf, "the bytes are stored as sent")

            let mail = try await outgoingMail(of: sent.id, on: desk)
            XCTAssertEqual(mail.text, "Here is the invoice.")
            XCTAssertEqual(mail.attachments.map(\.filename), ["Rechnung März.pdf", "notes.txt"])
            XCTAssertEqual(mail.attachments.map(\.data), [pdf, Array("Ready on Monday.".utf8)], "the customer's mail carries the files")
        }
    }

    func testR3AttachmentsBeyondTheLimitsAreRefusedAndNothingIsSent() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            _ = try await desk.channels.create(ChannelDraft(kind: .email, address: "support@example.com"), by: people.admin)
            let made = try await desk.records.create(
                type: "tickets", [RecordInput(properties: ["subject": "Photos", "hs_pipeline": "0", "hs_pipeline_stage": "1"])],
                by: people.agent)
            let ticket = try XCTUnwrap(made.first)
            let first = try await desk.conversations.start(ticketID: ticket.id, ReplyDraft(text: "Hello", to: ["zoe@example.org"]),
                                                           by: people.agent)
            func file(_ name: String, megabytes: Double) -> NewAttachment {
                NewAttachment(uploadedAs: name, contentType: "image/jpeg", bytes: [UInt8](repeating: 7, count: Int(megabytes * 1_048_576)))
            }
            let refused: [[NewAttachment]] = [
                [file("large.jpg", megabytes: 10.5)],
                [file("a.jpg", megabytes: 9.5), file("b.jpg", megabytes: 9.5)],
                (0...AttachmentLimits.maxFiles).map { file("\($0).jpg", megabytes: 0) },
            ]
            for files in refused {
                do {
                    _ = try await desk.conversations.reply(conversationID: first.conversationID,
                                                           ReplyDraft(text: "Photos attached", attachments: files), by: people.agent)
                    XCTFail("\(files.count) files of \(files.map(\.bytes.count)) bytes are beyond the limits")
                } catch HelpDeskError.badRequest(let reason) {
                    XCTAssertTrue(reason.contains("MB") || reason.contains("files"), reason)
                }
            }
            let thread = try await desk.conversations.messages(conversationID: first.conversationID, by: people.agent)
            XCTAssertEqual(thread.count, 1, "nothing refused is stored")
        }
    }

    func testR3CommentCarriesAttachmentsThatNeverLeave() async throws {
        try await TestDatabases.each { desk in
            let people = try await TestPeople.make(on: desk)
            _ = try await desk.channels.create(ChannelDraft(kind: .email, address: "support@example.com"), by: people.admin)
            let made = try await desk.records.create(
                type: "tickets", [RecordInput(properties: ["subject": "Logs", "hs_pipeline": "0", "hs_pipeline_stage": "1"])],
                by: people.agent)
            let ticket = try XCTUnwrap(made.first)
            let first = try await desk.conversations.start(ticketID: ticket.id, ReplyDraft(text: "Hello", to: ["zoe@example.org"]),
                                                           by: people.agent)
            let comment = try await desk.conversations.comment(
                conversationID: first.conversationID, text: "The server's log",
                attachments: [NewAttachment(uploadedAs: "server.log", contentType: nil, bytes: Array("line 1".utf8))], by: people.agent)
            XCTAssertEqual(comment.attachments.map(\.filename), ["server.log"])
            XCTAssertEqual(comment.attachments.map(\.contentType), ["application/octet-stream"])
            XCTAssertNil(comment.delivery, "a comment and its files never go to the outbox")
        }
    }
}
