"""Routing and notifications end to end (A7, A10), with a real SMTP client and a real browser: a
customer's mail in French, sent to the team address with smtplib, opens a ticket assigned to the
one available agent who speaks French, whose page says why; that agent, watching a list, sees the
header's count go up without reloading, reads the notification and follows it to the ticket.
Each agent chooses how each kind reaches them; a super admin also sets everyone's defaults.

usage: notifications.py BASE_URL API_TOKEN SMTP_PORT ADMIN_EMAIL AGENT_EMAIL AWAY_EMAIL OTHER_EMAIL PASSWORD SCREENSHOT_DIR
(the admin is a super admin; the three agents have help-desk access and a service seat; all PASSWORD)
Prints one line per check and "N passed, M failed" at the end; exits 1 on any failure.
"""
import os
import smtplib
import sys
from email.message import EmailMessage

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from checks import Pages, accessibility_problems, check, chromium, eventually, finish, json_api

BASE, TOKEN, PORT, ADMIN, AGENT, AWAY, OTHER, PASSWORD, SHOTS = sys.argv[1:10]
api = json_api(BASE, TOKEN)
os.makedirs(SHOTS, exist_ok=True)

browser = chromium()
pages = Pages(browser, BASE, PASSWORD)
heading, press, sign_in, sign_out = pages.heading, pages.press, pages.sign_in, pages.sign_out


def user_id(email):
    _, users = api("GET", "/settings/v3/users?limit=500")
    return next(u["id"] for u in users["results"] if u["email"] == email)


def badge():
    """The unread count in the header's link, or '' without one."""
    found = browser.find_elements(By.CSS_SELECTOR, "#notification-bell .badge")
    return found[0].text.replace("unread", "").strip() if found else ""


def problems_here(name):
    found = accessibility_problems(browser)
    check(f"axe finds no serious or critical problem on {name}", not found, found)


try:
    agent, away, other = user_id(AGENT), user_id(AWAY), user_id(OTHER)
    status, channel = api("POST", "/conversations/v3/conversations/channel-accounts", {
        "channelId": "EMAIL", "name": "Support", "deliveryIdentifier": {"type": "HS_EMAIL_ADDRESS", "value": "support@example.com"}})
    check("the team address is connected", status == 201, (status, channel))
    status, rule = api("PUT", f"/routing/v1/channels/{channel.get('id')}/rule", {
        "assignment": "USERS_AND_TEAMS", "userIds": [agent, away, other], "distribution": "LOAD_BALANCED",
        "skillProperties": ["hs_language"]})
    check("its rule names three agents and asks for the mail's language (A3, A7)", status == 200, (status, rule))
    for user, skills in [(agent, [{"property": "hs_language", "value": "FR"}]), (away, [{"property": "hs_language", "value": "fr"}]),
                         (other, [{"property": "hs_language", "value": "de"}])]:
        status, _ = api("PUT", f"/routing/v1/agents/{user}", {"skills": skills})
        check(f"agent {user} has their languages", status == 200, status)

    sign_in(AWAY)
    press(browser.find_element(By.CSS_SELECTOR, "form.availability button"))
    check("the other French speaker sets herself away (A6)",
          browser.find_element(By.ID, "availability-state").text == "Away")
    sign_out()

    sign_in(AGENT)
    check("a new agent has no unread notification", badge() == "", badge())
    press(browser.find_element(By.PARTIAL_LINK_TEXT, "Assigned to me"))

    mail = EmailMessage()
    mail["From"] = "Ada Martin <ada@example.org>"
    mail["To"] = "support@example.com"
    mail["Subject"] = "Ma commande n'est pas arrivée"
    mail.set_content("Bonjour, ma commande 4711 n'est toujours pas là.")
    mail["Content-Language"] = "fr-FR"  # after the content, which clears every Content- header
    with smtplib.SMTP("127.0.0.1", int(PORT), timeout=30) as client:
        client.send_message(mail)

    check("the header's count goes up while the agent watches a list, without a reload (A10)",
          eventually(lambda: badge() == "1", 15), badge())
    check("and the list shows the ticket, assigned to her",
          eventually(lambda: "Ma commande" in browser.find_element(By.TAG_NAME, "main").text, 10))
    browser.save_screenshot(os.path.join(SHOTS, "notification-count.png"))

    browser.find_element(By.ID, "notification-bell").click()
    check("the notifications page opens from the header", heading() == "Notifications", heading())
    rows = browser.find_elements(By.CSS_SELECTOR, ".notifications li")
    check("it lists the assignment, unread", len(rows) == 1 and "Assigned to you: Ma commande n'est pas arrivée" in rows[0].text
          and "is-unread" in rows[0].get_attribute("class"), [r.text for r in rows])
    problems_here("the notifications page")
    browser.save_screenshot(os.path.join(SHOTS, "notifications.png"))
    press(rows[0].find_element(By.TAG_NAME, "button"))
    check("following it opens the ticket", heading() == "Ma commande n'est pas arrivée", heading())
    why = browser.find_elements(By.ID, "why-owner")
    sentence = why[0].text if why else ""
    check("an emailed ticket arrives assigned to the one available agent with the needed skill, and says why (A3-A7)",
          "Routed to" in sentence and "the only agent who could take it" in sentence and "(away)" in sentence
          and "Bob Agent (lacks Language: fr)" in sentence, sentence)
    check("the notification is read now: the header shows no count", badge() == "", badge())
    browser.save_screenshot(os.path.join(SHOTS, "routed-by-language.png"))

    browser.get(BASE + "/settings/notifications")
    check("each agent has a page to choose how they hear of each kind", heading() == "Notifications", heading())
    check("an agent does not see everyone's defaults", not browser.find_elements(By.ID, "defaults-title"))
    assigned = Select(browser.find_element(By.ID, "own-ASSIGNED"))
    check("each kind starts at the help desk's default", assigned.first_selected_option.get_attribute("value") == "DEFAULT")
    assigned.select_by_value("WORKSPACE")
    Select(browser.find_element(By.ID, "own-CUSTOMER_REPLY")).select_by_value("OFF")
    press(browser.find_element(By.CSS_SELECTOR, "form[action='/settings/notifications'] button[type=submit]"))
    check("the choices are saved", any("Saved." in n.text for n in browser.find_elements(By.CSS_SELECTOR, "[role=status]")))
    status, mine = api("GET", "/notifications/v1/preferences")
    check("the API answers for its own caller", status == 200 and set(mine["effective"]) == {
        "MENTION", "ASSIGNED", "NEW_UNASSIGNED_IN_TEAM", "CUSTOMER_REPLY"}, mine)
    browser.get(BASE + "/settings/notifications")
    check("and shown back", Select(browser.find_element(By.ID, "own-ASSIGNED")).first_selected_option.get_attribute("value") == "WORKSPACE"
          and Select(browser.find_element(By.ID, "own-CUSTOMER_REPLY")).first_selected_option.get_attribute("value") == "OFF")
    problems_here("the notification settings")
    sign_out()

    sign_in(ADMIN)
    browser.get(BASE + "/settings/notifications")
    defaults = browser.find_elements(By.ID, "default-NEW_UNASSIGNED_IN_TEAM")
    check("a super admin sets everyone's defaults on the same page", bool(defaults))
    if defaults:
        Select(defaults[0]).select_by_value("BOTH")
        press(browser.find_element(By.CSS_SELECTOR, "form[action='/settings/notifications/defaults'] button[type=submit]"))
        status, answer = api("GET", "/notifications/v1/preferences")
        check("and they are kept", status == 200 and answer["defaults"].get("NEW_UNASSIGNED_IN_TEAM") == {"workspace": True, "email": True},
              answer)
        browser.save_screenshot(os.path.join(SHOTS, "notification-settings.png"))
    sign_out()
finally:
    browser.quit()

finish()
