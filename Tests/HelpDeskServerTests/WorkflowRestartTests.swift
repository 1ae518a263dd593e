import Foundation
import HelpDeskTestSupport
import XCTest

/// A server killed (SIGKILL) while a workflow's run waits in a one-minute delay, and started again
/// on the same database: the rest of the run is done once, through `Tests/compat/workflow_restart.py`.
final class WorkflowRestartTests: XCTestCase {
    func testW2AServerKilledDuringADelayIsStartedAgainAndRunsTheNextStepOnce() async throws {
        let python = ProcessInfo.processInfo.environment["HELPDESK_TEST_PYTHON"] ?? "/usr/bin/python3"
        let script = CompatibilityTests.packageRoot.appendingPathComponent("Tests/compat/workflow_restart.py").path
        let binary = try RunningServer.binary()
        try await TestDatabases.eachLocation { location in
            let first = try RunningServer.start(binary: binary, location: location)
            let token = try first.command(["token", "create", "--email", "robot@example.com", "--super-admin"])
            let (status, output) = try RunningServer.run(python, [script, "before", first.baseURL, token])
            print(output)
            kill(first.process.processIdentifier, SIGKILL)
            first.process.waitUntilExit()
            XCTAssertEqual(status, 0, "before the kill, on \(location):\n\(output)")
            let ticket = output.split(separator: "\n").dropLast().last.map(String.init) ?? ""

            let again = try RunningServer.start(binary: binary, location: location)
            defer { again.stop() }
            let (afterStatus, afterOutput) = try RunningServer.run(python, [script, "after", again.baseURL, token, ticket])
            print(afterOutput)
            XCTAssertEqual(afterStatus, 0, "after the restart, on \(location):\n\(afterOutput)")
            XCTAssertTrue(afterOutput.contains(" passed, 0 failed"), afterOutput)
        }
    }
}
