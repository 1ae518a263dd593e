/// How long the workspace's sign-in makes someone wait after failed attempts, counted per account
/// and per address: a few free tries, then pauses that double with each failure, up to a quarter
/// of an hour. A user who mistypes waits seconds; guessing a password takes years. A success
/// clears the account's count, and a count left alone for a day starts again.
public enum SignInThrottle {
    public static let freeAttempts = 5
    public static let longestPause: Int64 = 15 * 60 * 1000
    public static let forgetAfter: Int64 = 24 * 3600 * 1000

    /// Failed attempts in a row, and the time of the last one.
    public struct Failures: Sendable, Hashable {
        public var count: Int
        public var last: Timestamp

        public init(count: Int, last: Timestamp) {
            self.count = count
            self.last = last
        }
    }

    /// When the next attempt may be made; `nil` when it may be made now.
    public static func nextAttempt(after failures: Failures?, now: Timestamp) -> Timestamp? {
        guard let failures, failures.count >= freeAttempts,
              now.millisecondsSince1970 - failures.last.millisecondsSince1970 < forgetAfter else { return nil }
        let doublings = min(failures.count - freeAttempts, 20)
        let pause = min(Int64(1_000) << doublings, longestPause)
        let next = failures.last.adding(milliseconds: pause)
        return next.millisecondsSince1970 > now.millisecondsSince1970 ? next : nil
    }

    /// The count after one more failure at `now`.
    public static func failed(_ failures: Failures?, at now: Timestamp) -> Failures {
        guard let failures, now.millisecondsSince1970 - failures.last.millisecondsSince1970 < forgetAfter else {
            return Failures(count: 1, last: now)
        }
        return Failures(count: failures.count + 1, last: now)
    }
}
