"""The admins' channels page end to end in a real browser (C1): an admin with account access (and
no help-desk access) finds it in the header, connects a team email address, a custom channel, a
phone line and a live chat from it, renames one and switches its ticket creation off, keeps a
stored secret by leaving its field empty (the page never shows it), meets the engine's refusals (an
address already connected, an outbound URL that is not http) in place with what was typed kept,
and disconnects a channel and a form made through the API; the API sees every change. An agent without account access is refused the page and its
changes.

The server runs with --public-url https://help.example.com, which the URLs to give other services use.

usage: settings_channels.py BASE_URL API_TOKEN ADMIN_EMAIL AGENT_EMAIL PASSWORD SCREENSHOT_DIR
(the admin has account access only, the agent help-desk access only, both PASSWORD)
Prints one line per check and "N passed, M failed" at the end; exits 1 on any failure.
"""
import os
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from checks import Pages, accessibility_problems, check, chromium, finish, json_api, request

BASE, TOKEN, ADMIN, AGENT, PASSWORD, SHOTS = sys.argv[1:7]
api = json_api(BASE, TOKEN)
os.makedirs(SHOTS, exist_ok=True)

browser = chromium()
wait = WebDriverWait(browser, 15)
SECRET = "custom-signing-s3cret"
AUTH_TOKEN = "twilio-auth-t0ken"


pages = Pages(browser, BASE, PASSWORD)
heading, press, sign_in, sign_out = pages.heading, pages.press, pages.sign_in, pages.sign_out


def type_into(element, text):
    element.clear()
    element.send_keys(text)


def notices():
    return [n.text for n in browser.find_elements(By.CSS_SELECTOR, "[role=status]")]


def alerts(scope=None):
    return [a.text for a in (scope or browser).find_elements(By.CSS_SELECTOR, "[role=alert]")]


def listed():
    """The connected channels as the page's list shows them: name -> [kind, address, pipeline, creates tickets]."""
    rows = browser.find_elements(By.CSS_SELECTOR, ".channel-list tbody tr")
    return {cells[0].text: [cell.text for cell in cells[1:]] for cells in (row.find_elements(By.TAG_NAME, "td") for row in rows)}


def section(name):
    """The channel's section of the page, by the name in its heading."""
    found = [s for s in browser.find_elements(By.CSS_SELECTOR, "section.channel")
             if s.find_element(By.TAG_NAME, "h3").text.startswith(name + " ")]
    return found[0] if found else None


def stored(address):
    """The connected channel of this address as the API reads it, or None."""
    _, listed_ = api("GET", "/conversations/v3/conversations/channel-accounts")
    return next((c for c in (listed_ or {}).get("results", []) if c["deliveryIdentifier"]["value"] == address and not c["archived"]), None)


def connect(kind_label, values):
    """Chooses the kind, fills the connection form's fields by name and connects."""
    press(browser.find_element(By.CSS_SELECTOR, "#connect nav").find_element(By.LINK_TEXT, kind_label))
    form = browser.find_element(By.ID, "new-channel")
    for name, value in values.items():
        type_into(form.find_element(By.NAME, name), value)
    press(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def signed_in_form():
    """Headers that send a form with the browser's session, as a script outside the page would."""
    return {"Cookie": "helpdesk_session=" + browser.get_cookie("helpdesk_session")["value"],
            "Content-Type": "application/x-www-form-urlencoded"}


try:
    sign_in(ADMIN)
    links = browser.find_elements(By.LINK_TEXT, "Channels")
    check("an admin with account access finds the channels in the header's settings", bool(links))
    press(links[0])
    check("the channels page opens, marked as the current settings page",
          heading() == "Channels" and browser.find_element(By.CSS_SELECTOR, ".settings-links a[aria-current=page]").text == "Channels",
          heading())
    check("with no channel yet, the page says to connect a team address first",
          not listed() and "Connect a team email address first" in browser.find_element(By.ID, "connected").text)

    connect("Team email", {"address": "Support@Example.com", "name": "Support"})
    support = stored("support@example.com")
    check("a team address is connected from the page, lowercased, with its ticket switch on (C1)",
          "Support is connected; what it needs next is under its name." in notices() and support is not None
          and support["name"] == "Support" and support["createsTickets"] is True, (notices(), alerts(), support))
    check("and listed with its kind, address, pipeline and switch",
          listed().get("Support") == ["Team email", "support@example.com", "Support Pipeline", "Yes"], listed())
    check("with what it needs next: the domain's mail pointed at the help desk",
          "MX" in section("Support").find_element(By.CSS_SELECTOR, ".next-steps").text)

    connect("Custom channel", {"address": "acme-sms", "name": "Acme SMS", "outboundURL": "https://integration.example.com/helpdesk",
                               "signingSecret": SECRET})
    acme = stored("acme-sms")
    check("a custom channel is connected with its outbound URL and signing secret",
          acme is not None and acme["channelId"] == "CUSTOM" and acme["outboundUrl"] == "https://integration.example.com/helpdesk"
          and acme["hasSigningSecret"] is True, (alerts(), acme))
    steps = section("Acme SMS").find_element(By.CSS_SELECTOR, ".next-steps").text if section("Acme SMS") else ""
    check("its next step names the URL its integration publishes messages to, at the help desk's public address",
          acme is not None and f"POST https://help.example.com/conversations/v3/custom-channels/{acme['id']}/messages" in steps, steps)
    check("the stored secret never comes back into the page, which says it is set",
          SECRET not in browser.page_source and "It is set" in section("Acme SMS").text)
    check("the connection form stays on the kind just connected, empty",
          browser.find_element(By.CSS_SELECTOR, "#connect nav a[aria-current=page]").text == "Custom channel"
          and browser.find_element(By.ID, "new-channel-address").get_attribute("value") == "")

    connect("Calls", {"address": "+33123456789", "name": "Hotline", "signingSecret": AUTH_TOKEN, "forwardTo": "+33600000001, +33600000002",
                      "timeZone": "Europe/Paris", "hours.monday": "09:00-12:30, 14:00-18:00", "hours.friday": "09:00-17:00"})
    hotline = stored("+33123456789")
    check("a phone line is connected with the numbers that ring and its opening hours (A8)",
          hotline is not None and hotline["forwardTo"] == ["+33600000001", "+33600000002"]
          and hotline["openingHours"] == {"timeZone": "Europe/Paris", "monday": ["09:00-12:30", "14:00-18:00"], "friday": ["09:00-17:00"]},
          (alerts(), hotline))
    check("and the page shows its hours back, and the voice webhook to give Twilio",
          hotline is not None and section("Hotline").find_element(By.NAME, "hours.monday").get_attribute("value") == "09:00-12:30, 14:00-18:00"
          and f"https://help.example.com/webhooks/calls/{hotline['id']}/voice" in section("Hotline").text)

    form = section("Support").find_element(By.CSS_SELECTOR, "form.channel-fields")
    type_into(form.find_element(By.NAME, "name"), "Customer support")
    form.find_element(By.CSS_SELECTOR, "input[name^=createsTickets]").click()
    press(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    support = stored("support@example.com")
    check("a channel is renamed and its ticket creation switched off in one save (C1)",
          "Customer support is saved." in notices() and listed().get("Customer support", [""] * 4)[3] == "No"
          and support["name"] == "Customer support" and support["createsTickets"] is False, (notices(), alerts(), support))

    form = section("Acme SMS").find_element(By.CSS_SELECTOR, "form.channel-fields")
    type_into(form.find_element(By.NAME, "outboundURL"), "https://integration.example.com/v2")
    press(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    acme = stored("acme-sms")
    check("a secret field left empty keeps the stored secret while the rest changes",
          acme["outboundUrl"] == "https://integration.example.com/v2" and acme["hasSigningSecret"] is True, acme)

    connect("Team email", {"address": "support@example.com", "name": "Second support"})
    refused = alerts(browser.find_element(By.ID, "connect"))
    check("an address already connected is refused beside the connection form, as the API refuses it",
          len(refused) == 1 and "already connected" in refused[0], (refused, alerts()))
    check("with what was typed kept, and nothing connected",
          browser.find_element(By.ID, "new-channel-name").get_attribute("value") == "Second support"
          and "Second support" not in listed(), listed())

    form = section("Acme SMS").find_element(By.CSS_SELECTOR, "form.channel-fields")
    type_into(form.find_element(By.NAME, "outboundURL"), "ftp://files.example.com/in")
    press(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    refused = alerts(section("Acme SMS"))
    check("an outbound URL the help desk cannot post to is refused beside its channel",
          len(refused) == 1 and "http or https" in refused[0] and len(alerts()) == 1, alerts())
    check("with the URL typed kept in its field, and the stored one unchanged",
          section("Acme SMS").find_element(By.NAME, "outboundURL").get_attribute("value") == "ftp://files.example.com/in"
          and stored("acme-sms")["outboundUrl"] == "https://integration.example.com/v2")
    check("the browser comes back to the channel, the refusal in view",
          browser.execute_script("const r = document.querySelector('section.channel [role=alert]').getBoundingClientRect();"
                                 "return r.top >= 0 && r.bottom <= window.innerHeight"))
    browser.save_screenshot(os.path.join(SHOTS, "channels-refusal.png"))

    acme_id = stored("acme-sms")["id"]
    press(section("Acme SMS").find_element(By.CSS_SELECTOR, "form.disconnect button"))
    check("a channel is disconnected by its clearly named button, at once",
          any(n.startswith("Acme SMS is disconnected") for n in notices()) and "Acme SMS" not in listed() and section("Acme SMS") is None,
          (notices(), listed()))
    status, _ = api("GET", "/conversations/v3/conversations/channel-accounts/" + acme_id)
    check("the API no longer lists it nor reads it", stored("acme-sms") is None and status == 404, status)

    connect("Live chat", {"name": "Site chat"})
    chat = stored("Site chat")
    check("a live chat is connected from its name alone, and its next step is the script tag for the site",
          chat is not None and chat["channelId"] == "CHAT"
          and f'<script src="https://help.example.com/chat/widget.js" data-channel="{chat["id"]}" async></script>'
          in section("Site chat").find_element(By.CSS_SELECTOR, ".next-steps").text, (alerts(), chat))

    status, made = api("POST", "/marketing/v3/forms", {"name": "Contact us", "fieldGroups": [{"fields": [
        {"objectTypeId": "0-1", "name": "email", "label": "Email", "required": True},
        {"objectTypeId": "0-5", "name": "content", "label": "Your question", "required": True}]}]})
    check("a form is made through the forms API", status == 201, (status, made))
    browser.get(BASE + "/settings/channels")
    contact = section("Contact us")
    check("the form is listed with the link to its page, its name left to the forms API",
          contact is not None and listed().get("Contact us", [""])[0] == "Form"
          and f"https://help.example.com/forms/{made['id']}" in contact.text and not contact.find_elements(By.NAME, "name"),
          listed())
    press(section("Contact us").find_element(By.CSS_SELECTOR, "form.disconnect button"))
    status, _ = api("GET", f"/marketing/v3/forms/{made['id']}")
    check("disconnecting a form takes the form down, for the forms API too",
          "Contact us" not in listed() and status == 404 and request(BASE, "GET", f"/forms/{made['id']}")[0] == 404, status)

    browser.get(BASE + "/settings/channels")
    problems = accessibility_problems(browser)
    check("axe-core finds no serious or critical problem on the channels' settings", not problems, problems)
    unlabelled = browser.execute_script("""
        return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(e => !e.labels.length && !e.getAttribute('aria-label')).map(e => e.outerHTML)
            .concat([...document.querySelectorAll('button')].filter(b => !b.textContent.trim()).map(b => b.outerHTML));""")
    check("every control of the page has a label", unlabelled == [], unlabelled)
    names = browser.execute_script("return [...document.querySelectorAll('main button')].map(b => b.textContent.replace(/\\s+/g, ' ').trim())")
    check("buttons that repeat on every channel say which channel they act on", len(names) == len(set(names)),
          [n for n in names if names.count(n) > 1])
    check("no stored secret anywhere in the page", SECRET not in browser.page_source and AUTH_TOKEN not in browser.page_source)
    browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(os.path.join(SHOTS, "channels.png"))
    browser.set_window_size(768, 1000)
    check("at a tablet's width the page does not overflow sideways",
          browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"))
    browser.set_window_size(1280, 900)

    status, _, _ = request(BASE, "POST", "/settings/channels", b"csrf=stale&kind=email&address=stale%40example.com", signed_in_form())
    check("a change from a page older than the session is refused", status == 403 and stored("stale@example.com") is None, status)

    sign_out()
    sign_in(AGENT)
    check("an agent without account access sees no channels in the header", not browser.find_elements(By.LINK_TEXT, "Channels"))
    csrf = browser.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] input[name=csrf]").get_attribute("value")
    browser.get(BASE + "/settings/channels")
    check("nor the channels page: the same refusal as the other settings pages", heading() == "Not allowed", heading())
    status, _, page = request(BASE, "POST", "/settings/channels", f"csrf={csrf}&kind=email&address=sneaky%40example.com".encode(),
                              signed_in_form())
    check("and a channel sent with the agent's own session is refused, nothing connected",
          status == 403 and "Not allowed" in page and stored("sneaky@example.com") is None, status)
    support = stored("support@example.com")
    status, _, _ = request(BASE, "POST", f"/settings/channels/{support['id']}/disconnect", f"csrf={csrf}".encode(), signed_in_form())
    check("as is a disconnection", status == 403 and stored("support@example.com") is not None, status)
finally:
    browser.quit()
finish()
