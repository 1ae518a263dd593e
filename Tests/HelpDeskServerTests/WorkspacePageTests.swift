@testable import HelpDeskServer
import XCTest

/// The address a form comes back to (the header's availability switch) is always a page of this site.
final class WorkspacePageTests: XCTestCase {
    func testA6TheSwitchComesBackOnlyToAPathOfThisSite() {
        XCTAssertEqual(WorkspacePage.localPath("/tickets/5?answer=7"), "/tickets/5?answer=7")
        XCTAssertEqual(WorkspacePage.localPath("http://help.example.com/views/all-open?sort=PRIORITY"), "/views/all-open?sort=PRIORITY",
                       "of a Referer, only the path and query are kept")
        XCTAssertEqual(WorkspacePage.localPath("https://elsewhere.example/settings/users"), "/settings/users")
        XCTAssertEqual(WorkspacePage.localPath("//elsewhere.example/x"), "/x", "a scheme-relative address keeps its path only")
        for outside in ["javascript:alert(1)", "tickets/5", "", "http://elsewhere.example"] {
            XCTAssertNil(WorkspacePage.localPath(outside), outside)
        }
        for tricky in ["/\\elsewhere.example", "///elsewhere.example", "/%2F/elsewhere.example"] {
            let path = WorkspacePage.localPath(tricky)
            XCTAssert(path.map { $0.hasPrefix("/") && !$0.hasPrefix("//") && !$0.contains("\\") } ?? true, "\(tricky) gave \(path ?? "nil")")
        }
        XCTAssertNil(WorkspacePage.localPath(nil))
    }
}
