"""The admins' pipelines page end to end in a real browser: an admin with account access finds it
in the header, creates a ticket pipeline, adds, reorders, renames, closes and deletes its statuses,
renames it and switches its close date off, and meets the engine's refusals (a status or a
pipeline that still holds tickets) as notices; the API sees every change. An agent without
account access is refused the page and its changes.

usage: settings_pipelines.py BASE_URL API_TOKEN ADMIN_EMAIL AGENT_EMAIL PASSWORD SCREENSHOT_DIR
(the admin has account and help-desk access, the agent help-desk access only, both PASSWORD)
Prints one line per check and "N passed, M failed" at the end; exits 1 on any failure.
"""
import os
import sys

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from checks import Pages, accessibility_problems, check, chromium, finish, json_api, request

BASE, TOKEN, ADMIN, AGENT, PASSWORD, SHOTS = sys.argv[1:7]
api = json_api(BASE, TOKEN)
os.makedirs(SHOTS, exist_ok=True)

browser = chromium()
wait = WebDriverWait(browser, 15)


pages = Pages(browser, BASE, PASSWORD)
heading, press, sign_in, sign_out = pages.heading, pages.press, pages.sign_in, pages.sign_out


def section(name):
    found = [s for s in browser.find_elements(By.CSS_SELECTOR, "section.pipeline") if s.find_element(By.TAG_NAME, "h2").text == name]
    return found[0] if found else None


def statuses(name):
    """The pipeline's statuses as the page lists them: (label, OPEN or CLOSED), in order."""
    rows = section(name).find_elements(By.CSS_SELECTOR, "tbody tr") if section(name) else []
    return [(row.find_element(By.NAME, "label").get_attribute("value"),
             Select(row.find_element(By.NAME, "state")).first_selected_option.get_attribute("value")) for row in rows]


def row(pipeline, label):
    return next(r for r in section(pipeline).find_elements(By.CSS_SELECTOR, "tbody tr")
                if r.find_element(By.NAME, "label").get_attribute("value") == label)


def add_status(pipeline, label, state):
    form = section(pipeline).find_element(By.CSS_SELECTOR, "form.add-status")
    form.find_element(By.NAME, "label").send_keys(label)
    Select(form.find_element(By.NAME, "state")).select_by_value(state)
    press(form.find_element(By.TAG_NAME, "button"))


def create_pipeline(label):
    browser.find_element(By.ID, "new-pipeline").send_keys(label)
    press(browser.find_element(By.CSS_SELECTOR, "form[action='/settings/pipelines'] button"))


def refusals(pipeline=None):
    scope = section(pipeline) if pipeline else browser
    return [alert.text for alert in scope.find_elements(By.CSS_SELECTOR, "[role=alert]")]


def stored(label):
    """The pipeline of this label as the API reads it, or None."""
    _, listed = api("GET", "/crm/v3/pipelines/tickets")
    return next((p for p in (listed or {}).get("results", []) if p["label"] == label), None)


def signed_in_form():
    """Headers that send a form with the browser's session, as a script outside the page would."""
    return {"Cookie": "helpdesk_session=" + browser.get_cookie("helpdesk_session")["value"],
            "Content-Type": "application/x-www-form-urlencoded"}


try:
    sign_in(ADMIN)
    links = browser.find_elements(By.LINK_TEXT, "Pipelines")
    check("an admin with account access finds the pipelines in the header's settings", bool(links))
    press(links[0])
    check("the pipelines page opens, marked as the current settings page",
          heading() == "Pipelines" and browser.find_element(By.LINK_TEXT, "Pipelines").get_attribute("aria-current") == "page", heading())
    check("every ticket pipeline is listed with its statuses in order, each open or closed (P2)",
          statuses("Support Pipeline") == [("New", "OPEN"), ("Waiting on contact", "OPEN"), ("Waiting on us", "OPEN"), ("Closed", "CLOSED")],
          statuses("Support Pipeline"))
    check("the close-date switch shows on, as it is by default (P4)",
          Select(section("Support Pipeline").find_element(By.NAME, "closeDate")).first_selected_option.get_attribute("value") == "1")

    create_pipeline("Returns")
    check("creating a pipeline from its name lists it with the starting statuses",
          statuses("Returns") == [("New", "OPEN"), ("Waiting on contact", "OPEN"), ("Waiting on us", "OPEN"), ("Closed", "CLOSED")]
          and "#pipeline-" in browser.current_url, (statuses("Returns"), browser.current_url))
    add_status("Returns", "Inspecting", "OPEN")
    add_status("Returns", "Refunded", "CLOSED")
    check("added statuses come last, open or closed as chosen",
          statuses("Returns")[-2:] == [("Inspecting", "OPEN"), ("Refunded", "CLOSED")], statuses("Returns"))
    returns = stored("Returns")
    check("the API reads the pipeline the page made, with the same statuses in the same order",
          returns is not None and [(s["label"], s["metadata"].get("ticketState")) for s in returns["stages"]] == statuses("Returns"),
          returns)

    press(row("Returns", "Refunded").find_element(By.CSS_SELECTOR, "form.up button"))
    check("moving a status up swaps it with the one before",
          [label for label, _ in statuses("Returns")][-2:] == ["Refunded", "Inspecting"], statuses("Returns"))
    press(row("Returns", "New").find_element(By.CSS_SELECTOR, "form.down button"))
    check("moving a status down swaps it with the one after",
          [label for label, _ in statuses("Returns")][:2] == ["Waiting on contact", "New"], statuses("Returns"))
    first = row("Returns", "Waiting on contact")
    last = row("Returns", "Inspecting")
    check("the first status offers no move up, the last no move down",
          not first.find_elements(By.CSS_SELECTOR, "form.up") and not last.find_elements(By.CSS_SELECTOR, "form.down"))

    waiting = row("Returns", "Waiting on us")
    label = waiting.find_element(By.NAME, "label")
    label.clear()
    label.send_keys("Waiting on the warehouse")
    Select(waiting.find_element(By.NAME, "state")).select_by_value("CLOSED")
    press(waiting.find_element(By.CSS_SELECTOR, "form.save button"))
    check("a status is renamed and switched to closed in one save",
          ("Waiting on the warehouse", "CLOSED") in statuses("Returns") and "Waiting on us" not in dict(statuses("Returns")),
          statuses("Returns"))

    returns = stored("Returns")
    inspecting = next((s["id"] for s in (returns or {}).get("stages", []) if s["label"] == "Inspecting"), None)
    status, ticket = api("POST", "/crm/v3/objects/tickets", {"properties": {
        "subject": "Parcel came back damaged", "hs_pipeline": (returns or {}).get("id"), "hs_pipeline_stage": inspecting}})
    check("a ticket is put in the status Inspecting through the API", status == 201, (status, ticket))
    press(row("Returns", "Inspecting").find_element(By.CSS_SELECTOR, "form.delete button"))
    notice = refusals("Returns")
    check("deleting a status that still holds tickets is refused with a notice beside its pipeline that says what to do",
          len(notice) == 1 and "Inspecting" in notice[0] and "move them" in notice[0], notice)
    check("and the status stays", "Inspecting" in dict(statuses("Returns")), statuses("Returns"))
    check("the browser comes back to the pipeline, the notice in view",
          browser.execute_script("const r = document.querySelector('[role=alert]').getBoundingClientRect();"
                                 "return r.top >= 0 && r.bottom <= window.innerHeight"))
    browser.save_screenshot(os.path.join(SHOTS, "pipelines-refusal.png"))
    press(row("Returns", "Waiting on contact").find_element(By.CSS_SELECTOR, "form.delete button"))
    check("a status without tickets is deleted", "Waiting on contact" not in dict(statuses("Returns")) and not refusals(),
          (statuses("Returns"), refusals()))

    fields = section("Returns").find_element(By.CSS_SELECTOR, "form.pipeline-fields")
    name = fields.find_element(By.NAME, "label")
    name.clear()
    name.send_keys("Returns and refunds")
    Select(fields.find_element(By.NAME, "closeDate")).select_by_value("0")
    press(fields.find_element(By.TAG_NAME, "button"))
    renamed = stored("Returns and refunds")
    check("a pipeline is renamed and its close-date switch turned off (P4)",
          section("Returns and refunds") is not None
          and Select(section("Returns and refunds").find_element(By.NAME, "closeDate")).first_selected_option.get_attribute("value") == "0"
          and renamed is not None and renamed["setsCloseDate"] is False, renamed)

    press(section("Returns and refunds").find_element(By.CSS_SELECTOR, "form.delete-pipeline button"))
    notice = refusals("Returns and refunds")
    check("deleting a pipeline that holds tickets is refused with a notice", len(notice) == 1 and "still holds" in notice[0]
          and section("Returns and refunds") is not None, notice)
    create_pipeline("Temporary")
    press(section("Temporary").find_element(By.CSS_SELECTOR, "form.delete-pipeline button"))
    check("a pipeline without tickets is deleted, for the API too", section("Temporary") is None and stored("Temporary") is None)
    create_pipeline("Returns and refunds")
    check("a second pipeline of the same name is refused with a notice, nothing made",
          any("already exists" in text for text in refusals()) and len([p for p in browser.find_elements(By.CSS_SELECTOR, "section.pipeline h2")
                                                                       if p.text == "Returns and refunds"]) == 1, refusals())
    browser.get(BASE + "/settings/pipelines")
    problems = accessibility_problems(browser)
    check("axe-core finds no serious or critical problem on the pipelines' settings", not problems, problems)

    unlabelled = browser.execute_script("""
        return [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(e => !e.labels.length && !e.getAttribute('aria-label')).map(e => e.outerHTML)
            .concat([...document.querySelectorAll('button')].filter(b => !b.textContent.trim()).map(b => b.outerHTML));""")
    check("every control of the page has a label", unlabelled == [], unlabelled)
    names = browser.execute_script("return [...document.querySelectorAll('main button')].map(b => b.textContent.replace(/\\s+/g, ' ').trim())")
    check("buttons that repeat on every row say which status or pipeline they act on", len(names) == len(set(names)),
          [n for n in names if names.count(n) > 1])
    browser.find_element(By.TAG_NAME, "body").send_keys(Keys.TAB)
    outline = browser.execute_script("const s = getComputedStyle(document.activeElement); return [s.outlineStyle, s.outlineWidth]")
    check("the keyboard's focus is visible", outline[0] != "none" and outline[1] != "0px", outline)
    browser.save_screenshot(os.path.join(SHOTS, "pipelines.png"))
    browser.set_window_size(768, 1000)
    check("at a tablet's width the page does not overflow sideways",
          browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"))
    browser.set_window_size(1280, 900)

    status, _, _ = request(BASE, "POST", "/settings/pipelines", b"csrf=stale&label=Stale", signed_in_form())
    check("a change from a page older than the session is refused", status == 403 and stored("Stale") is None, status)

    sign_out()
    sign_in(AGENT)
    check("an agent without account access sees no pipelines in the header", not browser.find_elements(By.LINK_TEXT, "Pipelines"))
    csrf = browser.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] input[name=csrf]").get_attribute("value")
    browser.get(BASE + "/settings/pipelines")
    check("nor the pipelines page: the same refusal as the users' page", heading() == "Not allowed", heading())
    status, _, page = request(BASE, "POST", "/settings/pipelines", f"csrf={csrf}&label=Sneaky".encode(), signed_in_form())
    check("and a change sent with the agent's own session is refused, nothing made",
          status == 403 and "Not allowed" in page and stored("Sneaky") is None, status)
finally:
    browser.quit()
finish()
