/// A rule-based chatbot on a live chat channel: it answers what its rules know, and hands the
/// chat to a person when the visitor asks for one or when it has failed to understand twice.
/// While it handles a chat, the chat has no ticket (C2: the bot's chats would duplicate tickets);
/// the hand-off opens one.
public struct Chatbot: Sendable, Hashable, Codable {
    /// An answer given when the visitor's message holds one of the keywords.
    public struct Rule: Sendable, Hashable, Codable {
        public var keywords: [String]
        public var answer: String

        public init(keywords: [String], answer: String) {
            self.keywords = keywords
            self.answer = answer
        }
    }

    /// What the bot does with a visitor's message.
    public enum Reply: Sendable, Equatable {
        case answer(String)
        /// The bot did not understand; after `maxMisses` of these in a row it hands off.
        case notUnderstood(String)
        case handOff(String)
    }

    public var name: String
    public var greeting: String
    public var rules: [Rule]
    public var handOffKeywords: [String]
    public var handOffMessage: String
    public var fallback: String

    public static let maxMisses = 2

    public init(name: String = "Assistant", greeting: String = "Hello! How can I help?", rules: [Rule],
                handOffKeywords: [String] = ["agent", "human", "person", "someone"],
                handOffMessage: String = "I am passing you to someone from the team; they will answer here.",
                fallback: String = "Sorry, I did not understand. Ask again in other words, or type \"agent\" to talk to a person.") {
        self.name = name
        self.greeting = greeting
        self.rules = rules
        self.handOffKeywords = handOffKeywords
        self.handOffMessage = handOffMessage
        self.fallback = fallback
    }

    /// - Parameter misses: how many of the bot's last replies in a row were `notUnderstood`.
    public func reply(to text: String, misses: Int) -> Reply {
        let words = Self.words(text)
        if handOffKeywords.contains(where: { Self.contains(words, phrase: $0) }) { return .handOff(handOffMessage) }
        if let rule = rules.first(where: { rule in rule.keywords.contains { Self.contains(words, phrase: $0) } }) {
            return .answer(rule.answer)
        }
        return misses + 1 >= Self.maxMisses ? .handOff(handOffMessage) : .notUnderstood(fallback)
    }

    /// Lowercased words: letters and digits, so that punctuation does not hide a keyword.
    static func words(_ text: String) -> [Substring] {
        Substring(text.lowercased()).split { !($0.isLetter || $0.isNumber) }
    }

    /// Whether the words hold the phrase's words, in order and next to each other.
    static func contains(_ words: [Substring], phrase: String) -> Bool {
        let wanted = Self.words(phrase)
        guard !wanted.isEmpty, wanted.count <= words.count else { return false }
        return (0...(words.count - wanted.count)).contains { start in
            zip(words[start..<(start + wanted.count)], wanted).allSatisfy { $0 == $1 }
        }
    }
}
