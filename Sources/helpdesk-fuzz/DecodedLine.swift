import HelpDeskMail

/// What the SMTP session receives from the line decoder, as plain values that can be compared.
enum DecodedLine: Equatable {
    case line([UInt8])
    case tooLong

    init(_ line: SMTPLine) {
        switch line {
        case .line(let buffer): self = .line(Array(buffer.readableBytesView))
        case .tooLong: self = .tooLong
        }
    }
}
