import NIOConcurrencyHelpers
import NIOCore

/// Whether a `STARTTLS` line would start TLS, shared by a connection's line decoder (on the event
/// loop) and its session (in a task). The decoder stops at such a line, so that nothing the
/// client sent after it in plain text is ever read as a command of the encrypted session
/// (the STARTTLS command-injection flaw of RFC 3207 servers).
final class STARTTLSGate: Sendable {
    private struct State {
        var offered = true
        var inCommands = true
    }

    private let state = NIOLockedValueBox(State())

    /// Whether the decoder must stop at a `STARTTLS` line.
    var watching: Bool { state.withLockedValue { $0.offered && $0.inCommands } }

    /// Message text is not commands: a `STARTTLS` line in it is only text.
    func setReadingCommands(_ reading: Bool) {
        state.withLockedValue { $0.inCommands = reading }
    }

    /// TLS started: there is no second STARTTLS.
    func close() {
        state.withLockedValue { $0.offered = false }
    }

    static func isStartTLS(_ line: ByteBufferView) -> Bool {
        let bytes = Array(line).drop { $0 == 32 }.reversed().drop { $0 == 32 }.reversed()
        return bytes.count == 8 && zip(bytes, Array("STARTTLS".utf8)).allSatisfy { ($0 & 0xDF) == $1 }
    }
}
