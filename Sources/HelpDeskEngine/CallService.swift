import Foundation
import HelpDeskCore
import HelpDeskStore

/// Phone calls on a call channel (A8), as Twilio Programmable Voice reports them: each call opens a
/// conversation with a ticket (C2); during opening hours it rings the channel's numbers, after
/// hours or when nobody answers it goes to voicemail, and the message left joins the call's
/// conversation.
public struct CallService: Sendable {
    let desk: HelpDesk

    /// What the caller hears next.
    public enum Answer: Sendable, Equatable {
        /// Ring these numbers.
        case connect([String])
        /// Play the greeting and record a message.
        case voicemail(greeting: String)
        /// Nothing more: the call ends.
        case hangUp
    }

    /// A call comes in: it is stored, and put through or sent to voicemail.
    public func incoming(on channel: Channel, callID: String, from caller: String) async throws -> Answer {
        let open = channel.settings.openingHours.map { $0.isOpen(at: desk.clock()) } ?? true
        var numbers = channel.settings.forwardTo ?? []
        if open, let rule = channel.settings.routing {
            // A8: the rule's agents first, in the order it would give them the call; the line's
            // own numbers after them.
            let routing = TicketRouting(tickets: try await desk.catalog.schema(for: ObjectType.tickets.name), roster: desk.routingRoster,
                                        now: desk.clock())
            do {
                let agents = try await desk.database.read { session in
                    try await routing.numbersToRing(rule, channelID: channel.id, session: session)
                }
                numbers = RoutingRule.unique(agents + numbers)
            } catch {
                // The caller is on the line: the line's own numbers ring rather than nothing.
                desk.logger.error("Could not read who the call rings; ringing the line's numbers: \(error)")
            }
        }
        let putThrough = open && !numbers.isEmpty
        let number = ChannelSettings.isPhoneNumber(caller) ? caller : "an unknown number"
        _ = try await desk.channelMessages.receive(CustomerMessage(
            customerAddress: caller.isEmpty ? "unknown" : caller, customerPhone: ChannelSettings.isPhoneNumber(caller) ? caller : nil,
            text: "Incoming call from \(number)" + (open ? "." : ", after opening hours."), externalID: callID, threadID: callID,
            subject: "Call from \(number)"), on: channel, source: "CALL")
        return putThrough ? .connect(numbers) : .voicemail(greeting: greeting(channel))
    }

    /// The ringing ended: answered calls are done; missed ones go to voicemail.
    public func dialEnded(on channel: Channel, callID: String, from caller: String, status: String) async throws -> Answer {
        let answered = status == "completed" || status == "answered"
        _ = try await desk.channelMessages.receive(CustomerMessage(
            customerAddress: caller.isEmpty ? "unknown" : caller,
            text: answered ? "The call was answered." : "Nobody answered the call (\(status)).",
            externalID: "\(callID):dial", threadID: callID), on: channel, source: "CALL")
        return answered ? .hangUp : .voicemail(greeting: greeting(channel))
    }

    /// A voicemail was recorded: it joins the call's conversation, with the link to listen to it.
    public func voicemail(on channel: Channel, callID: String, from caller: String, recordingID: String, url: String,
                          seconds: Int?) async throws {
        guard ChannelSettings.isValidOutboundURL(url) else { throw HelpDeskError.badRequest("RecordingUrl must be an http or https URL.") }
        let length = seconds.map { " (\($0) s)" } ?? ""
        _ = try await desk.channelMessages.receive(CustomerMessage(
            customerAddress: caller.isEmpty ? "unknown" : caller, text: "Voicemail\(length): \(url)", externalID: recordingID,
            threadID: callID), on: channel, source: "CALL")
    }

    func greeting(_ channel: Channel) -> String {
        channel.settings.voicemailGreeting ?? ChannelSettings.defaultVoicemailGreeting
    }
}
