// Measures the help desk as its users meet it: a real `helpdesk serve` process driven over HTTP.
// Prints ticket creation throughput and latency beside the same server's no-op ceiling, and
// search latency with a large number of stored tickets, on SQLite and (with --postgres) PostgreSQL;
// with --workspace N, the workspace's pages over N stored tickets (WorkspaceLoad); with --automation N,
// workflows run on N tickets moved into a stage (AutomationLoad).
// Needs `wrk` (Debian package) for the load. Figures only: it never fails on a slow result.
import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

struct Options {
    var binary = ".build/release/helpdesk"
    var clients = 32
    var seconds = 10
    var searchTickets = 100_000
    var mailConnections = 16
    var mailOnly = false
    var feedOnly = false
    var feedTickets = 2_000
    var jobs = 10_000
    var postgres: String?
    /// Runs only the workspace benchmark, with this many tickets stored.
    var workspaceTickets: Int?
    /// Where the workspace benchmark keeps its SQLite data between runs.
    var workspaceData: String?
    /// Runs only the routing benchmark, with this many tickets stored.
    var routingTickets: Int?
    var routingAgents = 1_000
    /// With --automation N: workflows run on N tickets moved into a stage (AutomationLoad).
    var automationTickets: Int?

    init(_ arguments: [String]) {
        var iterator = arguments.dropFirst().makeIterator()
        while let flag = iterator.next() {
            if flag == "--mail-only" {
                mailOnly = true
                continue
            }
            if flag == "--feed-only" {
                feedOnly = true
                continue
            }
            let value = iterator.next() ?? ""
            switch flag {
            case "--binary": binary = value
            case "--clients": clients = Int(value) ?? clients
            case "--seconds": seconds = Int(value) ?? seconds
            case "--search-tickets": searchTickets = Int(value) ?? searchTickets
            case "--mail-connections": mailConnections = Int(value) ?? mailConnections
            case "--postgres": postgres = value
            case "--feed-tickets": feedTickets = Int(value) ?? feedTickets
            case "--jobs": jobs = Int(value) ?? jobs
            case "--workspace": workspaceTickets = Int(value.replacingOccurrences(of: "_", with: ""))
            case "--workspace-data": workspaceData = value
            case "--routing": routingTickets = Int(value.replacingOccurrences(of: "_", with: ""))
            case "--routing-agents": routingAgents = Int(value) ?? routingAgents
            case "--automation": automationTickets = Int(value.replacingOccurrences(of: "_", with: ""))
            default:
                print("usage: helpdesk-bench [--binary PATH] [--clients N] [--seconds S] [--search-tickets N] [--mail-connections K] [--mail-only] [--feed-only] [--feed-tickets N] [--jobs N] [--postgres URL] [--workspace TICKETS [--workspace-data DIR]] [--routing TICKETS [--routing-agents N] [--workspace-data DIR]] [--automation TICKETS]")
                exit(2)
            }
        }
    }
}

/// What wrk reported for one run.
struct Load {
    var requestsPerSecond: Double
    var p50: String
    var p99: String
    var failures: Int

    var line: String {
        String(format: "%10.0f req/s   p50 %8@   p99 %8@", requestsPerSecond, p50 as NSString, p99 as NSString)
            + (failures > 0 ? "   (\(failures) non-2xx)" : "")
    }
}

func run(_ executable: String, _ arguments: [String]) -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.standardError
    do { try process.run() } catch { return (127, "\(error)") }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: data, as: UTF8.self))
}

func which(_ name: String) -> String? {
    let (status, path) = run("/usr/bin/env", ["which", name])
    return status == 0 ? path.trimmingCharacters(in: .whitespacesAndNewlines) : nil
}

/// A server process with its own data, on a port it picked.
final class Server {
    let process = Process()
    let base: String
    let smtpPort: Int
    let token: String

    init(binary: String, storage: [String]) throws {
        let (status, token) = run(binary, ["token", "create", "--email", "bench@example.com", "--super-admin",
                                           "--log-level", "error"] + storage)
        guard status == 0 else { throw BenchError("could not create a token") }
        self.token = token.trimmingCharacters(in: .whitespacesAndNewlines)
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["serve", "--host", "127.0.0.1", "--http-port", "0", "--smtp-port", "0", "--log-level", "info"] + storage
        let log = Pipe()
        process.standardError = log
        try process.run()
        var seen = ""
        func port(after words: String) -> String? {
            seen.range(of: words + #" 127\.0\.0\.1:\d+"#, options: .regularExpression).map { String(seen[$0].split(separator: ":").last!) }
        }
        while true {
            let chunk = log.fileHandleForReading.availableData
            if chunk.isEmpty { throw BenchError("server exited:\n\(seen)") }
            seen += String(decoding: chunk, as: UTF8.self)
            if let http = port(after: "Server started and listening on"), let smtp = port(after: "accepting mail on") {
                base = "http://127.0.0.1:" + http
                smtpPort = Int(smtp)!
                break
            }
        }
        // Keep draining the log so the server never blocks on a full pipe.
        log.fileHandleForReading.readabilityHandler = { _ = $0.availableData }
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

func wrk(_ url: String, clients: Int, seconds: Int, script: String? = nil, headers: [String] = []) throws -> Load {
    var arguments = ["-t", String(min(2, clients)), "-c", String(clients), "-d", "\(seconds)s", "--latency"]
    for header in headers { arguments += ["-H", header] }
    var scriptURL: URL?
    if let script {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("helpdesk-bench-\(UUID().uuidString).lua")
        try script.write(to: file, atomically: true, encoding: .utf8)
        arguments += ["-s", file.path]
        scriptURL = file
    }
    defer { scriptURL.map { try? FileManager.default.removeItem(at: $0) } }
    let (status, output) = run(which("wrk")!, arguments + [url])
    guard status == 0 else { throw BenchError("wrk failed:\n\(output)") }
    func capture(_ pattern: String) -> String? {
        guard let range = output.range(of: pattern, options: .regularExpression) else { return nil }
        return String(output[range]).split(separator: " ", omittingEmptySubsequences: true).last.map(String.init)
    }
    let rate = Double(capture(#"Requests/sec:\s+[\d.]+"#) ?? "0") ?? 0
    let failures = Int(capture(#"Non-2xx or 3xx responses:\s+\d+"#) ?? "0") ?? 0
    return Load(requestsPerSecond: rate, p50: capture(#"50%\s+[\d.]+\w+"#) ?? "?", p99: capture(#"99%\s+[\d.]+\w+"#) ?? "?",
                failures: failures)
}

func luaString(_ text: String) -> String {
    "'" + text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
}

func creationScript(token: String) -> String {
    """
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["Authorization"] = "Bearer \(token)"
    local counter = 0
    request = function()
      counter = counter + 1
      return wrk.format(nil, nil, nil, '{"properties":{"subject":"Benchmark ticket ' .. counter .. '","hs_pipeline":"0","hs_pipeline_stage":"1","hs_ticket_priority":"MEDIUM","content":"The printer on floor ' .. (counter % 7) .. ' is jammed again"}}')
    end
    """
}

func searchScript(token: String) -> String {
    let bodies = [
        #"{"filterGroups":[{"filters":[{"propertyName":"hs_ticket_priority","operator":"EQ","value":"URGENT"}]}],"limit":20}"#,
        #"{"query":"printer jammed","limit":20}"#,
        #"{"filterGroups":[{"filters":[{"propertyName":"hs_pipeline_stage","operator":"IN","values":["2","3"]},{"propertyName":"hs_ticket_priority","operator":"NEQ","value":"LOW"}]}],"sorts":[{"propertyName":"createdate","direction":"DESCENDING"}],"limit":50}"#,
        #"{"filterGroups":[{"filters":[{"propertyName":"subject","operator":"CONTAINS_TOKEN","value":"invoice"}]}],"limit":10}"#,
        #"{"filterGroups":[{"filters":[{"propertyName":"createdate","operator":"GTE","value":"2000-01-01T00:00:00Z"}]}],"sorts":[{"propertyName":"hs_object_id","direction":"DESCENDING"}],"limit":100}"#,
    ]
    return """
    wrk.method = "POST"
    wrk.headers["Content-Type"] = "application/json"
    wrk.headers["Authorization"] = "Bearer \(token)"
    local bodies = {\(bodies.map(luaString).joined(separator: ", "))}
    local counter = 0
    request = function()
      counter = counter + 1
      return wrk.format(nil, nil, nil, bodies[(counter % #bodies) + 1])
    end
    """
}

/// Fills the server with tickets through the batch API, 100 at a time, a few requests at once.
func seed(_ server: Server, upTo total: Int) async throws {
    let subjects = ["Printer jammed", "Invoice missing", "Cannot log in", "Refund request", "Delivery late", "Password reset"]
    let priorities = ["LOW", "MEDIUM", "HIGH", "URGENT"]
    let batches = (total + 99) / 100
    let started = Date()
    let base = server.base, token = server.token
    try await withThrowingTaskGroup(of: Void.self) { group in
        var next = 0
        func add() {
            let batch = next
            next += 1
            group.addTask {
                let inputs = (0..<100).map { offset -> String in
                    let n = batch * 100 + offset
                    return #"{"properties":{"subject":"\#(subjects[n % subjects.count]) #\#(n)","hs_pipeline":"0","hs_pipeline_stage":"\#(n % 4 + 1)","hs_ticket_priority":"\#(priorities[n % 4])","content":"Ticket \#(n) about order \#(n * 7919 % 100000)"}}"#
                }
                var request = URLRequest(url: URL(string: base + "/crm/v3/objects/tickets/batch/create")!)
                request.httpMethod = "POST"
                request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
                request.setValue("application/json", forHTTPHeaderField: "Content-Type")
                request.httpBody = Data(#"{"inputs":[\#(inputs.joined(separator: ","))]}"#.utf8)
                let (_, response) = try await URLSession.shared.data(for: request)
                guard (response as? HTTPURLResponse)?.statusCode == 201 else { throw BenchError("seeding failed: \(response)") }
            }
        }
        for _ in 0..<min(4, batches) { add() }
        while try await group.next() != nil {
            if next < batches { add() }
            if next % 100 == 0 && next > 0 {
                print("  seeded \(next * 100) tickets (\(Int(Double(next * 100) / Date().timeIntervalSince(started))) per second)")
            }
        }
    }
}

func benchmark(_ name: String, storage: [String], options: Options) async throws {
    print("\n== \(name)")
    let server = try Server(binary: options.binary, storage: storage)
    defer { server.stop() }
    if !options.mailOnly {
        try await benchmarkHTTP(server, options: options)
    }
    let (status, output) = run(options.binary, ["channel", "create", "email", "--address", "support@bench.example",
                                                "--log-level", "error"] + storage)
    guard status == 0 else { throw BenchError("could not connect the team address: \(output)") }
    let mail = try await mailLoad(port: server.smtpPort, recipient: "support@bench.example",
                                  connections: options.mailConnections, seconds: Double(options.seconds))
    print("inbound mail (SMTP)     \(options.mailConnections) connections: \(mail.line)")
    var request = URLRequest(url: URL(string: server.base + "/crm/v3/objects/tickets/search")!)
    request.httpMethod = "POST"
    request.setValue("Bearer \(server.token)", forHTTPHeaderField: "Authorization")
    request.setValue("application/json", forHTTPHeaderField: "Content-Type")
    request.httpBody = Data(#"{"filterGroups":[{"filters":[{"propertyName":"source_type","operator":"EQ","value":"EMAIL"}]}],"limit":1}"#.utf8)
    let (data, _) = try await URLSession.shared.data(for: request)
    let total = (try? JSONSerialization.jsonObject(with: data) as? [String: Any])?["total"] as? Int ?? -1
    print("  \(mail.messages) messages stored as \(total) tickets (every second message is a reply in its thread)")
}

func benchmarkHTTP(_ server: Server, options: Options) async throws {
    let ceiling = try wrk(server.base + "/health", clients: options.clients, seconds: options.seconds)
    print("no-op GET /health       \(options.clients) clients: \(ceiling.line)")
    let create = try wrk(server.base + "/crm/v3/objects/tickets", clients: options.clients, seconds: options.seconds,
                         script: creationScript(token: server.token))
    print("create ticket (POST)    \(options.clients) clients: \(create.line)")
    print(String(format: "creation is %.0f%% of the no-op ceiling", create.requestsPerSecond / max(ceiling.requestsPerSecond, 1) * 100))
    let stored = Int(create.requestsPerSecond) * options.seconds
    if options.searchTickets > stored {
        try await seed(server, upTo: options.searchTickets - stored)
    }
    for clients in [1, 8] {
        let search = try wrk(server.base + "/crm/v3/objects/tickets/search", clients: clients, seconds: options.seconds,
                             script: searchScript(token: server.token))
        print("search (\(options.searchTickets / 1000)k tickets)  \(clients) clients: \(search.line)")
    }
}

let options = Options(CommandLine.arguments)
guard options.mailOnly || which("wrk") != nil else {
    print("helpdesk-bench needs wrk: apt-get install wrk")
    exit(2)
}
guard FileManager.default.isExecutableFile(atPath: options.binary) else {
    print("Build the server first: swift build -c release --product helpdesk (or pass --binary)")
    exit(2)
}
let directory = FileManager.default.temporaryDirectory.appendingPathComponent("helpdesk-bench-\(UUID().uuidString)")
try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
defer { try? FileManager.default.removeItem(at: directory) }
print("helpdesk-bench: \(ProcessInfo.processInfo.activeProcessorCount) cores, \(options.clients) clients, \(options.seconds) s per run")
if let tickets = options.automationTickets {
    print("\n== Workflows, SQLite")
    try await AutomationLoad.measure(.sqlite(path: directory.appendingPathComponent("automation.sqlite").path), tickets: tickets)
    if let postgres = options.postgres {
        print("\n== Workflows, PostgreSQL")
        try await AutomationLoad.measure(.postgres(url: postgres), tickets: tickets)
    }
} else if let tickets = options.routingTickets {
    let data = options.workspaceData ?? directory.path
    try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
    print("\n== Routing among \(options.routingAgents) agents with \(tickets) tickets, SQLite")
    try await RoutingLoad.measure(location: .sqlite(path: data + "/helpdesk.sqlite"), agents: options.routingAgents, tickets: tickets,
                                  seconds: options.seconds)
    if let postgres = options.postgres {
        print("\n== Routing among \(options.routingAgents) agents with \(tickets) tickets, PostgreSQL")
        try await RoutingLoad.measure(location: .postgres(url: postgres), agents: options.routingAgents, tickets: tickets,
                                      seconds: options.seconds)
    }
} else if let tickets = options.workspaceTickets {
    let data = options.workspaceData ?? directory.path
    try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
    print("\n== The workspace with \(tickets) tickets, SQLite")
    try await WorkspaceLoad.measure(binary: options.binary, location: .sqlite(path: data + "/helpdesk.sqlite"),
                                    storage: ["--data-dir", data], tickets: tickets, seconds: options.seconds)
    if let postgres = options.postgres {
        print("\n== The workspace with \(tickets) tickets, PostgreSQL")
        try await WorkspaceLoad.measure(binary: options.binary, location: .postgres(url: postgres),
                                        storage: ["--database", postgres], tickets: tickets, seconds: options.seconds)
    }
} else {
    if !options.feedOnly {
        try await benchmark("SQLite", storage: ["--data-dir", directory.path], options: options)
        if let postgres = options.postgres {
            try await benchmark("PostgreSQL", storage: ["--database", postgres], options: options)
        }
    }
    print("\n== The feed and the jobs, SQLite")
    try await FeedLoad.measure(.sqlite(path: directory.appendingPathComponent("feed.sqlite").path), tickets: options.feedTickets,
                               jobs: options.jobs)
    if let postgres = options.postgres {
        print("\n== The feed and the jobs, PostgreSQL")
        try await FeedLoad.measure(.postgres(url: postgres), tickets: options.feedTickets, jobs: options.jobs)
    }
}
