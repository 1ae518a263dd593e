import NIOConcurrencyHelpers
import NIOCore

/// Shared by a connection's line decoder (on the event loop) and its session (in a task), which
/// reads lines later than the decoder splits them. While TLS is offered, the decoder stops at
/// every line that reads `STARTTLS`, so that nothing the client sent after it in plain text is
/// split before the session has decided: an accepted STARTTLS throws the rest away (the
/// command-injection flaw of RFC 3207 servers), and a `STARTTLS` line that was message text
/// lets the decoder go on.
package final class STARTTLSGate: Sendable {
    private struct State {
        var offered = true
        /// Bumped each time the session lets the decoder go on.
        var resumptions = 0
    }

    private let state = NIOLockedValueBox(State())

    package init() {}

    /// Whether the decoder must stop at a `STARTTLS` line.
    var offered: Bool { state.withLockedValue { $0.offered } }

    var resumptions: Int { state.withLockedValue { $0.resumptions } }

    /// The `STARTTLS` line was message text: the decoder may read on.
    package func resume() {
        state.withLockedValue { $0.resumptions += 1 }
    }

    /// TLS started: there is no second STARTTLS.
    package func close() {
        state.withLockedValue { $0.offered = false }
    }

    package static func isStartTLS(_ line: ByteBufferView) -> Bool {
        let bytes = Array(line).drop { $0 == 32 }.reversed().drop { $0 == 32 }.reversed()
        return bytes.count == 8 && zip(bytes, Array("STARTTLS".utf8)).allSatisfy { ($0 & 0xDF) == $1 }
    }
}
