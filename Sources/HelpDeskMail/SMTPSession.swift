import CoreMetrics
import NIOCore

/// One client's SMTP conversation (RFC 5321, with SIZE, 8BITMIME, PIPELINING, enhanced status
/// codes, and STARTTLS when a certificate is configured): reads lines, keeps the transaction's
/// state, answers each command in order. A message is acknowledged with 250 only after `deliver`
/// returned, that is after it was stored.
struct SMTPSession {
    private enum State {
        case command
        case data
    }

    let configuration: SMTPServer.Configuration
    let acceptsRecipient: @Sendable (String) async throws -> Bool
    let deliver: @Sendable (SMTPEnvelope, [UInt8]) async throws -> Void
    let remoteAddress: String?
    /// Set when TLS can be offered.
    let gate: STARTTLSGate?

    private var state = State.command
    private(set) var encrypted = false
    /// The last command was an accepted STARTTLS: the connection must start TLS before reading on.
    private(set) var startsTLS = false
    /// The decoder stopped at a `STARTTLS` line that was not a command to start TLS: it must be
    /// told to read on.
    private(set) var resumesDecoder = false
    private var clientName: String?
    private var sender: String?
    private var recipients: [String] = []
    private var message: [UInt8] = []
    private var oversize = false
    private var lineTooLong = false
    private var errors = 0

    init(configuration: SMTPServer.Configuration, remoteAddress: String?, gate: STARTTLSGate? = nil,
         acceptsRecipient: @escaping @Sendable (String) async throws -> Bool,
         deliver: @escaping @Sendable (SMTPEnvelope, [UInt8]) async throws -> Void) {
        self.configuration = configuration
        self.remoteAddress = remoteAddress
        self.gate = gate
        self.acceptsRecipient = acceptsRecipient
        self.deliver = deliver
    }

    var greeting: String { "220 \(configuration.hostname) ESMTP help desk ready" }

    /// What to answer to one line, and whether to close the connection after it. `nil`: no answer
    /// (a line of message text).
    mutating func handle(_ input: SMTPLine) async -> (reply: String?, close: Bool) {
        resumesDecoder = false
        if let gate, gate.offered, case .line(let buffer) = input, STARTTLSGate.isStartTLS(buffer.readableBytesView),
           state == .data {
            gate.resume()
            resumesDecoder = true
        }
        switch state {
        case .data:
            return await handleData(input)
        case .command:
            guard case .line(let buffer) = input else {
                return failed("500 5.5.2 Line too long; commands are at most \(configuration.maxCommandLength) bytes")
            }
            guard buffer.readableBytes <= configuration.maxCommandLength else {
                return failed("500 5.5.2 Line too long; commands are at most \(configuration.maxCommandLength) bytes")
            }
            if STARTTLSGate.isStartTLS(buffer.readableBytesView) { return startTLS() }
            return await handleCommand(String(decoding: buffer.readableBytesView, as: UTF8.self))
        }
    }

    /// STARTTLS, taken on exactly the lines the decoder stops at: on any other line the decoder
    /// would wait for a decision that never comes, or plain text sent after the command would be
    /// read as if it had come under TLS.
    private mutating func startTLS() -> (reply: String?, close: Bool) {
        guard let gate, !encrypted else {
            return failed(encrypted ? "503 5.5.1 TLS is already on" : "454 4.7.0 TLS is not available on this server")
        }
        guard sender == nil else {
            // The decoder stopped at this line; the connection cannot go on in plain text.
            return ("503 5.5.1 STARTTLS is not allowed inside a mail transaction; closing the connection", true)
        }
        gate.close()
        startsTLS = true
        return (nil, false)
    }

    private mutating func handleCommand(_ line: String) async -> (reply: String?, close: Bool) {
        let verbEnd = line.firstIndex(of: " ") ?? line.endIndex
        let verb = line[..<verbEnd].uppercased()
        let argument = line[verbEnd...].trimmingSpaces
        switch verb {
        case "EHLO", "HELO":
            guard !argument.isEmpty else { return failed("501 5.5.4 Say who you are: \(verb) your.host.name") }
            clientName = String(argument)
            reset()
            if verb == "HELO" { return ("250 \(configuration.hostname)", false) }
            var lines = [
                "250-\(configuration.hostname) greets \(argument)",
                "250-SIZE \(configuration.maxMessageSize)",
                "250-8BITMIME",
                "250-PIPELINING",
            ]
            if gate != nil, !encrypted { lines.append("250-STARTTLS") }
            lines.append("250 ENHANCEDSTATUSCODES")
            return (lines.joined(separator: "\r\n"), false)
        case "MAIL":
            guard clientName != nil else { return failed("503 5.5.1 Send EHLO or HELO first") }
            guard sender == nil else { return failed("503 5.5.1 A message is already in progress; send RSET to start over") }
            guard let (path, parameters) = Self.path(after: "FROM:", in: argument) else {
                return failed("501 5.5.4 Syntax: MAIL FROM:<address>")
            }
            for parameter in parameters where parameter.uppercased().hasPrefix("SIZE=") {
                if let size = Int(parameter.dropFirst(5)), size > configuration.maxMessageSize {
                    return failed("552 5.3.4 Message too big; the limit is \(configuration.maxMessageSize) bytes")
                }
            }
            sender = path
            return ("250 2.1.0 Sender OK", false)
        case "RCPT":
            guard sender != nil else { return failed("503 5.5.1 Send MAIL FROM first") }
            guard let (path, _) = Self.path(after: "TO:", in: argument), !path.isEmpty else {
                return failed("501 5.5.4 Syntax: RCPT TO:<address>")
            }
            guard recipients.count < configuration.maxRecipients else {
                return ("452 4.5.3 Too many recipients; send the rest in another message", false)
            }
            let accepted: Bool
            do {
                accepted = try await acceptsRecipient(path)
            } catch {
                // Not knowing is not a refusal: the sender keeps the message and tries again.
                Self.count("recipient_deferred")
                return ("451 4.3.0 <\(path)> cannot be checked now; please try again later", false)
            }
            guard accepted else {
                Self.count("recipient_refused")
                return failed("550 5.1.1 <\(path)>: no team address of this help desk")
            }
            recipients.append(path)
            return ("250 2.1.5 Recipient OK", false)
        case "DATA":
            guard sender != nil else { return failed("503 5.5.1 Send MAIL FROM first") }
            guard !recipients.isEmpty else { return failed("554 5.5.1 No valid recipients") }
            state = .data
            message.removeAll(keepingCapacity: true)
            message.reserveCapacity(16_384)
            return ("354 End data with <CR><LF>.<CR><LF>", false)
        case "RSET":
            reset()
            return ("250 2.0.0 OK", false)
        case "NOOP":
            return ("250 2.0.0 OK", false)
        case "QUIT":
            return ("221 2.0.0 Bye", true)
        case "VRFY":
            return ("252 2.5.2 Cannot verify; send the message and it will be tried", false)
        case "HELP":
            return ("214 2.0.0 Commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT", false)
        case "STARTTLS":
            // Not the bare command, which `startTLS()` took: an argument, or blanks other than spaces.
            return failed("501 5.5.4 STARTTLS takes no argument")
        default:
            return failed("500 5.5.2 Unknown command \(verb.prefix(16))")
        }
    }

    private mutating func handleData(_ input: SMTPLine) async -> (reply: String?, close: Bool) {
        guard case .line(let buffer) = input else {
            lineTooLong = true
            return (nil, false)
        }
        var bytes = buffer.readableBytesView
        if bytes.first == UInt8(ascii: ".") {
            if bytes.count == 1 { return await endOfData() }
            bytes = bytes.dropFirst()
        }
        if message.count + bytes.count + 2 > configuration.maxMessageSize {
            oversize = true
        }
        if !oversize {
            message.append(contentsOf: bytes)
            message.append(13)
            message.append(10)
        }
        return (nil, false)
    }

    /// TLS is on: RFC 3207 asks to forget all the client said before.
    mutating func startedTLS() {
        startsTLS = false
        encrypted = true
        clientName = nil
        reset()
    }

    private mutating func endOfData() async -> (reply: String?, close: Bool) {
        state = .command
        defer { reset() }
        if oversize { return ("552 5.3.4 Message too big; the limit is \(configuration.maxMessageSize) bytes", false) }
        if lineTooLong { return ("500 5.5.2 A line of the message is longer than \(configuration.maxLineLength) bytes", false) }
        let envelope = SMTPEnvelope(sender: sender ?? "", recipients: recipients, clientName: clientName ?? "",
                                    remoteAddress: remoteAddress)
        do {
            try await deliver(envelope, message)
            Self.count("stored")
            return ("250 2.0.0 Message stored", false)
        } catch let refusal as SMTPDeliveryRefusal {
            Self.count(refusal.permanent ? "refused" : "deferred")
            return (refusal.permanent ? "554 5.6.0 \(refusal.message)" : "451 4.3.0 \(refusal.message)", false)
        } catch {
            Self.count("deferred")
            return ("451 4.3.0 The message could not be stored; please try again later", false)
        }
    }

    private mutating func reset() {
        sender = nil
        recipients = []
        message = []
        oversize = false
        lineTooLong = false
    }

    /// A refused command; after too many, the client is not one worth talking to.
    /// Counts what became of a message (or of one of its recipients) for `/metrics`.
    static func count(_ outcome: String) {
        Counter(label: "helpdesk_mail_messages_total", dimensions: [("outcome", outcome)]).increment()
    }

    private mutating func failed(_ reply: String) -> (reply: String?, close: Bool) {
        errors += 1
        if errors >= configuration.maxErrors {
            return (reply + "\r\n421 4.7.0 Too many errors; closing the connection", true)
        }
        return (reply, false)
    }

    /// The address in `FROM:<a@b> PARAM=...` or `TO:<a@b>`, and the parameters after it.
    static func path(after keyword: String, in argument: Substring) -> (String, [Substring])? {
        guard argument.count >= keyword.count, argument.prefix(keyword.count).uppercased() == keyword else { return nil }
        let rest = argument.dropFirst(keyword.count).trimmingSpaces
        if rest.first == "<" {
            guard let close = rest.firstIndex(of: ">") else { return nil }
            var path = rest[rest.index(after: rest.startIndex)..<close]
            // A source route (@a,@b:user@host) is obsolete; keep the mailbox only.
            if path.first == "@", let colon = path.firstIndex(of: ":") { path = path[path.index(after: colon)...] }
            let parameters = rest[rest.index(after: close)...].split(separator: " ")
            return (String(path), parameters)
        }
        // Some clients leave out the angle brackets.
        let parts = rest.split(separator: " ")
        guard let first = parts.first else { return nil }
        return (String(first), Array(parts.dropFirst()))
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var result = self
        while result.first == " " || result.first == "\t" { result = result.dropFirst() }
        while result.last == " " || result.last == "\t" { result = result.dropLast() }
        return result
    }
}
