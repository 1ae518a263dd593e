"""Routing's pages end to end in a real browser (A3-A7): an admin sets a custom channel's rule on
the channels page (specific users, load balanced, only available agents, matching the ticket's
source as a skill) after meeting a refusal in place with what was chosen kept; gives one agent
the skill on the users' routing page, after a refusal of badly typed hours; switches their own
availability in the header to Away and back, landing on the page they were on; and reads, on the
ticket a message of the channel opens, why it went to the agent it went to. An agent may switch
their own availability but not open or change another's routing profile, nor a channel's rule;
while the agent with the skill is away, the next message's ticket stays unassigned and says why.

usage: settings_routing.py BASE_URL API_TOKEN ADMIN_EMAIL AGENT_EMAIL OTHER_AGENT_EMAIL PASSWORD SCREENSHOT_DIR
(the admin has account and help-desk access; both agents help-desk access and a service seat; all PASSWORD)
Prints one line per check and "N passed, M failed" at the end; exits 1 on any failure.
"""
import os
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from checks import Pages, accessibility_problems, check, chromium, eventually, finish, json_api, request

BASE, TOKEN, ADMIN, AGENT, OTHER, PASSWORD, SHOTS = sys.argv[1:8]
api = json_api(BASE, TOKEN)
os.makedirs(SHOTS, exist_ok=True)

browser = chromium()
pages = Pages(browser, BASE, PASSWORD)
heading, press, sign_in, sign_out = pages.heading, pages.press, pages.sign_in, pages.sign_out


def notices():
    return [n.text for n in browser.find_elements(By.CSS_SELECTOR, "[role=status]")]


def alerts():
    return [a.text for a in browser.find_elements(By.CSS_SELECTOR, "[role=alert]")]


def availability():
    """The header's switch: (the state shown, the button's words)."""
    form = browser.find_element(By.CSS_SELECTOR, "form.availability")
    return form.find_element(By.CLASS_NAME, "availability-state").text, form.find_element(By.TAG_NAME, "button").text


def routing_form(channel_name):
    """The routing form of the channel whose section's heading starts with its name."""
    section = next(s for s in browser.find_elements(By.CSS_SELECTOR, "section.channel")
                   if s.find_element(By.TAG_NAME, "h3").text.startswith(channel_name + " "))
    return section.find_element(By.CSS_SELECTOR, "form.routing-fields")


def box(scope, label_text):
    """The radio button or checkbox of the label that reads `label_text` (or starts with it)."""
    for label in scope.find_elements(By.CSS_SELECTOR, "label.check"):
        if label.text.strip().startswith(label_text):
            return label.find_element(By.TAG_NAME, "input")
    raise AssertionError(f"no choice {label_text!r}")


def shoot(name, element=None):
    """A screenshot of the page, scrolled to `element` when given."""
    if element is not None:
        browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", element)
    else:
        browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(os.path.join(SHOTS, name))


def problems_here(name):
    found = accessibility_problems(browser)
    check(f"axe finds no serious or critical problem on {name}", not found, found)


def user_id(email):
    _, users = api("GET", "/settings/v3/users?limit=500")
    return next(u["id"] for u in users["results"] if u["email"] == email)


try:
    ann, bob = user_id(AGENT), user_id(OTHER)
    status, channel = api("POST", "/conversations/v3/conversations/channel-accounts", {
        "channelId": "CUSTOM", "name": "Acme SMS", "deliveryIdentifier": {"type": "CHANNEL_SPECIFIC_OPAQUE_ID", "value": "acme-sms"}})
    check("a custom channel is connected through the API", status == 201, (status, channel))
    status, _ = api("POST", "/conversations/v3/conversations/channel-accounts", {
        "channelId": "CUSTOM", "name": "Beta chat", "deliveryIdentifier": {"type": "CHANNEL_SPECIFIC_OPAQUE_ID", "value": "beta-chat"}})
    check("and another, so that the page holds two rules' forms", status == 201, status)

    sign_in(ADMIN)
    check("the header shows the admin available, with a labelled switch (A6)",
          availability() == ("Available", "Set away"), availability())
    press(browser.find_element(By.LINK_TEXT, "Channels"))
    check("the header switch shows on settings pages too", availability()[0] == "Available")

    # A refused rule: specific users without any chosen.
    form = routing_form("Acme SMS")
    check("a channel's rule is nobody until one is set (A1)", box(form, "Nobody").is_selected())
    check("assigning only to available agents is on by default (A6)", box(form, "Assign only to available agents").is_selected())
    box(form, "Specific users and teams").click()
    Select(form.find_element(By.NAME, "distribution")).select_by_value("ROUND_ROBIN")
    box(form, "Source").click()
    press(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    form = routing_form("Acme SMS")
    refusal = form.find_elements(By.CSS_SELECTOR, "[role=alert]")
    check("a rule naming nobody to assign to is refused in its own form, with the engine's words",
          len(refusal) == 1 and "Choose at least one user or team" in refusal[0].text and len(alerts()) == 1, alerts())
    check("with what was chosen kept",
          box(form, "Specific users and teams").is_selected() and box(form, "Source").is_selected()
          and Select(form.find_element(By.NAME, "distribution")).first_selected_option.get_attribute("value") == "ROUND_ROBIN")
    problems_here("the channels page with a refused rule")
    shoot("routing-rule-refusal.png", routing_form("Acme SMS"))

    # The rule: Ann and Bob, load balanced, only available agents, matching the ticket's source.
    box(form, "Ann Agent").click()
    box(form, "Bob Agent").click()
    box(form, "Route reopened tickets again").click()
    Select(form.find_element(By.NAME, "distribution")).select_by_value("LOAD_BALANCED")
    press(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    check("the rule is saved (A3, A4)", "The routing of Acme SMS is saved." in notices(), (notices(), alerts()))
    press(browser.find_element(By.CSS_SELECTOR, "form.availability button"))
    check("the switch pressed on a page that answered a form leads back to the page the form was on",
          availability()[0] == "Away" and browser.current_url == BASE + "/settings/channels", (availability(), browser.current_url))
    press(browser.find_element(By.CSS_SELECTOR, "form.availability button"))
    browser.get(BASE + "/settings/channels")
    form = routing_form("Acme SMS")
    check("and shown back as saved: the users, load balanced, available agents only, the source matched (A7)",
          box(form, "Specific users and teams").is_selected() and box(form, "Ann Agent").is_selected()
          and box(form, "Bob Agent").is_selected() and box(form, "Assign only to available agents").is_selected()
          and box(form, "Source").is_selected() and not box(form, "Category").is_selected()
          and box(form, "Route reopened tickets again").is_selected()
          and Select(form.find_element(By.NAME, "distribution")).first_selected_option.get_attribute("value") == "LOAD_BALANCED")
    shoot("routing-rule.png", form)

    # Ann's skills, from the users page.
    press(browser.find_element(By.LINK_TEXT, "Users"))
    press(browser.find_element(By.CSS_SELECTOR, f"a[aria-label='Routing of {AGENT}']"))
    check("each user's routing profile opens from the users page", heading() == "Routing of Ann Agent", heading())
    check("it shows the user's status", browser.find_element(By.ID, "person-status").text.startswith("Available"))
    profile = browser.find_element(By.ID, "routing-profile")
    box(profile, "Custom channel").click()
    profile.find_element(By.NAME, "skill.hs_language").send_keys("fr, de")
    profile.find_element(By.NAME, "capacity.EMAIL").send_keys("5")
    profile.find_element(By.NAME, "hours.monday").send_keys("9-17")
    press(profile.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    check("badly typed hours are refused with the reason", any("is not a range like 09:00-17:30" in a for a in alerts()), alerts())
    profile = browser.find_element(By.ID, "routing-profile")
    check("with what was typed and ticked kept",
          box(profile, "Custom channel").is_selected() and profile.find_element(By.NAME, "skill.hs_language").get_attribute("value") == "fr, de"
          and profile.find_element(By.NAME, "capacity.EMAIL").get_attribute("value") == "5"
          and profile.find_element(By.NAME, "hours.monday").get_attribute("value") == "9-17")
    profile.find_element(By.NAME, "hours.monday").clear()
    profile.find_element(By.NAME, "phone").send_keys("+33 6 12 34 56 78")
    box(profile, "Follows office hours").click()
    press(profile.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    check("the profile is saved", "The routing profile of Ann Agent is saved." in notices(), (notices(), alerts()))
    browser.get(BASE + f"/settings/users/{ann}/routing")
    profile = browser.find_element(By.ID, "routing-profile")
    check("and shown back: skills, capacity, no hours, the phone calls ring (A7, A8)",
          box(profile, "Custom channel").is_selected() and not box(profile, "Email").is_selected()
          and profile.find_element(By.NAME, "skill.hs_language").get_attribute("value") == "de, fr"
          and profile.find_element(By.NAME, "capacity.EMAIL").get_attribute("value") == "5"
          and profile.find_element(By.NAME, "capacity.CALLS").get_attribute("value") == ""
          and profile.find_element(By.NAME, "hours.monday").get_attribute("value") == ""
          and profile.find_element(By.NAME, "phone").get_attribute("value") == "+33612345678"
          and box(profile, "Follows office hours").is_selected())
    problems_here("a user's routing profile")
    shoot("routing-profile.png")

    # Office hours: open every day, closed on a holiday; a date that is not one is refused in place.
    browser.get(BASE + "/settings/users")
    browser.find_element(By.LINK_TEXT, "Office hours and holidays").click()
    check("office hours open from the users page", heading() == "Office hours", heading())
    office = browser.find_element(By.ID, "help-desk")
    office.find_element(By.NAME, "timeZone").clear()
    office.find_element(By.NAME, "timeZone").send_keys("Europe/Paris")
    for day in ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]:
        office.find_element(By.NAME, f"hours.{day}").send_keys("00:00-24:00")
    office.find_element(By.NAME, "holidays").send_keys("2030-12-25, Christmas")
    press(office.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    office = browser.find_element(By.ID, "help-desk")
    check("a holiday that is not a date is refused in its form, with what was typed kept",
          "Christmas" in " ".join(alerts()) and office.find_element(By.NAME, "hours.sunday").get_attribute("value") == "00:00-24:00",
          alerts())
    office.find_element(By.NAME, "holidays").clear()
    office.find_element(By.NAME, "holidays").send_keys("2030-12-25")
    press(office.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    _, saved = api("GET", "/routing/v1/office-hours")
    check("the help desk's office hours and holidays are saved (A6)",
          (saved or {}).get("holidays") == ["2030-12-25"] and (saved or {}).get("hours", {}).get("timeZone") == "Europe/Paris", saved)
    problems_here("the office hours page")

    # A message on the channel: routed to Ann, the only one with the skill.
    status, message = api("POST", f"/conversations/v3/custom-channels/{channel.get('id')}/messages", {
        "messageDirection": "INCOMING", "text": "Where is my parcel?", "integrationThreadId": "thread-1", "integrationIdempotencyId": "m-1",
        "senders": [{"name": "Ada", "deliveryIdentifier": {"type": "HS_EMAIL_ADDRESS", "value": "ada@example.org"}}]})
    _, thread = api("GET", f"/conversations/v3/conversations/threads/{(message or {}).get('conversationsThreadId')}")
    ticket_id = (thread or {}).get("associatedTicketId")
    _, ticket = api("GET", f"/crm/v3/objects/tickets/{ticket_id}?properties=hubspot_owner_id")
    check("the channel's message opens a ticket routed to the agent with the skill",
          status == 201 and (ticket or {}).get("properties", {}).get("hubspot_owner_id") == ann, (status, message, ticket))
    browser.get(BASE + f"/tickets/{ticket_id}")
    why = browser.find_elements(By.ID, "why-owner")
    sentence = why[0].text if why else ""
    check("the ticket page says why this owner, under the owner",
          sentence.startswith("Why this owner") and "Routed to Ann Agent" in sentence and "Bob Agent" in sentence
          and "Custom channel" in sentence, sentence)
    check("the owner's field is described by it",
          browser.find_element(By.ID, "field-owner").get_attribute("aria-describedby") == "why-owner")
    problems_here("a routed ticket's page")
    shoot("routing-why.png")

    # The header switch, from the ticket page: away and back, each time on the same page.
    press(browser.find_element(By.CSS_SELECTOR, "form.availability button"))
    check("one click sets the admin away, back on the page it was pressed on",
          availability() == ("Away", "Set available") and browser.current_url == BASE + f"/tickets/{ticket_id}",
          (availability(), browser.current_url))
    browser.get(BASE + "/")
    check("the state stays across pages", availability()[0] == "Away")
    shoot("routing-away.png")
    press(browser.find_element(By.CSS_SELECTOR, "form.availability button"))
    check("and one more sets them available again", availability() == ("Available", "Set away") and browser.current_url == BASE + "/",
          (availability(), browser.current_url))
    sign_out()

    # An agent switches their own availability, and may not open another's profile.
    sign_in(AGENT)
    press(browser.find_element(By.CSS_SELECTOR, "form.availability button"))
    check("an agent sets themselves away", availability()[0] == "Away", availability())
    browser.get(BASE + f"/settings/users/{bob}/routing")
    check("an agent may not open another user's routing profile", heading() == "Not allowed", heading())
    browser.get(BASE + "/")
    csrf = browser.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] input[name=csrf]").get_attribute("value")
    session = {"Cookie": "helpdesk_session=" + browser.get_cookie("helpdesk_session")["value"],
               "Content-Type": "application/x-www-form-urlencoded"}
    status, _, _ = request(BASE, "POST", f"/settings/users/{bob}/routing", f"csrf={csrf}&capacity.EMAIL=0".encode(), session)
    check("nor change it with their own session", status == 403, status)
    status, _, _ = request(BASE, "POST", f"/settings/channels/{channel.get('id')}/routing",
                           f"csrf={csrf}&assignment=NOBODY&distribution=RANDOM".encode(), session)
    check("nor a channel's rule", status == 403, status)
    status, _, _ = request(BASE, "POST", "/availability", b"csrf=stale&status=AVAILABLE&back=/", session)
    check("a switch from a page older than the session is refused", status == 403, status)
    sign_out()

    # A message while Ann is away: nobody else has the skill, so it waits, and the ticket says why.
    sign_in(ADMIN)
    browser.get(BASE + f"/settings/users/{ann}/routing")
    check("the admin reads the agent's own status on their profile", browser.find_element(By.ID, "person-status").text.startswith("Away"))
    _, message = api("POST", f"/conversations/v3/custom-channels/{channel.get('id')}/messages", {
        "messageDirection": "INCOMING", "text": "Hello?", "integrationThreadId": "thread-2", "integrationIdempotencyId": "m-2",
        "senders": [{"name": "Bea", "deliveryIdentifier": {"type": "HS_EMAIL_ADDRESS", "value": "bea@example.org"}}]})
    _, thread = api("GET", f"/conversations/v3/conversations/threads/{(message or {}).get('conversationsThreadId')}")
    waiting = (thread or {}).get("associatedTicketId")
    browser.get(BASE + f"/tickets/{waiting}")
    why = browser.find_elements(By.ID, "why-owner")
    sentence = why[0].text if why else ""
    check("a ticket none of the rule's agents could take stays unassigned and says why (A6)",
          sentence.startswith("Why unassigned") and "Ann Agent (away)" in sentence and "Bob Agent (lacks" in sentence, sentence)
    sign_out()

    # Ann comes back: the ticket that waited for her goes to her, without anyone touching it.
    sign_in(AGENT)
    press(browser.find_element(By.CSS_SELECTOR, "form.availability button"))

    def owner_of_waiting():
        _, ticket = api("GET", f"/crm/v3/objects/tickets/{waiting}?properties=hubspot_owner_id")
        return ((ticket or {}).get("properties") or {}).get("hubspot_owner_id")
    check("a waiting ticket goes to the agent as soon as they are back", eventually(lambda: owner_of_waiting() == ann, 10),
          owner_of_waiting())
    browser.get(BASE + f"/tickets/{waiting}")
    why = browser.find_elements(By.ID, "why-owner")
    check("and says why", why and why[0].text.startswith("Why this owner") and "Ann Agent" in why[0].text,
          why[0].text if why else "")
finally:
    browser.quit()

finish()
