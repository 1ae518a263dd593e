/// `@name` in an internal comment (R6): the teammates it names, who are then notified.
///
/// A handle names a user by the local part of their email address (`@ann.lee` for
/// ann.lee@example.com), by first and last name joined with a dot or nothing (`@ann.lee`,
/// `@annlee`), or by first name alone when no other user has it. Matching ignores case. An `@`
/// inside a word (an email address in the text) is not a mention.
public enum Mention {
    public static func mentionedUsers(in text: String, among users: [User]) -> [User] {
        let handles = Self.handles(in: text)
        guard !handles.isEmpty else { return [] }
        var firstNameCount: [String: Int] = [:]
        for user in users where !user.firstName.isEmpty {
            firstNameCount[user.firstName.lowercased(), default: 0] += 1
        }
        return users.filter { user in
            guard !user.archived else { return false }
            let first = user.firstName.lowercased(), last = user.lastName.lowercased()
            var names: Set<String> = []
            if let local = user.email.split(separator: "@").first { names.insert(local.lowercased()) }
            if !first.isEmpty, !last.isEmpty {
                names.insert("\(first).\(last)")
                names.insert(first + last)
            }
            if !first.isEmpty, firstNameCount[first] == 1 { names.insert(first) }
            return !names.isDisjoint(with: handles)
        }
    }

    /// The handle the workspace completes for a user: first and last name when no other user has
    /// them both, otherwise the local part of the email address.
    public static func handle(for user: User, among users: [User]) -> String {
        let first = user.firstName.lowercased(), last = user.lastName.lowercased()
        let name = "\(first).\(last)"
        let shared = users.contains { $0.id != user.id && "\($0.firstName.lowercased()).\($0.lastName.lowercased())" == name }
        if !first.isEmpty, !last.isEmpty, !shared, name.allSatisfy(isHandleCharacter) { return name }
        return user.email.split(separator: "@").first.map { $0.lowercased() } ?? user.email
    }

    /// The handles written in a text, lowercased, without the `@`.
    static func handles(in text: String) -> Set<String> {
        var result: Set<String> = []
        var previous: Character = " "
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "@", !isHandleCharacter(previous) {
                var end = text.index(after: index)
                while end < text.endIndex, isHandleCharacter(text[end]) { end = text.index(after: end) }
                var handle = text[text.index(after: index)..<end]
                while let last = handle.last, last == "." || last == "-" { handle = handle.dropLast() }
                if !handle.isEmpty { result.insert(handle.lowercased()) }
                previous = text[text.index(before: end)]
                index = end
                continue
            }
            previous = character
            index = text.index(after: index)
        }
        return result
    }

    static func isHandleCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber || character == "." || character == "_" || character == "-" || character == "+"
    }
}
