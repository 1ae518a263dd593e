import HelpDeskCore
import XCTest

final class FormRuleTests: XCTestCase {
    let now = Timestamp(millisecondsSince1970: 1_800_000_000_000)
    let contacts = RecordSchema(type: .contacts, properties: BuiltInProperties.definitions(for: .contacts), pipelines: [])
    var tickets: RecordSchema {
        RecordSchema(type: .tickets, properties: BuiltInProperties.definitions(for: .tickets), pipelines: [DefaultPipelines.tickets(at: now)])
    }

    func field(_ type: ObjectType, _ name: String, _ label: String, required: Bool = false, kind: FormField.Kind? = nil) -> FormField {
        let schema = type.isTicket ? tickets : contacts
        return FormField(objectTypeID: type.id, name: name, label: label, required: required,
                         kind: FormField.kind(for: schema.properties[name]!, objectTypeID: type.id, asked: kind))
    }

    var form: Form {
        Form(id: "f1", channelID: "3", name: "Contact us", fields: [
            field(.contacts, "email", "Email", required: true),
            field(.contacts, "firstname", "First name"),
            field(.tickets, "hs_ticket_priority", "Priority"),
            field(.tickets, "content", "Your question", required: true),
        ], createdAt: now, updatedAt: now)
    }

    func testFieldKindsFollowTheirProperties() {
        XCTAssertEqual(form.fields.map(\.kind), [.email, .singleLineText, .dropdown, .multiLineText])
        XCTAssertEqual(field(.contacts, "phone", "Phone").kind, .phone)
        XCTAssertEqual(field(.contacts, "firstname", "Bio", kind: .multiLineText).kind, .multiLineText)
        XCTAssertEqual(field(.tickets, "hs_ticket_priority", "P", kind: .multiLineText).kind, .dropdown, "an enumeration stays a choice")
        XCTAssertEqual(form.fields[0].inputName, "0-1/email")
    }

    func testC2AFormNeedsARequiredEmailAndWritableKnownProperties() throws {
        XCTAssertNoThrow(try FormRules.check(form, contacts: contacts, tickets: tickets))
        var bad = form
        bad.fields[0].required = false
        bad.fields.append(FormField(objectTypeID: "0-5", name: "hs_pipeline_stage", label: "Status", required: false, kind: .singleLineText))
        bad.fields.append(FormField(objectTypeID: "0-5", name: "no_such_thing", label: "X", required: false, kind: .singleLineText))
        bad.fields.append(FormField(objectTypeID: "0-3", name: "dealname", label: "Deal", required: false, kind: .singleLineText))
        bad.fields.append(form.fields[1])
        bad.fields[1].label = " "
        XCTAssertThrowsError(try FormRules.check(bad, contacts: contacts, tickets: tickets)) { error in
            let message = (error as? FormError)?.message ?? ""
            for expected in ["required contact email field", "hs_pipeline_stage\" is set by the help desk", "\"no_such_thing\" does not exist",
                             "must be 0-1 (contact) or 0-5 (ticket)", "0-1/firstname appears twice", "needs a label"] {
                XCTAssertTrue(message.contains(expected), "\(expected) in \(message)")
            }
        }
    }

    func testC2ASubmissionFillsTheContactAndTheTicket() throws {
        let submission = try FormRules.read([
            "0-1/email": " Ada@Example.ORG ", "0-1/firstname": "Ada\r\nLovelace", "0-5/hs_ticket_priority": "HIGH",
            "0-5/content": "My printer\r\nis on fire\u{7}\n", "0-5/subject": "ignored: not on the form",
        ], form: form, contacts: contacts, tickets: tickets)
        XCTAssertEqual(submission.email, "ada@example.org")
        XCTAssertEqual(submission.contact, ["email": "ada@example.org", "firstname": "Ada Lovelace"])
        XCTAssertEqual(submission.ticket["hs_ticket_priority"], "HIGH")
        XCTAssertEqual(submission.ticket["content"], "My printer\nis on fire", "line breaks kept in text areas, control characters dropped")
        XCTAssertEqual(submission.ticket["subject"], "Contact us from ada@example.org")
        XCTAssertEqual(submission.summary, "Email: ada@example.org\nFirst name: Ada Lovelace\nPriority: HIGH\nYour question:\nMy printer\nis on fire")
    }

    func testC2ABadSubmissionNamesEachField() {
        XCTAssertThrowsError(try FormRules.read([
            "0-1/email": "not-an-address", "0-5/hs_ticket_priority": "URGENT!!", "0-5/content": "   ",
        ], form: form, contacts: contacts, tickets: tickets)) { error in
            let problems = (error as? FormError)?.problems ?? []
            XCTAssertEqual(problems.map(\.field), ["0-1/email", "0-5/hs_ticket_priority", "0-5/content"])
            XCTAssertEqual(problems.map(\.message), ["Email must be an email address, like name@example.com.",
                                                     "Please choose one of the options for Priority.", "Please fill in Your question."])
        }
        XCTAssertThrowsError(try FormRules.read(["0-1/email": "a@example.org", "0-5/content": String(repeating: "x", count: 70_000)],
                                                form: form, contacts: contacts, tickets: tickets)) { error in
            XCTAssertTrue((error as? FormError)?.message.contains("too long") == true)
        }
    }
}
