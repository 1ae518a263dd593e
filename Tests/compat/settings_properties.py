"""The admins' properties page end to end in a real browser (P1, P5): an admin with account access
finds it in the header, reads the built-in properties as read-only, creates a custom enumeration
property with its options (one row added by the page's button), meets the engine's refusal of a
taken name in place with what was typed kept, changes and archives custom properties, and puts
the new property on the New ticket form as required; New ticket then refuses a ticket without it,
saying so, and makes one with it, while the API's ticket creation is not held to the form. An
agent without account access is refused the page and its changes.

usage: settings_properties.py BASE_URL API_TOKEN ADMIN_EMAIL AGENT_EMAIL PASSWORD SCREENSHOT_DIR
(the admin has account and help-desk access, the agent help-desk access only, both PASSWORD)
Prints one line per check and "N passed, M failed" at the end; exits 1 on any failure.
"""
import os
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from checks import Pages, accessibility_problems, check, chromium, finish, json_api, request

BASE, TOKEN, ADMIN, AGENT, PASSWORD, SHOTS = sys.argv[1:7]
api = json_api(BASE, TOKEN)
os.makedirs(SHOTS, exist_ok=True)

browser = chromium()
wait = WebDriverWait(browser, 15)


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
    """The page's property rows: internal name -> the row's cells' text."""
    rows = browser.find_elements(By.CSS_SELECTOR, ".property-list tbody tr[id^=property-]")
    return {row.get_attribute("id")[len("property-"):]: [cell.text for cell in row.find_elements(By.TAG_NAME, "td")] for row in rows}


def stored(name):
    status, body = api("GET", "/crm/v3/properties/tickets/" + name)
    return body if status == 200 else None


def create_property(label, kind, options=(), added=()):
    form = browser.find_element(By.ID, "new-property")
    type_into(form.find_element(By.NAME, "label"), label)
    Select(form.find_element(By.NAME, "kind")).select_by_value(kind)
    for row, text in zip(form.find_elements(By.CSS_SELECTOR, ".option"), options):
        type_into(row.find_element(By.CSS_SELECTOR, "input[name$='.label']"), text)
    for text in added:
        form.find_element(By.CSS_SELECTOR, ".add-option").click()
        rows = form.find_elements(By.CSS_SELECTOR, ".option")
        type_into(rows[-1].find_element(By.CSS_SELECTOR, "input[name$='.label']"), text)
    press(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))


def edit_form(name):
    row = browser.find_element(By.ID, "edit-" + name)
    details = row.find_element(By.TAG_NAME, "details")
    if not details.get_attribute("open"):
        row.find_element(By.TAG_NAME, "summary").click()
    return row


def accessible(page):
    problems = accessibility_problems(browser)
    check(f"axe-core finds no serious or critical problem on {page}", not problems, problems)
    unlabelled = browser.execute_script("""
        return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(e => !e.labels.length && !e.getAttribute('aria-label')).map(e => e.outerHTML)
            .concat([...document.querySelectorAll('button')].filter(b => !b.textContent.trim()).map(b => b.outerHTML));""")
    check(f"every control of {page} has a label", unlabelled == [], unlabelled)


def signed_in_form():
    """Headers that send a form with the browser's session, as a script outside the page would."""
    return {"Cookie": "helpdesk_session=" + browser.get_cookie("helpdesk_session")["value"],
            "Content-Type": "application/x-www-form-urlencoded"}


try:
    sign_in(ADMIN)
    links = browser.find_elements(By.LINK_TEXT, "Properties")
    check("an admin with account access finds the properties in the header's settings", bool(links))
    press(links[0])
    check("the properties page opens on tickets, marked as the current settings page",
          heading() == "Properties" and browser.find_element(By.CSS_SELECTOR, ".settings-links a[aria-current=page]").text == "Properties"
          and browser.find_element(By.CSS_SELECTOR, ".type-links a[aria-current=page]").text == "Tickets", heading())
    rows = listed()
    check("built-in properties are listed with label, internal name, field, field type and group, and say they are read-only",
          rows.get("hs_ticket_priority", [])[:4] == ["Priority", "hs_ticket_priority", "Dropdown select", "select"]
          and "read-only" in rows.get("hs_ticket_priority", [""] * 6)[5]
          and not browser.find_elements(By.ID, "edit-hs_ticket_priority"), rows.get("hs_ticket_priority"))

    options = browser.find_element(By.CSS_SELECTOR, "#new-property .options")
    shown_for_text = options.is_displayed()
    Select(browser.find_element(By.ID, "new-property-kind")).select_by_value("enumeration:select")
    check("a new property's options show for a choice only", not shown_for_text and options.is_displayed())
    create_property("Product line", "enumeration:select", options=["Printer", "Scanner"], added=["Copier"])
    made = stored("product_line")
    check("a custom enumeration is created, its internal name made from the label, with its options (one row added by the button)",
          "Product line (product_line) is added." in notices() and made is not None
          and [o["value"] for o in made["options"]] == ["Printer", "Scanner", "Copier"] and made["type"] == "enumeration",
          (notices(), alerts(), made))
    check("and listed as custom", listed().get("product_line", [""] * 6)[5] == "Custom", listed().get("product_line"))

    create_property("Product line", "enumeration:radio", options=["Printer"])
    refused = alerts(browser.find_element(By.CSS_SELECTOR, "section[aria-labelledby=new-property-title]"))
    form = browser.find_element(By.ID, "new-property")
    check("a taken name is refused beside the new property's form, as the API refuses it",
          len(refused) == 1 and "already exists" in refused[0], refused)
    check("and the form keeps what was typed",
          form.find_element(By.NAME, "label").get_attribute("value") == "Product line"
          and Select(form.find_element(By.NAME, "kind")).first_selected_option.get_attribute("value") == "enumeration:radio"
          and form.find_element(By.CSS_SELECTOR, "input[name$='.label']").get_attribute("value") == "Printer")
    browser.save_screenshot(os.path.join(SHOTS, "properties-refusal.png"))

    browser.get(BASE + "/settings/properties")
    row = edit_form("product_line")
    type_into(row.find_element(By.NAME, "label"), "Product")
    copier = next(r for r in row.find_elements(By.CSS_SELECTOR, ".option")
                  if r.find_element(By.CSS_SELECTOR, "input[name$='.label']").get_attribute("value") == "Copier")
    copier.find_element(By.CSS_SELECTOR, "input[type=checkbox]").click()
    press(row.find_element(By.CSS_SELECTOR, "button[value=save]"))
    changed = stored("product_line")
    check("a custom property's label and options are changed: an option removed",
          "Product is saved." in notices() and changed is not None and changed["label"] == "Product"
          and [o["value"] for o in changed["options"]] == ["Printer", "Scanner"], (notices(), alerts(), changed))

    row = edit_form("product_line")
    for option in row.find_elements(By.CSS_SELECTOR, ".option"):
        if option.find_element(By.CSS_SELECTOR, "input[name$='.label']").get_attribute("value"):
            option.find_element(By.CSS_SELECTOR, "input[type=checkbox]").click()
    press(row.find_element(By.CSS_SELECTOR, "button[value=save]"))
    refused = alerts(browser.find_element(By.ID, "edit-product_line"))
    check("removing every option is refused beside the property, its form open, nothing changed",
          len(refused) == 1 and "at least one option" in refused[0]
          and browser.find_element(By.CSS_SELECTOR, "#edit-product_line details").get_attribute("open") is not None
          and [o["value"] for o in stored("product_line")["options"]] == ["Printer", "Scanner"], refused)
    browser.save_screenshot(os.path.join(SHOTS, "properties-edit-refusal.png"))

    browser.get(BASE + "/settings/properties")
    create_property("Temporary note", "string:text")
    check("a single-line text property is created", stored("temporary_note") is not None, (notices(), alerts()))
    press(edit_form("temporary_note").find_element(By.CSS_SELECTOR, "button[value=archive]"))
    check("a custom property is archived: gone from the page and the API",
          "temporary_note" not in listed() and stored("temporary_note") is None and any("archived" in n for n in notices()), notices())

    create_property("Affected parts", "enumeration:checkbox", options=["Tray", "Roller"])
    check("a multiple-checkbox property is created", (stored("affected_parts") or {}).get("fieldType") == "checkbox", (notices(), alerts()))
    browser.find_element(By.ID, "form-product_line-required").click()
    browser.find_element(By.ID, "form-affected_parts-shown").click()
    press(browser.find_element(By.CSS_SELECTOR, "#new-ticket-form button[type=submit]"))
    check("the new property is put on the New ticket form as required (P5)",
          "The New ticket form is saved." in notices()
          and browser.find_element(By.ID, "form-product_line-shown").is_selected()
          and browser.find_element(By.ID, "form-product_line-required").is_selected(), (notices(), alerts()))
    accessible("the properties' settings")
    names = browser.execute_script("return [...document.querySelectorAll('main button')].map(b => b.textContent.replace(/\\s+/g, ' ').trim())")
    check("buttons that repeat on every property say which one they act on", len(names) == len(set(names)),
          [n for n in names if names.count(n) > 1])
    edit_form("product_line")
    browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(os.path.join(SHOTS, "properties.png"))
    browser.set_window_size(768, 1000)
    check("at a tablet's width the page does not overflow sideways",
          browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"))
    browser.set_window_size(1280, 900)

    press(browser.find_element(By.LINK_TEXT, "Contacts"))
    check("the type switch shows the contacts' properties, without the New ticket form",
          "email" in listed() and not browser.find_elements(By.ID, "new-ticket-form")
          and browser.find_element(By.CSS_SELECTOR, ".type-links a[aria-current=page]").text == "Contacts", list(listed())[:5])
    accessible("the contacts' properties")

    browser.get(BASE + "/tickets/new")
    product = browser.find_elements(By.ID, "ticket-product_line")
    check("New ticket shows the property as a required choice of its options",
          bool(product) and product[0].get_attribute("required") is not None
          and [o.text for o in Select(product[0]).options][1:] == ["Printer", "Scanner"])
    accessible("the New ticket page")
    type_into(browser.find_element(By.ID, "ticket-subject"), "Paper jam on floor 3")
    # The browser itself would stop the form; the server must refuse it too.
    browser.execute_script("document.getElementById('new-ticket').noValidate = true")
    press(browser.find_element(By.CSS_SELECTOR, "#new-ticket button[type=submit]"))
    refused = alerts()
    check("New ticket refuses a ticket without the required property, naming it (P5)",
          heading() == "New ticket" and len(refused) == 1 and "requires Product" in refused[0], (heading(), refused))
    check("and keeps the name typed", browser.find_element(By.ID, "ticket-subject").get_attribute("value") == "Paper jam on floor 3")
    browser.save_screenshot(os.path.join(SHOTS, "new-ticket-refusal.png"))
    Select(browser.find_element(By.ID, "ticket-product_line")).select_by_value("Printer")
    browser.find_element(By.CSS_SELECTOR, "input[name='p.affected_parts'][value=Roller]").click()
    browser.find_element(By.CSS_SELECTOR, "input[name='p.affected_parts'][value=Tray]").click()
    press(browser.find_element(By.CSS_SELECTOR, "#new-ticket button[type=submit]"))
    ticket_id = browser.current_url.split("/tickets/")[-1].split("#")[0]
    status, ticket = api("GET", f"/crm/v3/objects/tickets/{ticket_id}?properties=subject,product_line,affected_parts")
    check("with it, the ticket is made with the values chosen, several boxes ticked kept as one value",
          heading() == "Paper jam on floor 3" and status == 200 and ticket["properties"].get("product_line") == "Printer"
          and ticket["properties"].get("affected_parts") == "Tray;Roller", (heading(), status, ticket))
    status, created = api("POST", "/crm/v3/objects/tickets", {"properties": {"subject": "From a script", "hs_pipeline": "0",
                                                                           "hs_pipeline_stage": "1"}})
    check("the API's ticket creation is not held to the New ticket form", status == 201, (status, created))

    csrf = browser.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] input[name=csrf]").get_attribute("value")
    status, _, page = request(BASE, "POST", "/settings/properties/subject", f"csrf={csrf}&action=archive".encode(), signed_in_form())
    check("a built-in property sent to be archived by hand stays, and the page says why",
          status == 400 and "cannot be archived" in page and stored("subject") is not None, status)

    status, _, _ = request(BASE, "POST", "/settings/properties", b"csrf=stale&label=Stale&kind=string%3Atext", signed_in_form())
    check("a change from a page older than the session is refused", status == 403 and stored("stale") is None, status)

    sign_out()
    sign_in(AGENT)
    check("an agent without account access sees no properties in the header", not browser.find_elements(By.LINK_TEXT, "Properties"))
    csrf = browser.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] input[name=csrf]").get_attribute("value")
    browser.get(BASE + "/settings/properties")
    check("nor the properties page", heading() == "Not allowed", heading())
    status, _, page = request(BASE, "POST", "/settings/properties", f"csrf={csrf}&label=Sneaky&kind=string%3Atext".encode(),
                              signed_in_form())
    check("and a property sent with the agent's own session is refused, nothing made",
          status == 403 and "Not allowed" in page and stored("sneaky") is None, status)
    status, _, _ = request(BASE, "POST", "/settings/new-ticket-form", f"csrf={csrf}&field=product_line".encode(), signed_in_form())
    check("as is a change to the New ticket form", status == 403, status)
finally:
    browser.quit()
finish()
