/// How much an agent may attach to one reply or comment (R3). Mail services commonly take
/// messages of 25 MB, counted after base64 has added a third to every file, so the files of one
/// message hold at most 18 MiB together.
public enum AttachmentLimits {
    public static let maxFiles = 20
    public static let maxFileBytes = 10 * 1_048_576
    public static let maxTotalBytes = 18 * 1_048_576

    /// Why these files cannot go with one message, or `nil`.
    public static func problem(with files: [NewAttachment]) -> String? {
        if files.count > maxFiles {
            return "A message carries at most \(maxFiles) files; \(files.count) were attached."
        }
        if let large = files.first(where: { $0.bytes.count > maxFileBytes }) {
            return "\"\(large.filename)\" is larger than \(maxFileBytes / 1_048_576) MB, the most one attached file may hold."
        }
        let total = files.reduce(0) { $0 + $1.bytes.count }
        if total > maxTotalBytes {
            return "The attached files hold \(megabytes(total)) MB together; a message carries at most \(maxTotalBytes / 1_048_576) MB."
        }
        return nil
    }

    /// Whole megabytes, rounded up, so that a size just over the limit never reads as the limit.
    static func megabytes(_ bytes: Int) -> Int {
        (bytes + 1_048_575) / 1_048_576
    }
}
