"""Routing over the API (A3-A9): a channel's rule, an agent's availability, skills and capacity,
and the reason kept for each routed ticket.

usage: routing_api.py BASE_URL ADMIN_TOKEN AGENT_TOKEN
Prints one line per check and "N passed, M failed" at the end; exits 1 on any failure.
"""
import sys

from checks import check, finish, json_api

BASE, ADMIN, AGENT = sys.argv[1], sys.argv[2], sys.argv[3]
api = json_api(BASE, ADMIN)

status, users = api("GET", "/settings/v3/users?limit=100")
by_email = {user["email"]: user for user in users.get("results", [])}
agent = by_email.get("agent@example.com", {})
status, changed = api("PUT", f"/settings/v3/users/{agent.get('id')}", {"serviceSeat": True})
check("the agent gets a service seat", status == 200 and changed["serviceSeat"], (status, changed))
status, second = api("POST", "/settings/v3/users", {"email": "second@example.com", "roleIds": ["help-desk"], "serviceSeat": True,
                                                     "sendWelcomeEmail": False})
check("a second seated agent", status == 201, (status, second))

status, channel = api("POST", "/conversations/v3/conversations/channel-accounts", {
    "channelId": "CUSTOM", "name": "SMS", "deliveryIdentifier": {"type": "CHANNEL_SPECIFIC_OPAQUE_ID", "value": "sms"}})
channel_id = channel.get("id", "0")
status, rule = api("GET", f"/routing/v1/channels/{channel_id}/rule")
check("A1 a channel starts with a rule that assigns nobody", status == 200 and rule["assignment"] == "NOBODY", (status, rule))

status, refused = api("PUT", f"/routing/v1/channels/{channel_id}/rule", {"assignment": "USERS_AND_TEAMS", "userIds": ["424242"]})
check("A3 a rule naming an unknown user is refused, saying which", status == 400 and "424242" in refused["message"], (status, refused))
status, refused = api("PUT", f"/routing/v1/channels/{channel_id}/rule", {"assignment": "EVERYONE"})
check("A3 an unknown assignment is refused with the known ones", status == 400 and "USERS_AND_TEAMS" in refused["message"], (status, refused))
status, refused = api("PUT", f"/routing/v1/channels/{channel_id}/rule", {"assignment": "NOBODY"}, token_override=AGENT)
check("A3 an agent may not change routing", status == 403, (status, refused))

agents = [agent.get("id"), second.get("id")]
status, rule = api("PUT", f"/routing/v1/channels/{channel_id}/rule", {
    "assignment": "USERS_AND_TEAMS", "userIds": agents, "distribution": "LOAD_BALANCED", "skillProperties": ["hs_language"]})
check("A3 a rule for two agents, load balanced, matching language", status == 200 and rule["userIds"] == agents
      and rule["availableOnly"] is True, (status, rule))

status, profile = api("PUT", f"/routing/v1/agents/{second.get('id')}", {"skills": [{"property": "hs_language", "value": "fr"}],
                                                                       "capacity": {"EMAIL": 10, "MESSAGES": 3}})
check("A7 an admin gives an agent a skill and a capacity", status == 200 and profile["skills"] == [{"property": "hs_language", "value": "fr"}]
      and profile["capacity"] == {"EMAIL": 10, "MESSAGES": 3}, (status, profile))
status, refused = api("PUT", f"/routing/v1/agents/{second.get('id')}", {"capacity": {"FAX": 1}})
check("a capacity for an unknown work type is refused", status == 400 and "CALLS" in refused["message"], (status, refused))
status, refused = api("PUT", f"/routing/v1/agents/{second.get('id')}", {"workingHours": {"timeZone": "Europe/Paris", "funday": ["09:00-17:00"]}})
check("A6 working hours on a day that is not one are refused", status == 400 and "funday" in refused["message"], (status, refused))
status, refused = api("GET", f"/routing/v1/agents/{second.get('id')}", token_override=AGENT)
check("an agent reads only their own routing", status == 403, (status, refused))

status, away = api("PUT", "/routing/v1/status", {"status": "AWAY"}, token_override=AGENT)
check("A6 an agent sets themself away", status == 200 and away["status"] == "AWAY", (status, away))
status, own = api("GET", f"/routing/v1/agents/{agent.get('id')}", token_override=AGENT)
check("A6 and reads it back", status == 200 and own["status"] == "AWAY", (status, own))

publish = f"/conversations/v3/custom-channels/{channel_id}/messages"
status, message = api("POST", publish, {
    "messageDirection": "INCOMING", "text": "Bonjour", "integrationThreadId": "t-1", "integrationIdempotencyId": "m-1",
    "senders": [{"name": "Ada", "deliveryIdentifier": {"type": "HS_PHONE_NUMBER", "value": "+33600000001"}}]})
status, thread = api("GET", f"/conversations/v3/conversations/threads/{message.get('conversationsThreadId')}")
ticket_id = thread.get("associatedTicketId")
status, ticket = api("GET", f"/crm/v3/objects/tickets/{ticket_id}?properties=hubspot_owner_id")
check("A3 the new ticket arrives owned by the available agent", ticket["properties"].get("hubspot_owner_id") == second.get("id"), ticket)
status, decision = api("GET", f"/routing/v1/tickets/{ticket_id}")
check("the routing decision says who, among whom, and why the others were left out",
      status == 200 and decision["ownerId"] == second.get("id") and decision["distribution"] == "LOAD_BALANCED"
      and decision["workType"] == "MESSAGES"
      and [c.get("excluded") for c in decision.get("candidates", [])] == ["AWAY", None]
      and decision["sentence"].startswith("Routed to ") and "(away)" in decision["sentence"], (status, decision))

status, none = api("GET", "/routing/v1/office-hours")
check("A6 the help desk has no office hours until set", status == 404, (status, none))
status, office = api("PUT", "/routing/v1/office-hours", {"hours": {"timeZone": "Europe/Paris", "monday": ["09:00-17:00"]},
                                                          "holidays": ["2026-12-25", "2026-01-01"]})
check("A6 office hours with holidays are set", status == 200 and office["holidays"] == ["2026-01-01", "2026-12-25"], (status, office))
status, refused = api("PUT", "/routing/v1/office-hours", {"hours": {"timeZone": "Europe/Paris"}, "holidays": ["Christmas"]})
check("a holiday that is not a date is refused", status == 400 and "Christmas" in refused["message"], (status, refused))
status, refused = api("PUT", "/routing/v1/teams/424242/office-hours", {"hours": {"timeZone": "UTC"}})
check("a team that does not exist has no office hours to set", status == 404, (status, refused))
status, refused = api("PUT", "/routing/v1/office-hours", {"hours": {"timeZone": "UTC"}}, token_override=AGENT)
check("agents may not set office hours", status == 403, (status, refused))

status, manual = api("POST", "/crm/v3/objects/tickets", {"properties": {"subject": "By hand", "hs_pipeline": "0", "hs_pipeline_stage": "1"}})
status, none = api("GET", f"/routing/v1/tickets/{manual.get('id')}")
check("a ticket no rule decided has no routing decision", status == 404 and "not routed" in none["message"], (status, none))
status, missing = api("GET", "/routing/v1/tickets/987654")
check("an unknown ticket is not found", status == 404, (status, missing))
finish()
