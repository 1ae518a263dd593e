import HelpDeskCore
import HelpDeskEngine

/// A channel's routing rule (A3-A7) as the channels' settings page shows it in a form of its own
/// and reads it back: who gets the tickets, the users and teams chosen, the distribution, whether
/// only available agents take them, and the ticket properties whose values agents must know.
struct RoutingRuleFields {
    /// One choice of a group: a radio button, a checkbox or an option.
    struct Choice {
        var value: String
        var label: String
        var checked: Bool
    }

    /// Starts the ids of the form's inputs, unique on the page.
    var prefix: String
    var assignments: [Choice]
    var users: [Choice]
    var hasUsers: Bool
    var teams: [Choice]
    var hasTeams: Bool
    var distributions: [Choice]
    var availableOnly: Bool
    var rerouteReopened: Bool
    var skills: [Choice]
    /// A refusal of this rule, shown in the form with what was sent kept. Named apart from the
    /// channel's own refusal, which the template would otherwise reach when this one is empty.
    var routingRefusal: String?

    static let assignmentLabels: [(RoutingRule.Assignment, String)] = [
        (.nobody, "Nobody: tickets wait in Unassigned"),
        (.usersAndTeams, "Specific users and teams"),
        (.teamOnly, "Team only: the ticket gets one team and no owner"),
        (.contactOwner, "The contact's owner, else the users and teams chosen"),
    ]

    static let distributionLabels: [(Distribution, String)] = [
        (.loadBalanced, "Load balanced: the fewest open tickets"),
        (.roundRobin, "Round robin: each in turn"),
        (.random, "Random"),
    ]

    /// The rule's fields, filled from the stored rule, or from what was sent when it was refused.
    /// Users offered are the active ones with help-desk access, and any the rule already names.
    init(rule: RoutingRule, prefix: String, users: [User], teams: [Team], tickets: RecordSchema, sent: SubmittedForm?, refusal: String?) {
        self.prefix = prefix
        routingRefusal = refusal
        let assignment = sent.map { $0["assignment"] ?? "" } ?? rule.assignment.rawValue
        assignments = Self.assignmentLabels.map { Choice(value: $0.0.rawValue, label: $0.1, checked: $0.0.rawValue == assignment) }
        let userIDs = Set(sent?.all("user") ?? rule.userIDs)
        self.users = users.filter { !$0.archived && (Access.allows($0, .workConversations) || userIDs.contains($0.id)) }
            .map { user in
                var label = user.displayName.map { "\($0) <\(user.email)>" } ?? user.email
                if !Access.allows(user, .workConversations) {
                    label += " (no help-desk access)"
                } else if !user.serviceSeat {
                    label += " (no service seat)"
                }
                return Choice(value: user.id, label: label, checked: userIDs.contains(user.id))
            }
            .sorted { ($0.label.lowercased(), $0.value) < ($1.label.lowercased(), $1.value) }
        hasUsers = !self.users.isEmpty
        let teamIDs = Set(sent?.all("team") ?? rule.teamIDs)
        self.teams = teams.map { Choice(value: $0.id, label: $0.name, checked: teamIDs.contains($0.id)) }
            .sorted { ($0.label.lowercased(), $0.value) < ($1.label.lowercased(), $1.value) }
        hasTeams = !self.teams.isEmpty
        let distribution = sent.map { $0["distribution"] ?? "" } ?? rule.distribution.rawValue
        distributions = Self.distributionLabels.map { Choice(value: $0.0.rawValue, label: $0.1, checked: $0.0.rawValue == distribution) }
        availableOnly = sent.map(Self.availableOnly) ?? rule.availableOnly
        rerouteReopened = sent.map(Self.rerouteReopened) ?? rule.rerouteReopened
        let skillProperties = Set(sent?.all("skill") ?? rule.skillProperties)
        skills = Self.skillProperties(tickets).map { Choice(value: $0.name, label: $0.label, checked: skillProperties.contains($0.name)) }
    }

    /// The rule a form sent; the engine checks the users, teams and properties it names.
    static func read(_ form: SubmittedForm) throws(HelpDeskError) -> RoutingRule {
        guard let assignment = RoutingRule.Assignment(rawValue: form["assignment"] ?? "") else {
            throw .badRequest("Choose who gets the tickets.")
        }
        guard let distribution = Distribution(rawValue: form["distribution"] ?? "") else {
            throw .badRequest("Choose how tickets are shared among the users.")
        }
        return RoutingRule(assignment: assignment, userIDs: form.all("user"), teamIDs: form.all("team"), distribution: distribution,
                           availableOnly: availableOnly(form), skillProperties: form.all("skill"), rerouteReopened: rerouteReopened(form))
    }

    /// Whether the "route reopened tickets again" box is ticked (named per form, as the one above).
    static func rerouteReopened(_ form: SubmittedForm) -> Bool {
        form.pairs.contains { $0.0.hasPrefix("rerouteReopened.") }
    }

    /// Whether the "only available agents" box is ticked; an unticked box is not sent. Its name
    /// ends with its form's, or assistive technology takes the boxes of every channel for one group.
    static func availableOnly(_ form: SubmittedForm) -> Bool {
        form.pairs.contains { $0.0.hasPrefix("availableOnly.") }
    }

    /// The ticket properties agents can have skills in (A7): the language, and every enumeration
    /// with options of its own, such as the category. Owner, team and pipeline take their values
    /// elsewhere and name no skill.
    static func skillProperties(_ tickets: RecordSchema) -> [PropertyDefinition] {
        tickets.properties.values
            .filter { $0.name == languageProperty || ($0.type == .enumeration && $0.options.contains { !$0.hidden }) }
            .sorted { ($0.label.lowercased(), $0.name) < ($1.label.lowercased(), $1.name) }
    }

    /// The ticket's language: free text, so skills in it are typed (`fr, de`) rather than ticked.
    static let languageProperty = "hs_language"
}
