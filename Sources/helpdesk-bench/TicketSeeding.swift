import HelpDeskEngine

/// Stores many tickets for a benchmark, 500 to a request and three requests at a time, reporting
/// the rate as it goes.
enum TicketSeeding {
    static func store(_ desk: HelpDesk, from start: Int, to total: Int, by caller: Caller, reportEvery: Int,
                      properties: @escaping @Sendable (Int) -> [String: String]) async throws {
        let started = ContinuousClock.now
        let batch = 500
        var next = start
        var reported = start
        try await withThrowingTaskGroup(of: Void.self) { group in
            func add() {
                let first = next
                let last = min(total, first + batch)
                next = last
                group.addTask {
                    _ = try await desk.records.create(type: "tickets", (first..<last).map { RecordInput(properties: properties($0)) }, by: caller)
                }
            }
            for _ in 0..<3 where next < total { add() }
            while try await group.next() != nil {
                if next < total { add() }
                if next - reported >= reportEvery || (next == total && reported < total) {
                    reported = next
                    let rate = Double(next - start) * 1000 / milliseconds(started.duration(to: .now))
                    print("  seeded \(next) tickets (\(Int(rate)) per second)")
                }
            }
        }
    }
}
