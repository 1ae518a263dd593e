/// The readable content of a message gathered from its MIME tree (RFC 2045–2046): the plain and
/// HTML bodies and the attachments.
struct MessageBody {
    static let depthLimit = 20

    var text: String?
    var html: String?
    var attachments: [MailAttachment] = []
    /// Whether a message/rfc822 part is attached outside a delivery report, which marks a forward.
    var attachesMessage = false

    init(_ bytes: [UInt8], headers: MailHeaders, body: Range<Int>) throws(MailParseError) {
        try visit(bytes, headers: headers, body: body, parent: .top, defaultType: "text/plain", depth: 0)
        if let html {
            let markup = Array(html.utf8)[...]
            for index in attachments.indices {
                guard let id = attachments[index].contentID else { continue }
                attachments[index].inline = ASCII.firstRange(of: Array("cid:\(id)".utf8), in: markup) != nil
            }
        }
    }

    /// The kind of multipart that directly contains a part.
    private enum Container {
        case top, mixed, alternative, report
    }

    private mutating func visit(
        _ bytes: [UInt8], headers: MailHeaders, body: Range<Int>, parent: Container, defaultType: String, depth: Int
    ) throws(MailParseError) {
        let contentType = MIMEHeaderValue(headers["Content-Type"] ?? "")
        var type = contentType.value.utf8.contains(ASCII.slash) ? contentType.value : defaultType

        if type.hasPrefix("multipart/") {
            guard depth < Self.depthLimit else { throw .tooDeep(limit: Self.depthLimit) }
            if let boundary = contentType[parameter: "boundary"], !boundary.isEmpty,
               let parts = Multipart.parts(of: bytes[body], boundary: boundary) {
                let container: Container = switch type {
                case "multipart/alternative": .alternative
                case "multipart/report": .report
                default: .mixed
                }
                let childType = type == "multipart/digest" ? "message/rfc822" : "text/plain"
                for part in parts {
                    let (partHeaders, partBody) = MailHeaders.parse(bytes[part])
                    try visit(bytes, headers: partHeaders, body: partBody..<part.upperBound,
                              parent: container, defaultType: childType, depth: depth + 1)
                }
                return
            }
            // Without a usable boundary the body is unreadable as parts; show it as text rather than lose it.
            type = "text/plain"
        }

        let disposition = MIMEHeaderValue(headers["Content-Disposition"] ?? "")
        let filename = disposition.text("filename") ?? contentType.text("name")
        let data = TransferEncoding(header: headers["Content-Transfer-Encoding"]).decode(bytes[body])
        // A named text part is a file, except when it is the whole message: some mailers name their only body.
        let isBody = (type == "text/plain" || type == "text/html") && disposition.value != "attachment"
            && (filename == nil || parent == .top)
        if isBody {
            let content = Self.text(data, charset: contentType[parameter: "charset"])
            if type == "text/plain" {
                Self.add(content, to: &text, parent: parent)
            } else {
                Self.add(content, to: &html, parent: parent)
            }
            return
        }
        if type == "message/rfc822", parent != .report { attachesMessage = true }
        let contentID = headers["Content-ID"].map { id in
            ASCII.trimmed(String(id.filter { $0 != "<" && $0 != ">" }))
        }
        attachments.append(MailAttachment(
            filename: filename.flatMap(Self.safeFilename) ?? Self.defaultFilename(type: type, data: data),
            contentType: type,
            contentID: contentID?.isEmpty == false ? contentID : nil,
            data: data
        ))
    }

    /// Keeps the first body of each kind, except that bodies split around attachments in a
    /// multipart/mixed (as Apple Mail does for pictures placed mid-text) are joined in order.
    private static func add(_ content: String, to slot: inout String?, parent: Container) {
        guard let existing = slot else {
            slot = content
            return
        }
        if parent == .mixed { slot = existing + "\n" + content }
    }

    /// Decodes a text body and gives it `\n` line ends, which is what Swift and HTML code expect.
    private static func text(_ data: [UInt8], charset: String?) -> String {
        var bytes = data[...]
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        let decoded = Charset(label: charset).decode(bytes)
        guard decoded.utf8.contains(ASCII.cr) else { return decoded }
        var output: [UInt8] = []
        output.reserveCapacity(decoded.utf8.count)
        var previousCR = false
        for byte in decoded.utf8 {
            if byte == ASCII.cr {
                output.append(ASCII.lf)
            } else if byte != ASCII.lf || !previousCR {
                output.append(byte)
            }
            previousCR = byte == ASCII.cr
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The last path component with control characters removed, since the name comes from an
    /// untrusted sender and ends up on disks and in download headers.
    private static func safeFilename(_ name: String) -> String? {
        let base = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = ASCII.trimmed(String(base.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }))
        guard !cleaned.isEmpty, cleaned != ".", cleaned != ".." else { return nil }
        return String(cleaned.prefix(200))
    }

    private static func defaultFilename(type: String, data: [UInt8]) -> String {
        if type == "message/rfc822" {
            let subject = MailHeaders.parse(data[...]).headers.decoded("Subject")
                .map { ASCII.collapsingWhitespace(String($0.map { $0 == "/" || $0 == "\\" ? "-" : $0 })) }
            return (subject.flatMap(safeFilename) ?? "message") + ".eml"
        }
        return extensions[type].map { "attachment.\($0)" } ?? "attachment"
    }

    /// Extensions for the unnamed parts that commonly arrive, so that downloads open in the right program.
    private static let extensions = [
        "image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/webp": "webp",
        "application/pdf": "pdf", "text/plain": "txt", "text/html": "html", "text/calendar": "ics",
        "message/delivery-status": "txt", "text/rfc822-headers": "txt", "message/disposition-notification": "txt",
    ]
}
