"""Pipeline automation end to end (W1-W3, W6), with a real SMTP client, a real SMTP relay and a
real browser: an admin adds an action under the Closed status on the pipeline's automation page
(email the contact with the built-in "Ticket closed" template), comments it, turns on W1's "email
sent" switch and tries the workflow on a ticket in a dry run; the ticket is closed and the
customer's mail arrives at the relay; the ticket's page lists the run. An agent reads the page and
finds no form to change it.

usage: automation.py BASE_URL API_TOKEN SMTP_PORT ADMIN_EMAIL AGENT_EMAIL PASSWORD RELAY_DIR SCREENSHOT_DIR
Prints one line per check and "N passed, M failed" at the end; exits 1 on any failure.
"""
import email
import email.policy
import hashlib
import hmac
import http.server
import json
import os
import smtplib
import sys
import threading
from email.message import EmailMessage

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from checks import Pages, accessibility_problems, check, chromium, eventually, finish, json_api, relayed

BASE, TOKEN, PORT, ADMIN, AGENT, PASSWORD, RELAY, SHOTS = sys.argv[1:9]
api = json_api(BASE, TOKEN)
os.makedirs(SHOTS, exist_ok=True)

browser = chromium()
pages = Pages(browser, BASE, PASSWORD)
heading, press, sign_in, sign_out = pages.heading, pages.press, pages.sign_in, pages.sign_out


def problems_here(name):
    found = accessibility_problems(browser)
    check(f"axe finds no serious or critical problem on {name}", not found, found)


hooks = []


class Hook(http.server.BaseHTTPRequestHandler):
    """The service a workflow's webhook posts to: keeps each post, answers 503 to the first try
    so that the help desk tries again, then 204."""
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        hooks.append({"headers": dict(self.headers), "body": body})
        self.send_response(503 if len(hooks) == 1 else 204)
        self.end_headers()

    def log_message(self, *args):
        pass


hook_server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hook)
threading.Thread(target=hook_server.serve_forever, daemon=True).start()
SECRET = "a-secret-of-32-characters-000000"


def ticket_id():
    status, found = api("POST", "/crm/v3/objects/tickets/search", {"limit": 5})
    return found["results"][0]["id"] if status == 200 and found.get("results") else None


try:
    status, channel = api("POST", "/conversations/v3/conversations/channel-accounts", {
        "channelId": "EMAIL", "name": "Support", "deliveryIdentifier": {"type": "HS_EMAIL_ADDRESS", "value": "support@example.com"}})
    check("the team address is connected", status == 201, (status, channel))

    mail = EmailMessage()
    mail["From"] = "Ada Lovelace <ada@example.org>"
    mail["To"] = "support@example.com"
    mail["Subject"] = "The printer is on fire"
    mail.set_content("It smokes.")
    with smtplib.SMTP("127.0.0.1", int(PORT), timeout=30) as client:
        client.send_message(mail)
    ticket = eventually(ticket_id, 15)
    check("the customer's mail opens a ticket", ticket is not None, ticket)

    sign_in(ADMIN)
    press(browser.find_element(By.LINK_TEXT, "Automation"))
    check("the header leads an admin to the pipeline's automation", heading() == "Automation of Support Pipeline", heading())

    closed = browser.find_element(By.ID, "stage-4")
    Select(closed.find_element(By.CSS_SELECTOR, "select.action-kind")).select_by_value("EMAIL_CONTACT")
    fields = closed.find_elements(By.CSS_SELECTOR, "fieldset[data-kind]")
    check("the form shows the chosen action's fields alone",
          [f.get_attribute("data-kind") for f in fields if f.is_displayed()] == ["EMAIL_CONTACT"],
          [f.get_attribute("data-kind") for f in fields if f.is_displayed()])
    Select(closed.find_element(By.ID, "add-stage-4-template")).select_by_value("ticket-closed")
    press(closed.find_element(By.CSS_SELECTOR, "form.add-action button[type=submit]"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#stage-4 li.action")
    check("the action shows under the Closed status (W2)",
          len(rows) == 1 and "Send email to contact" in rows[0].text and "Ticket closed" in rows[0].text, [r.text for r in rows])

    closed = browser.find_element(By.ID, "stage-4")
    Select(closed.find_element(By.CSS_SELECTOR, "select.action-kind")).select_by_value("CREATE_TASK")
    closed.find_element(By.ID, "add-stage-4-task-title").send_keys("Call back about {{ticket.subject}}")
    press(closed.find_element(By.CSS_SELECTOR, "form.add-action button[type=submit]"))
    rows = browser.find_elements(By.CSS_SELECTOR, "#stage-4 li.action")
    check("a second action goes after the first", len(rows) == 2 and "Create task" in rows[1].text, [r.text for r in rows])

    template = browser.find_element(By.ID, "template-ticket-closed")
    template.find_element(By.TAG_NAME, "summary").click()
    body = template.find_element(By.ID, "template-ticket-closed-body")
    body.send_keys("\nThank you for your patience.")
    press(template.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    status, templates = api("GET", "/automation/v4/email-templates")
    closed_template = next((t for t in templates.get("results", []) if t["id"] == "ticket-closed"), {})
    check("the built-in Ticket closed template is edited on the page and stays transactional",
          "Thank you for your patience." in closed_template.get("body", "") and closed_template.get("transactional") is True, closed_template)

    rows = browser.find_elements(By.CSS_SELECTOR, "#stage-4 li.action")
    if rows:
        rows[0].find_element(By.TAG_NAME, "summary").click()
        rows[0].find_element(By.CSS_SELECTOR, "input[name=text]").send_keys("Tell them it is done")
        press(rows[0].find_element(By.XPATH, ".//button[starts-with(normalize-space(.), 'Add the comment')]"))
    commented = browser.find_elements(By.CSS_SELECTOR, "#stage-4 li.action .comments")
    check("a user's comment shows on the action (W3)", commented and "Tell them it is done" in commented[0].text,
          [c.text for c in commented])

    switch = browser.find_element(By.ID, "switch-EMAIL_SENT")
    Select(switch.find_element(By.TAG_NAME, "select")).select_by_value("2")
    switch.find_element(By.CSS_SELECTOR, "input[name='on:EMAIL_SENT']").click()
    press(switch.find_element(By.CSS_SELECTOR, "button[type=submit]"))
    switch = browser.find_element(By.ID, "switch-EMAIL_SENT")
    check("W1's sent switch is on with its status", switch.find_element(By.CSS_SELECTOR, "input[name='on:EMAIL_SENT']").is_selected()
          and Select(switch.find_element(By.TAG_NAME, "select")).first_selected_option.text == "Waiting on contact")
    opened = browser.find_elements(By.CSS_SELECTOR, ".switch-workflow li.action")
    check("and is a workflow of its own, opened under it, that more actions can join (W1)",
          len(opened) == 1 and "to \u201cWaiting on contact\u201d" in opened[0].text, [o.text for o in opened])

    browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(os.path.join(SHOTS, "automation-switches.png"))
    browser.execute_script("document.getElementById('stage-4').scrollIntoView()")
    browser.save_screenshot(os.path.join(SHOTS, "automation-stage.png"))
    Select(browser.find_element(By.ID, "dry-run-workflow")).select_by_visible_text("When a record enters Closed")
    browser.find_element(By.ID, "dry-run-record").send_keys(str(ticket))
    press(browser.find_element(By.CSS_SELECTOR, "#dry-run form button"))
    result = browser.find_elements(By.ID, "dry-run-result")
    check("a dry run says what the workflow would do to the ticket, without doing it",
          result and "Emails ada@example.org" in result[0].text and "Your request is closed" in result[0].text,
          result[0].text if result else "")
    problems_here("the automation page")
    browser.save_screenshot(os.path.join(SHOTS, "automation.png"))
    browser.set_window_size(768, 1000)
    browser.save_screenshot(os.path.join(SHOTS, "automation-768.png"))
    browser.set_window_size(1280, 900)

    status, flows = api("GET", "/automation/v4/flows?objectTypeId=tickets")
    closed_flow = next((f for f in flows.get("results", []) if f["trigger"] == {"type": "STAGE_ENTERED", "stageId": "4"}), None)
    status, added = api("POST", f"/automation/v4/flows/{closed_flow['id']}/actions", {"action": {
        "type": "WEBHOOK", "fields": {"url": f"http://127.0.0.1:{hook_server.server_port}/hook", "secret": SECRET}}})
    check("a webhook is added through the API, and its secret is never read back",
          status == 201 and all("secret" not in a["fields"] for a in added["actions"]), (status, added))

    status, moved = api("PATCH", f"/crm/v3/objects/tickets/{ticket}", {"properties": {"hs_pipeline_stage": "4"}})
    check("the ticket moves to Closed", status == 200, (status, moved))
    sent = eventually(lambda: [m for m in relayed(RELAY, 1, 2) if "Your request is closed" in m["data"]], 30)
    check("the customer's mail arrives at the SMTP peer", bool(sent) and sent[0]["recipients"] == ["ada@example.org"],
          [(m["recipients"], m["data"][:300]) for m in relayed(RELAY, 0, 1)])
    if sent:
        parsed = email.message_from_string(sent[0]["data"], policy=email.policy.default)
        check("from the template as edited, with the ticket's subject",
              parsed["Subject"].startswith("Your request is closed: The printer is on fire")
              and "Thank you for your patience." in parsed.get_body(("plain",)).get_content(), parsed["Subject"])

    # The runner sleeps until the retry is due (a minute); the first refusal is enough to show the retry.
    check("the webhook reaches the service, signed over its timestamp and body", eventually(lambda: len(hooks) >= 1, 20), hooks)
    if hooks:
        first = hooks[0]
        signed = first["headers"].get("X-HelpDesk-Timestamp", "").encode() + b"." + first["body"]
        expected = "sha256=" + hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
        payload = json.loads(first["body"])
        check("the signature is the HMAC-SHA256 of the shared secret", first["headers"].get("X-HelpDesk-Signature") == expected,
              first["headers"])
        check("with an idempotency key and the record", first["headers"].get("Idempotency-Key", "").startswith("helpdesk-workflow-run-")
              and payload["objectId"] == str(ticket) and payload["properties"]["subject"] == "The printer is on fire", (first["headers"], payload))
    def ticket_runs():
        browser.get(BASE + f"/tickets/{ticket}")
        text = browser.find_element(By.ID, "automation").text
        return text if "answered 503" in text else None
    runs = eventually(ticket_runs, 10) or browser.find_element(By.ID, "automation").text
    check("the ticket's page lists the run and its actions, the webhook's first refusal among them",
          "When a record enters Closed: finished" in runs and "Send email to contact" in runs and "answered 503" in runs, runs)
    tasks = browser.find_element(By.ID, "tasks").text
    check("the task the workflow made shows on the ticket", "Call back about The printer is on fire" in tasks and "Not started" in tasks, tasks)
    problems_here("the ticket page with its runs")
    browser.execute_script("document.getElementById('tasks').scrollIntoView()")
    browser.save_screenshot(os.path.join(SHOTS, "automation-ticket.png"))
    browser.get(BASE + "/settings/automation/tickets/0")
    runs_table = browser.find_element(By.ID, "runs").text
    check("the automation page lists the run, with each action's result", f"#{ticket}" in runs_table and "Finished" in runs_table,
          runs_table)
    sign_out()

    sign_in(AGENT)
    browser.get(BASE + "/settings/automation/tickets/0")
    check("an agent reads the automation (W6)", heading() == "Automation of Support Pipeline", heading())
    check("but finds no form to change it", not browser.find_elements(By.CSS_SELECTOR, "form.add-action")
          and not browser.find_elements(By.CSS_SELECTOR, ".action-edit"))
    status, _ = api("POST", "/automation/v4/flows", {"name": "x", "pipelineId": "0", "trigger": {"type": "EMAIL_SENT"}},
                    token_override=None)
    check("a super admin's token may create a workflow through the API", status == 201, status)
    sign_out()
finally:
    browser.quit()
    hook_server.shutdown()

finish()
