import Foundation
import HelpDeskTestSupport
import XCTest
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Bad requests from outside get a 4xx with a message a user can act on, never a 5xx, and never
/// leave a half-written record behind.
final class BadInputTests: XCTestCase {
    var server: RunningServer!
    var token = ""
    var directory: URL!

    override func setUp() async throws {
        let binary = try RunningServer.binary()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("helpdesk-badinput-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        server = try RunningServer.start(binary: binary, location: .sqlite(path: directory.appendingPathComponent("x").path))
        token = try server.command(["token", "create", "--email", "admin@example.com", "--super-admin"])
    }

    override func tearDown() async throws {
        server?.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    func send(_ method: String, _ path: String, body: Data? = nil, token: String? = nil) async throws -> (Int, [String: Any]) {
        var request = URLRequest(url: URL(string: server.baseURL + path)!)
        request.httpMethod = method
        request.httpBody = body
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(token ?? self.token)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        let status = (response as! HTTPURLResponse).statusCode
        let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? [:]
        return (status, json)
    }

    func send(_ method: String, _ path: String, json: String) async throws -> (Int, [String: Any]) {
        try await send(method, path, body: Data(json.utf8))
    }

    func assertError(_ result: (Int, [String: Any]), status: Int, mentions words: [String], file: StaticString = #filePath,
                     line: UInt = #line) {
        XCTAssertEqual(result.0, status, "\(result.1)", file: file, line: line)
        let message = result.1["message"] as? String ?? ""
        for word in words {
            XCTAssertTrue(message.contains(word), "\"\(word)\" not in: \(message)", file: file, line: line)
        }
        XCTAssertNotNil(result.1["correlationId"], file: file, line: line)
        XCTAssertEqual(result.1["status"] as? String, "error", file: file, line: line)
        XCTAssertNotNil(result.1["category"], file: file, line: line)
    }

    func testMalformedJSONIsA400() async throws {
        assertError(try await send("POST", "/crm/v3/objects/tickets", json: #"{"properties": {"subject": "x""#),
                    status: 400, mentions: ["JSON"])
        assertError(try await send("POST", "/crm/v3/objects/tickets", json: ""), status: 400, mentions: ["JSON body"])
    }

    func testWrongShapesAreNamed() async throws {
        assertError(try await send("POST", "/crm/v3/objects/tickets", json: #"{"properties": ["subject"]}"#),
                    status: 400, mentions: ["properties"])
        assertError(try await send("POST", "/crm/v3/objects/tickets/search", json: #"{"limit": "many"}"#),
                    status: 400, mentions: ["limit", "a number"])
        assertError(try await send("POST", "/crm/v3/objects/tickets/search",
                                   json: #"{"filterGroups":[{"filters":[{"propertyName":"subject","operator":"LIKE","value":"x"}]}]}"#),
                    status: 400, mentions: ["LIKE", "CONTAINS_TOKEN"])
    }

    func testHugeBodiesAreRefusedWithTheLimit() async throws {
        let huge = Data(#"{"properties":{"subject":""#.utf8) + Data(repeating: 65, count: 5 * 1024 * 1024) + Data(#""}}"#.utf8)
        assertError(try await send("POST", "/crm/v3/objects/tickets", body: huge), status: 413, mentions: ["MiB"])
    }

    func testUnknownTypesPipelinesAndRecordsAre404() async throws {
        assertError(try await send("GET", "/crm/v3/objects/spaceships"), status: 404, mentions: ["spaceships", "tickets"])
        assertError(try await send("GET", "/crm/v3/pipelines/tickets/77"), status: 404, mentions: ["77"])
        assertError(try await send("GET", "/crm/v3/objects/tickets/123456"), status: 404, mentions: ["123456"])
        assertError(try await send("GET", "/crm/v3/objects/tickets/abc"), status: 404, mentions: ["abc"])
    }

    func testPagingPastTheEndIsEmptyNotAnError() async throws {
        let (status, json) = try await send("GET", "/crm/v3/objects/tickets?after=999999&limit=5")
        XCTAssertEqual(status, 200)
        XCTAssertEqual((json["results"] as? [Any])?.count, 0)
        XCTAssertNil(json["paging"])
        assertError(try await send("GET", "/crm/v3/objects/tickets?after=-3"), status: 400, mentions: ["after"])
        assertError(try await send("GET", "/crm/v3/objects/tickets?limit=1000"), status: 400, mentions: ["limit"])
    }

    func testRefusedBatchWritesNothing() async throws {
        let batch = #"{"inputs":[{"properties":{"subject":"ok","hs_pipeline":"0","hs_pipeline_stage":"1"}},{"properties":{"subject":"bad","hs_pipeline":"0","hs_pipeline_stage":"1","sla":"x"}}]}"#
        assertError(try await send("POST", "/crm/v3/objects/tickets/batch/create", json: batch), status: 400,
                    mentions: ["Input 2", "sla"])
        let (_, page) = try await send("GET", "/crm/v3/objects/tickets")
        XCTAssertEqual((page["results"] as? [Any])?.count, 0)
    }

    func testMissingOrBadTokenIs401() async throws {
        assertError(try await send("GET", "/crm/v3/objects/tickets", token: "nope"), status: 401, mentions: ["token"])
        var request = URLRequest(url: URL(string: server.baseURL + "/crm/v3/objects/tickets")!)
        request.httpMethod = "GET"
        let (_, response) = try await URLSession.shared.data(for: request)
        XCTAssertEqual((response as! HTTPURLResponse).statusCode, 401)
    }

    func testHealthNeedsNoToken() async throws {
        let (data, response) = try await URLSession.shared.data(from: URL(string: server.baseURL + "/health")!)
        XCTAssertEqual((response as! HTTPURLResponse).statusCode, 200)
        XCTAssertEqual(String(decoding: data, as: UTF8.self), #"{"status":"ok"}"#)
    }

    func testAKnownPathAskedWithAnotherMethodAnswers405WithAllow() async throws {
        var request = URLRequest(url: URL(string: server.baseURL + "/crm/v3/objects/tickets")!)
        request.httpMethod = "PUT"
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as! HTTPURLResponse
        XCTAssertEqual(http.statusCode, 405)
        XCTAssertEqual(http.value(forHTTPHeaderField: "Allow"), "GET, HEAD, POST")
        let body = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        XCTAssertEqual(body?["category"] as? String, "VALIDATION_ERROR")
        let (unknown, _) = try await send("PUT", "/crm/v3/nothing/here")
        XCTAssertEqual(unknown, 404, "an unknown path stays a 404")
    }

    func testAnUnknownAssociationCategoryIsRefusedAndNothingIsWritten() async throws {
        let (_, contact) = try await send("POST", "/crm/v3/objects/contacts", json: #"{"properties": {"email": "ann@example.org"}}"#)
        let (_, ticket) = try await send("POST", "/crm/v3/objects/tickets",
                                         json: #"{"properties": {"subject": "x", "hs_pipeline": "0", "hs_pipeline_stage": "1"}}"#)
        let contactID = try XCTUnwrap(contact["id"] as? String), ticketID = try XCTUnwrap(ticket["id"] as? String)
        assertError(try await send("PUT", "/crm/v4/objects/tickets/\(ticketID)/associations/contacts/\(contactID)",
                                   json: #"[{"associationCategory": "MADE_UP", "associationTypeId": 16}]"#),
                    status: 400, mentions: ["associationCategory", "MADE_UP"])
        let (_, links) = try await send("GET", "/crm/v4/objects/tickets/\(ticketID)/associations/contacts")
        XCTAssertEqual((links["results"] as? [Any])?.count, 0, "nothing was linked")
        assertError(try await send("POST", "/crm/v3/objects/tickets", json: """
            {"properties": {"subject": "y", "hs_pipeline": "0", "hs_pipeline_stage": "1"},
             "associations": [{"to": {"id": "\(contactID)"}, "types": [{"associationCategory": "MADE_UP", "associationTypeId": 16}]}]}
            """), status: 400, mentions: ["MADE_UP"])
    }

    func testAnOutOfRangeNumberIsNamedByItsField() async throws {
        assertError(try await send("PUT", "/crm/v4/objects/tickets/1/associations/contacts/2",
                                   json: #"[{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 99999999999999999999999}]"#),
                    status: 400, mentions: ["associationTypeId"])
    }
}
