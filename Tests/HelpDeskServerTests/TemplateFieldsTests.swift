@testable import HelpDeskServer
import Mustache
import XCTest

/// The pages' list items answer their templates by name (`TemplateFields.swift`): every field of
/// each item must be answered, or a field added later would silently vanish from the page.
final class TemplateFieldsTests: XCTestCase {
    func assertAnswersEveryField(_ item: some MustacheParent, file: StaticString = #filePath, line: UInt = #line) {
        for child in Mirror(reflecting: item).children {
            guard let label = child.label else { continue }
            let answered = item.child(named: label)
            XCTAssertEqual(answered.map { "\($0)" }, Self.unwrapped(child.value).map { "\($0)" },
                           "\(type(of: item)).\(label)", file: file, line: line)
        }
        XCTAssertNil(item.child(named: "noSuchField"), "an unknown name climbs to the enclosing item", file: file, line: line)
    }

    static func unwrapped(_ value: Any) -> Any? {
        let mirror = Mirror(reflecting: value)
        guard mirror.displayStyle == .optional else { return value }
        return mirror.children.first?.value
    }

    func testEveryListItemAnswersEachOfItsFields() {
        assertAnswersEveryField(WorkspaceRoutes.TicketRow(id: "1", subject: "s", status: "st", priority: "p", owner: "o", updated: "u",
                                                          updatedISO: "i"))
        assertAnswersEveryField(WorkspaceRoutes.OwnerOption(id: "1", name: "n", selected: true))
        assertAnswersEveryField(WorkspaceRoutes.StatusChoice(id: "1", label: "l"))
        assertAnswersEveryField(WorkspaceRoutes.ViewLink(id: "1", title: "t", count: "2", current: true, saved: true))
        assertAnswersEveryField(WorkspaceRoutes.SortOption(id: "1", title: "t", selected: true))
        assertAnswersEveryField(TicketRoutes.StatusOption(id: "1", label: "l", selected: true))
        assertAnswersEveryField(TicketRoutes.SenderOption(id: "1", label: "l", selected: true))
        assertAnswersEveryField(TicketRoutes.Teammate(handle: "h", name: "n"))
        assertAnswersEveryField(TicketRoutes.AttachmentLink(id: "1", name: "n", size: "s"))
        assertAnswersEveryField(TicketRoutes.MessageView(
            kind: "k", kindLabel: "kl", sender: "s", to: "t", cc: "c", sentISO: "i", text: "x",
            attachments: [TicketRoutes.AttachmentLink(id: "1", name: "n", size: "s")], hasAttachments: true, answerLink: "a",
            frame: TicketRoutes.FrameView(source: "f", size: "z")))
        assertAnswersEveryField(TicketSide.Option(value: "v", label: "l", selected: true))
        assertAnswersEveryField(TicketSide.Field(name: "n", label: "l", value: "v", text: true, options: [.init(value: "v", label: "l", selected: false)],
                                                 required: true, none: "-"))
        assertAnswersEveryField(TicketSide.Linked(id: "1", name: "n"))
        assertAnswersEveryField(TicketSide.Activity(text: "t", atISO: "i"))
        assertAnswersEveryField(TicketSide.Choice(name: "n", label: "l", checked: true))
        assertAnswersEveryField(RoutingRuleFields.Choice(value: "v", label: "l", checked: true))
        assertAnswersEveryField(RoutingProfileRoutes.SkillField(name: "n", label: "l", typed: false, text: "t",
                                                                options: [.init(value: "v", label: "l", checked: true)]))
        assertAnswersEveryField(RoutingProfileRoutes.CapacityField(type: "t", label: "l", value: "v"))
    }
}
