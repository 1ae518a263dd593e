/// One fuzzing input, given to the part of the mail module that its first byte selects. A NUL,
/// which no message starts with, makes the rest an SMTP client's byte stream for the line
/// decoder; anything else is a message as received after DATA, for the MIME parser. So a message
/// file is a seed as it is, and an SMTP dialogue is one behind a NUL and a short header.
enum FuzzCase {
    static func run(_ input: [UInt8]) {
        if input.first == 0 {
            LineDecoderCase(input.dropFirst()).run()
        } else {
            MessageCase.run(input)
        }
    }
}
