import Foundation
import HelpDeskCore
import HelpDeskEngine

/// The settings a kind of channel has (`ChannelSettings`), as the channels' settings page shows
/// them in a form and reads them back. A stored secret is never shown: the form says whether it
/// is set, and a secret field left empty keeps it.
struct ChannelSettingsFields {
    /// A secret the kind has, by the name of its field.
    struct Secret {
        var field: String
        var label: String
        var hint: String
        /// Whether one is stored; nothing on the form that connects a channel.
        var state: String?
        var required: Bool
    }

    struct Day {
        var day: String
        var label: String
        var ranges: String
    }

    /// Starts the ids of the form's inputs, unique on the page.
    var prefix: String
    var email: Bool
    var call: Bool
    /// Whether the kind posts to a URL of the admin's (custom channels, WhatsApp's Cloud API).
    var outbound: Bool
    var outboundLabel: String
    var outboundHint: String
    var outboundPlaceholder: String
    var outboundURL: String
    var secrets: [Secret]
    var acknowledgement: String
    var forwardTo: String
    var voicemailGreeting: String
    var defaultGreeting = ChannelSettings.defaultVoicemailGreeting
    var timeZone: String
    var days: [Day]
    /// Whether the form connects a channel (a secret it needs is required there) or changes one.
    var creating: Bool

    /// The fields of `kind`, filled from what is stored, or from what was sent when a change was refused.
    init(kind: Channel.Kind, stored: ChannelSettings, prefix: String, creating: Bool, sent: SubmittedForm?) {
        self.prefix = prefix
        self.creating = creating
        email = kind == .email
        call = kind == .call
        outbound = kind == .custom || kind == .whatsapp
        outboundLabel = kind == .whatsapp ? "Cloud API address" : "Outbound URL"
        outboundHint = kind == .whatsapp ? "Where replies are sent; left empty, Meta's Cloud API."
            : "Where the help desk posts agents' replies, for your integration to deliver."
        outboundPlaceholder = kind == .whatsapp ? ChannelSettings.whatsAppCloudAPI : "https://integration.example.com/helpdesk"
        outboundURL = sent?["outboundURL"] ?? stored.outboundURL ?? ""
        let stateOf: (String?) -> String? = { value in creating ? nil : value == nil ? "Not set." : "It is set: one typed here replaces it; left empty, it stays." }
        switch kind {
        case .whatsapp:
            secrets = [
                Secret(field: "signingSecret", label: "App secret", hint: "The Meta app's secret, which signs the webhooks it sends.",
                       state: stateOf(stored.signingSecret), required: creating),
                Secret(field: "verifyToken", label: "Verify token", hint: "A token of your choosing, given to Meta again when subscribing the webhook.",
                       state: stateOf(stored.verifyToken), required: creating),
                Secret(field: "accessToken", label: "Access token", hint: "The Cloud API token replies are sent with.",
                       state: stateOf(stored.accessToken), required: false),
            ]
        case .call:
            secrets = [Secret(field: "signingSecret", label: "Auth token", hint: "The Twilio account's auth token, which signs its webhooks.",
                              state: stateOf(stored.signingSecret), required: creating)]
        case .custom:
            secrets = [Secret(field: "signingSecret", label: "Signing secret", hint: "Signs the help desk's posts to the outbound URL.",
                              state: stateOf(stored.signingSecret), required: false)]
        case .email, .form, .chat:
            secrets = []
        }
        acknowledgement = sent?["acknowledgement"] ?? stored.acknowledgement ?? ""
        forwardTo = sent?["forwardTo"] ?? stored.forwardTo?.joined(separator: ", ") ?? ""
        voicemailGreeting = sent?["voicemailGreeting"] ?? stored.voicemailGreeting ?? ""
        timeZone = sent?["timeZone"] ?? stored.openingHours?.timeZone ?? ""
        days = Self.days(stored: stored.openingHours, sent: sent)
    }

    /// The settings a form sent for a channel of `kind`, only those the kind has: `nil` for a kind
    /// without any. A secret left empty is left out, so a change keeps it. When `creating`, a
    /// setting left empty is left out too; when changing, it clears the stored one.
    static func read(_ form: SubmittedForm, kind: Channel.Kind, creating: Bool) throws(HelpDeskError) -> ChannelSettings? {
        func text(_ name: String) -> String? {
            guard let value = form[name]?.trimmingCharacters(in: .whitespacesAndNewlines) else { return nil }
            return creating && value.isEmpty ? nil : value
        }
        func secret(_ name: String) -> String? {
            text(name).flatMap { $0.isEmpty ? nil : $0 }
        }
        var settings = ChannelSettings()
        switch kind {
        case .email:
            settings.acknowledgement = text("acknowledgement")
        case .whatsapp:
            settings.outboundURL = text("outboundURL")
            settings.signingSecret = secret("signingSecret")
            settings.verifyToken = secret("verifyToken")
            settings.accessToken = secret("accessToken")
        case .custom:
            settings.outboundURL = text("outboundURL")
            settings.signingSecret = secret("signingSecret")
        case .call:
            settings.signingSecret = secret("signingSecret")
            settings.voicemailGreeting = text("voicemailGreeting")
            settings.forwardTo = text("forwardTo").map { numbers in
                numbers.split { $0 == "," || $0.isWhitespace }.map(String.init)
            }
            settings.openingHours = try openingHours(form)
        case .form, .chat:
            return nil
        }
        return settings
    }

    /// The opening hours sent: a time zone and each day's ranges (`09:00-12:30, 14:00-18:00`; a day
    /// left empty is closed). `nil` when nothing was given, which keeps the stored hours.
    static func openingHours(_ form: SubmittedForm) throws(HelpDeskError) -> OpeningHours? {
        let zone = (form["timeZone"] ?? "").trimmingCharacters(in: .whitespaces)
        let byName = ranges(form)
        if zone.isEmpty {
            guard byName.isEmpty else { throw .badRequest("Opening hours need a time zone, an IANA name such as Europe/Paris.") }
            return nil
        }
        do {
            return try OpeningHours(timeZone: zone, byName: byName)
        } catch {
            throw .badRequest(error.description)
        }
    }

    /// Each day's ranges as typed in its field (`hours.monday`: `09:00-12:30, 14:00-18:00`); days
    /// left empty are left out.
    static func ranges(_ form: SubmittedForm) -> [String: [String]] {
        var byName: [String: [String]] = [:]
        for day in OpeningHours.weekdays {
            let ranges = (form["hours.\(day)"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            if !ranges.isEmpty { byName[day] = ranges }
        }
        return byName
    }

    /// The weekdays' fields, each filled from what was sent or from the stored ranges.
    static func days(stored: OpeningHours?, sent: SubmittedForm?) -> [Day] {
        let hours = stored?.byName ?? [:]
        return OpeningHours.weekdays.map { day in
            Day(day: day, label: day.prefix(1).uppercased() + day.dropFirst(), ranges: sent?["hours.\(day)"] ?? hours[day]?.joined(separator: ", ") ?? "")
        }
    }
}
