/// Which conversation a message from a customer joins on a channel without email headers
/// (custom channels, WhatsApp, chat, calls).
public enum MessageThreading {
    /// The conversation of the service's own thread when it names one; otherwise the customer's
    /// latest conversation on the channel while it is open. `nil` starts a new conversation:
    /// after a conversation was closed, the customer's next message is a new request.
    public static func conversationToJoin(threadMatch: Conversation?, namesThread: Bool, latestWithCustomer: Conversation?) -> Conversation? {
        if namesThread { return threadMatch }
        guard let latest = latestWithCustomer, latest.status == .open else { return nil }
        return latest
    }
}
