"""The agents' workspace end to end in a real browser: on a fresh install the first admin opens
the link the server printed, creates their account and lands in the workspace; tickets made
through the API show in the views with their counts; a customer's email becomes a ticket in Unassigned that the agent opens, answers
with a file attached while setting its status, and comments on; the link works once; signing out, a wrong
password and a right one behave as users expect; the pages carry their security headers.

usage: workspace.py BASE_URL SMTP_PORT SETUP_PATH API_TOKEN SCREENSHOT_DIR RELAY_DIRECTORY [SECOND_SERVER_URL]
Prints one line per check and "N passed, M failed" at the end; exits 1 on any failure.
"""
import email
import email.policy
import os
import smtplib
import sys
import time
from email.message import EmailMessage
from email.utils import make_msgid
from urllib.parse import urlparse

from selenium.common.exceptions import StaleElementReferenceException, TimeoutException, WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import Select, WebDriverWait

from checks import accessibility_problems, check, chromium, finish, json_api, relayed as relayed_to, request

BASE, SMTP_PORT, SETUP_PATH, TOKEN, SHOTS, RELAYED = sys.argv[1:7]
SECOND = sys.argv[7] if len(sys.argv) > 7 and sys.argv[7] else None
api = json_api(BASE, TOKEN)
os.makedirs(SHOTS, exist_ok=True)

browser = chromium()
# A live update or a navigation may replace what a wait is reading: it reads again.
wait = WebDriverWait(browser, 15, ignored_exceptions=[StaleElementReferenceException, WebDriverException])


def heading():
    return browser.find_element(By.TAG_NAME, "h1").text


def fill(values):
    for name, value in values.items():
        field = browser.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)


def replaced(error):
    """Whether an error says the element was replaced (Chromium says it in two ways)."""
    return isinstance(error, StaleElementReferenceException) or "does not belong to the document" in str(error)


def text_of(selector):
    """The text of an element that a live refresh may replace while it is read."""
    for _ in range(10):
        try:
            return browser.find_element(By.CSS_SELECTOR, selector).text
        except WebDriverException as error:
            if not replaced(error):
                raise
            time.sleep(0.2)
    return browser.find_element(By.CSS_SELECTOR, selector).text


def click(selector):
    """Clicks an element that a live refresh may replace in between."""
    for _ in range(10):
        try:
            browser.find_element(By.CSS_SELECTOR, selector).click()
            return
        except WebDriverException as error:
            if not replaced(error):
                raise
            time.sleep(0.2)
    browser.find_element(By.CSS_SELECTOR, selector).click()


def submit():
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()


def send(message):
    with smtplib.SMTP("127.0.0.1", int(SMTP_PORT), timeout=30) as client:
        client.send_message(message)


def relayed(count, timeout=15):
    return relayed_to(RELAYED, count, timeout)


def accessible(page):
    problems = accessibility_problems(browser)
    check(f"axe-core finds no serious or critical problem on {page}", not problems, problems)


def counts():
    # Read again when a live update or a navigation replaced the column while it was being read
    # (Chromium then says the element is stale, or that its node left the document).
    for _ in range(5):
        try:
            return {item.get_attribute("data-view"): item.text for item in browser.find_elements(By.CSS_SELECTOR, ".views .count")}
        except WebDriverException:
            time.sleep(0.1)
    return {}


def subjects():
    for _ in range(5):
        try:
            return [cell.text for cell in browser.find_elements(By.CSS_SELECTOR, ".tickets tbody td a")]
        except WebDriverException:
            time.sleep(0.1)
    return []


try:
    browser.get(BASE + "/")
    check("a signed-out visitor of / is sent to the sign-in page", browser.current_url.endswith("/sign-in") and heading() == "Sign in",
          browser.current_url)
    check("the sign-in page says how the first admin gets in", "helpdesk serve" in browser.page_source)
    browser.save_screenshot(os.path.join(SHOTS, "sign-in.png"))
    accessible("the sign-in page")

    browser.get(BASE + SETUP_PATH)
    check("the printed link opens the first admin's set-up page", heading() == "Create the first admin account", heading())
    fill({"firstName": "Ada", "lastName": "Admin", "email": "ada@example.com", "password": "short"})
    submit()
    check("the browser refuses a password shorter than 8 characters before sending it",
          browser.current_url.endswith(SETUP_PATH) and heading() == "Create the first admin account"
          and browser.execute_script("return document.querySelector('[name=password]').validity.valid") is False)
    fill({"password": "correct-horse-battery"})
    submit()
    wait.until(lambda b: b.current_url.rstrip("/") == BASE)
    check("the new admin lands in the workspace, signed in", heading() == "Unassigned" and "Ada Admin" in browser.page_source,
          heading())
    check("the session cookie is out of the page's reach (HttpOnly)",
          "helpdesk_session" not in browser.execute_script("return document.cookie"))

    status, owners = api("GET", "/crm/v3/owners")
    ada = next((owner["id"] for owner in (owners or {}).get("results", []) if owner["email"] == "ada@example.com"), None)
    check("the admin is an owner tickets can be assigned to", status == 200 and ada is not None, owners)
    ticket_ids = {}
    for subject, owner, stage in [("Printer on fire", None, "1"), ("Refund for order 1234", ada, "2"), ("Thanks, solved", None, "4")]:
        properties = {"subject": subject, "hs_pipeline": "0", "hs_pipeline_stage": stage}
        if owner:
            properties["hubspot_owner_id"] = owner
        status, created = api("POST", "/crm/v3/objects/tickets", {"properties": properties})
        check(f"create the ticket \"{subject}\" through the API", status == 201, status)
        ticket_ids[subject] = (created or {}).get("id")

    browser.get(BASE + "/")
    check("Unassigned lists the open ticket nobody owns", subjects() == ["Printer on fire"], subjects())
    check("each view shows its count", counts() == {"unassigned": "1", "mine": "1", "open": "2", "team-unassigned": "0", "team-open": "0", "closed": "1",
                                              "drafts": "0", "inbox": "0"}, counts())
    accessible("a view's list")
    browser.save_screenshot(os.path.join(SHOTS, "workspace.png"))
    browser.find_element(By.CSS_SELECTOR, ".views a[href='/views/mine']").click()
    check("Assigned to me lists the admin's ticket", heading() == "Assigned to me" and subjects() == ["Refund for order 1234"],
          subjects())
    browser.find_element(By.CSS_SELECTOR, ".views a[href='/views/closed']").click()
    check("Closed lists the closed ticket", subjects() == ["Thanks, solved"], subjects())
    browser.get(BASE + "/views/open")
    check("All open shows the last activity first", subjects() == ["Refund for order 1234", "Printer on fire"], subjects())
    Select(browser.find_element(By.ID, "sort")).select_by_value("waiting")
    wait.until(lambda b: "sort=waiting" in b.current_url and b.find_elements(By.CSS_SELECTOR, "#sort option[value=waiting][selected]"))
    check("an order chosen applies at once: the ticket waiting longest comes first (V1)",
          subjects() == ["Printer on fire", "Refund for order 1234"], subjects())

    browser.find_element(By.CSS_SELECTOR, ".views a.new-view").click()
    wait.until(lambda b: heading() == "New view")
    check("New view opens a form of conditions", heading() == "New view", heading())
    accessible("the form of a new view")
    fill({"name": "Printer tickets", "value0": "printer"})
    Select(browser.find_element(By.NAME, "property0")).select_by_value("subject")
    Select(browser.find_element(By.NAME, "comparison0")).select_by_value("contains")
    fill({"value1": "Nobody"})
    Select(browser.find_element(By.NAME, "property1")).select_by_value("hubspot_owner_id")
    browser.find_element(By.CSS_SELECTOR, "#saved-view button[type=submit]").click()
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "[role=alert]"))
    check("a condition written with a name it does not know is refused in place, with the names it knows",
          "has no \"Nobody\"" in browser.find_element(By.CSS_SELECTOR, "[role=alert]").text
          and browser.find_element(By.NAME, "name").get_attribute("value") == "Printer tickets",
          browser.find_element(By.CSS_SELECTOR, "[role=alert]").text)
    Select(browser.find_element(By.NAME, "comparison1")).select_by_value("unknown")
    fill({"value1": " "})
    browser.find_element(By.CSS_SELECTOR, "#saved-view button[type=submit]").click()
    wait.until(lambda b: heading() == "Printer tickets")
    saved = urlparse(browser.current_url).path.removeprefix("/views/")
    check("a view saved from conditions lists its tickets, with its count in the left column (V1)",
          subjects() == ["Printer on fire"] and counts().get(saved) == "1", (subjects(), counts()))
    browser.get(BASE + "/views/open")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys("j")
    current = browser.find_elements(By.CSS_SELECTOR, ".tickets tr.current")
    body = browser.switch_to.active_element
    body.send_keys("x")
    first_box = browser.find_element(By.CSS_SELECTOR, ".tickets tbody tr:first-child input[name=ticket]")
    check("j moves to the first ticket and x selects it", len(current) == 1 and first_box.is_selected())
    body.send_keys("x")
    body.send_keys("?")
    dialog_open = browser.execute_script("return document.getElementById('shortcuts').open")
    check("? lists the shortcuts", dialog_open and "Keyboard shortcuts" in browser.find_element(By.ID, "shortcuts").text)
    browser.find_element(By.CSS_SELECTOR, "#shortcuts button[type=submit]").click()
    check("x again unselects it, and the bulk changes hide until a ticket is selected",
          not first_box.is_selected() and not browser.find_element(By.ID, "bulk-owner").is_displayed())
    browser.find_element(By.CSS_SELECTOR, f"input[name=ticket][value='{ticket_ids['Printer on fire']}']").click()
    Select(browser.find_element(By.ID, "bulk-owner")).select_by_visible_text("Ada Admin")
    browser.find_element(By.CSS_SELECTOR, "#bulk button[value=assign]").click()
    wait.until(lambda b: counts().get("unassigned") == "0")
    check("the selected tickets are assigned at once (A2)", counts()["unassigned"] == "0" and counts()["mine"] == "2", counts())
    browser.find_element(By.CSS_SELECTOR, f"input[name=ticket][value='{ticket_ids['Printer on fire']}']").click()
    browser.find_element(By.CSS_SELECTOR, "#bulk button[value=close]").click()
    wait.until(lambda b: counts().get("closed") == "2")
    check("and closed at once, each to its pipeline's closed status", counts()["closed"] == "2" and counts()["open"] == "1", counts())
    browser.get(BASE + "/views/closed")
    browser.find_element(By.CSS_SELECTOR, f"input[name=ticket][value='{ticket_ids['Thanks, solved']}']").click()
    browser.find_element(By.CSS_SELECTOR, "#bulk button[value=trash]").click()
    wait.until(lambda b: counts().get("closed") == "1")
    check("and moved to the trash at once", subjects() == ["Printer on fire"], subjects())
    browser.set_window_size(768, 1000)
    browser.save_screenshot(os.path.join(SHOTS, "workspace-tablet.png"))
    check("at a tablet's width the views stack above the list, nothing overflows",
          browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"))
    browser.set_window_size(1280, 900)

    status, _ = api("POST", "/conversations/v3/conversations/channel-accounts", {
        "channelId": "EMAIL", "name": "Support", "deliveryIdentifier": {"type": "HS_EMAIL_ADDRESS", "value": "support@example.com"}})
    check("connect a team address", status == 201, status)
    browser.get(BASE + "/")
    before = counts()["unassigned"]
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "Cleo Customer <cleo@example.org>", "support@example.com", "My order never arrived"
    mail["Message-ID"] = first_id = make_msgid(domain="example.org")
    mail.set_content("Order 1234 was due on Monday.\nCan you check?")
    send(mail)
    try:
        WebDriverWait(browser, 10).until(lambda b: "My order never arrived" in subjects())
    except Exception:
        pass
    check("an emailed ticket appears in the open Unassigned view without a reload, with its count",
          "My order never arrived" in subjects() and counts()["unassigned"] == str(int(before) + 1), (subjects(), counts()))
    browser.find_element(By.LINK_TEXT, "My order never arrived").click()
    check("the ticket page shows the customer's message", heading() == "My order never arrived"
          and "Order 1234 was due on Monday." in browser.find_element(By.CSS_SELECTOR, ".message-incoming .body").text)
    ticket_url = browser.current_url
    browser.find_element(By.ID, "reply-editor").send_keys("We are on it:")
    browser.find_element(By.ID, "reply-cc").send_keys("warehouse@example.org")
    try:
        wait.until(lambda b: "Draft saved" in b.find_element(By.ID, "draft-state").text)
    except Exception:
        pass
    check("the reply being written is saved as a draft while typing (R4)",
          "Draft saved" in browser.find_element(By.ID, "draft-state").text, browser.find_element(By.ID, "draft-state").text)
    browser.refresh()
    check("the draft is found again after a reload, with its copy address (R4)",
          browser.find_element(By.ID, "reply-text").get_attribute("value") == "We are on it:"
          and browser.find_element(By.ID, "reply-cc").get_attribute("value") == "warehouse@example.org",
          browser.find_element(By.ID, "reply-text").get_attribute("value"))
    browser.find_element(By.CSS_SELECTOR, ".views a[href='/views/drafts']").click()
    check("the Drafts view lists the ticket, with its count (R4)",
          subjects() == ["My order never arrived"] and counts()["drafts"] == "1", (subjects(), counts()))
    accessible("the Drafts view")
    browser.get(ticket_url)
    browser.find_element(By.ID, "reply-editor").send_keys(" the parcel left the warehouse today.")
    receipt = os.path.join(SHOTS, "receipt.txt")
    with open(receipt, "w") as file:
        file.write("Parcel 1234 left the warehouse.\n")
    browser.find_element(By.ID, "reply-files").send_keys(receipt)
    Select(browser.find_element(By.ID, "reply-status")).select_by_visible_text("Waiting on contact")
    browser.find_element(By.CSS_SELECTOR, "#reply button[type=submit]").click()
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, ".message-outgoing"))
    check("the reply shows in the thread, from the agent", "the parcel left" in browser.find_element(By.CSS_SELECTOR, ".message-outgoing").text
          and "Ada Admin" in browser.find_element(By.CSS_SELECTOR, ".message-outgoing .meta").text)
    sent = relayed(1)
    delivered = email.message_from_string(sent[0]["data"], policy=email.policy.default) if sent else None
    check("the customer's mail arrives at the relay, to the customer with the copy, from the team address (R2)",
          sent and sorted(sent[0]["recipients"]) == ["cleo@example.org", "warehouse@example.org"]
          and delivered["From"].addresses[0].addr_spec == "support@example.com"
          and "the parcel left the warehouse today" in delivered.get_body(("plain",)).get_content(), sent)
    files = [(part.get_filename(), part.get_content()) for part in delivered.iter_attachments()] if delivered else []
    check("the file attached to the reply goes with the customer's mail (R3)",
          files == [("receipt.txt", "Parcel 1234 left the warehouse.\n")], files)
    links = [link.text for link in browser.find_elements(By.CSS_SELECTOR, ".message-outgoing .attachments a")]
    check("the thread lists the file under the sent message, to download (R3)", links == ["receipt.txt"], links)
    check("sending removed the draft (R4)", counts()["drafts"] == "0", counts())
    stale = (b'--b\r\nContent-Disposition: form-data; name="csrf"\r\n\r\nstale\r\n'
             b'--b\r\nContent-Disposition: form-data; name="text"\r\n\r\nSneaky\r\n'
             b'--b\r\nContent-Disposition: form-data; name="files"; filename="x.txt"\r\nContent-Type: text/plain\r\n\r\nx\r\n--b--\r\n')
    status, _, _ = request(BASE, "POST", urlparse(ticket_url).path + "/reply", stale,
                           {"Cookie": "helpdesk_session=" + browser.get_cookie("helpdesk_session")["value"],
                            "Content-Type": "multipart/form-data; boundary=b"})
    check("a form with files is refused without the session's CSRF token, as every form is", status == 403, status)
    fields = {name: browser.find_element(By.CSS_SELECTOR, f"#reply input[name={name}]").get_attribute("value")
              for name in ("csrf", "conversation")}
    fields["text"] = "The photos of the parcel"
    large = b"".join(b'--b\r\nContent-Disposition: form-data; name="%s"\r\n\r\n%s\r\n' % (name.encode(), value.encode())
                     for name, value in fields.items())
    large += (b'--b\r\nContent-Disposition: form-data; name="files"; filename="photos.zip"\r\nContent-Type: application/zip\r\n\r\n'
              + bytes(21 * 1024 * 1024) + b"\r\n--b--\r\n")
    status, _, page = request(BASE, "POST", urlparse(ticket_url).path + "/reply", large,
                              {"Cookie": "helpdesk_session=" + browser.get_cookie("helpdesk_session")["value"],
                               "Content-Type": "multipart/form-data; boundary=b"})
    check("files beyond what a message carries are refused with the reason in the page, the text kept as the draft (R3, R4)",
          status == 400 and "larger than a message may carry" in page and "The photos of the parcel" in page, (status, page[:300]))
    browser.refresh()
    browser.find_element(By.ID, "discard").click()
    wait.until(lambda b: not b.find_elements(By.ID, "discard"))
    check("sending set the status in the same action (R5)", "Waiting on contact" in browser.find_element(By.CSS_SELECTOR, ".facts").text,
          browser.find_element(By.CSS_SELECTOR, ".facts").text)
    browser.find_element(By.ID, "comment-text").send_keys("Checking with the warehouse too. @rob")
    options = browser.find_elements(By.CSS_SELECTOR, "#comment-text-complete-mentions [role=option]")
    check("typing @ offers the teammates who may see the ticket (R6)",
          [option.text for option in options] == ["robot@example.com (@robot)"], [option.text for option in options])
    browser.find_element(By.ID, "comment-text").send_keys(Keys.ENTER, "can you look?")
    check("Enter completes the handle", browser.find_element(By.ID, "comment-text").get_attribute("value")
          == "Checking with the warehouse too. @robot can you look?", browser.find_element(By.ID, "comment-text").get_attribute("value"))
    browser.find_element(By.CSS_SELECTOR, "#comment button[type=submit]").click()
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, ".message-comment"))
    check("an internal comment looks different and says so (R6)",
          "Internal comment" in browser.find_element(By.CSS_SELECTOR, ".message-comment").text)
    status, mentions = api("GET", "/notifications/v1/notifications?unread=true")
    check("the teammate it mentions is notified (R6)",
          status == 200 and [n["type"] for n in mentions.get("results", [])] == ["MENTION"], (status, mentions))
    Select(browser.find_element(By.ID, "field-owner")).select_by_visible_text("Unassigned")
    Select(browser.find_element(By.ID, "field-status")).select_by_visible_text("Waiting on us")
    browser.find_element(By.CSS_SELECTOR, "#fields button").click()
    try:
        wait.until(lambda b: "Waiting on us" in b.find_element(By.ID, "facts").text)
    except Exception:
        pass
    facts = browser.find_element(By.ID, "facts").text
    check("the owner and the status are changed from the ticket page (A2)", "Unassigned" in facts and "Waiting on us" in facts, facts)
    Select(browser.find_element(By.ID, "side-hs_ticket_priority")).select_by_visible_text("High")
    browser.find_element(By.CSS_SELECTOR, "#fields input[name='p.hs_ticket_category'][value='BILLING_ISSUE']").click()
    browser.find_element(By.CSS_SELECTOR, "#fields button").click()
    wait.until(lambda b: "High" in b.find_element(By.ID, "facts").text)
    check("the side column edits properties with inputs that fit their type (R7)",
          Select(browser.find_element(By.ID, "side-hs_ticket_priority")).first_selected_option.text == "High"
          and browser.find_element(By.CSS_SELECTOR, "#fields input[name='p.hs_ticket_category'][value='BILLING_ISSUE']").is_selected())
    activity = browser.find_element(By.ID, "activity").text
    check("the activity timeline says who changed what, in words (R7)",
          "Ada Admin set Priority to High" in activity and "Ada Admin changed Status from Waiting on contact to Waiting on us" in activity,
          activity)
    browser.find_element(By.ID, "link-contacts").send_keys("cleo@example.org")
    browser.find_element(By.CSS_SELECTOR, "#link-contacts + button").click()
    wait.until(lambda b: "cleo@example.org" in b.find_element(By.CSS_SELECTOR, "[aria-labelledby=links-contacts]").text)
    check("a contact is linked by its email address (R7)", "cleo@example.org" in text_of("[aria-labelledby=links-contacts] ul"))
    click("[aria-labelledby=links-contacts] ul button")
    try:
        wait.until(lambda b: "None linked" in b.find_element(By.CSS_SELECTOR, "[aria-labelledby=links-contacts]").text)
    except Exception:
        pass
    check("and unlinked", "None linked" in text_of("[aria-labelledby=links-contacts]"), text_of("main")[:600])
    browser.find_element(By.ID, "link-companies").send_keys("Nobody Inc")
    browser.find_element(By.CSS_SELECTOR, "#link-companies + button").click()
    try:
        wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "[role=alert]"))
    except Exception:
        pass
    notice = browser.find_elements(By.CSS_SELECTOR, "[role=alert]")
    check("a company that does not exist is named in the refusal", notice and "Nobody Inc" in notice[0].text,
          notice[0].text if notice else "")
    browser.get(ticket_url)
    browser.find_element(By.CSS_SELECTOR, ".side-choice summary").click()
    browser.find_element(By.CSS_SELECTOR, ".side-choice input[value='hs_resolution']").click()
    browser.find_element(By.CSS_SELECTOR, ".side-choice input[value='source_type']").click()
    browser.find_element(By.CSS_SELECTOR, ".side-choice button").click()
    wait.until(lambda b: b.find_elements(By.ID, "side-hs_resolution"))
    check("each user chooses which properties show (R7)",
          browser.find_elements(By.ID, "side-hs_resolution") and not browser.find_elements(By.ID, "side-source_type"))
    answer = EmailMessage()
    answer["From"], answer["To"], answer["Subject"] = "Cleo Customer <cleo@example.org>", "support@example.com", "Re: My order never arrived"
    answer["Message-ID"], answer["In-Reply-To"] = make_msgid(domain="example.org"), first_id
    answer.set_content("Thanks, it just arrived!")
    answer.add_alternative('<p onclick="document.title=1">Thanks, it <b>just arrived</b>!</p>'
                           '<script>document.title = "ran"</script><img src="http://198.51.100.7/open.png" alt="tracker">',
                           subtype="html")
    send(answer)
    try:
        WebDriverWait(browser, 10).until(lambda b: len(b.find_elements(By.CSS_SELECTOR, "#threads .message-incoming")) == 2)
    except Exception:
        pass
    frames = browser.find_elements(By.CSS_SELECTOR, "#threads .message-incoming iframe.mail-html")
    check("the customer's answer appears on the open ticket page without a reload, its HTML in a sandboxed frame",
          len(frames) == 1 and frames[0].get_attribute("sandbox") == "allow-popups allow-popups-to-escape-sandbox",
          browser.find_element(By.ID, "threads").text)
    frame_path = urlparse(frames[0].get_attribute("src")).path if frames else "/messages/0/html"
    if frames:
        browser.switch_to.frame(frames[0])
        inside = browser.find_element(By.TAG_NAME, "body")
        check("the email's HTML shows its formatting and nothing that could run or load (no script, handler or remote image)",
              "just arrived" in inside.text and inside.find_elements(By.TAG_NAME, "b")
              and not browser.find_elements(By.TAG_NAME, "script") and not browser.find_elements(By.CSS_SELECTOR, "[onclick]")
              and not browser.find_elements(By.CSS_SELECTOR, "img[src^='http']"), inside.get_attribute("innerHTML"))
        browser.switch_to.default_content()
    check("the frame ran nothing in the page", browser.title != "ran", browser.title)
    cookie = browser.get_cookie("helpdesk_session")
    status, headers, _ = request(BASE, "GET", frame_path, None, {"Cookie": "helpdesk_session=" + (cookie or {}).get("value", "")})
    check("an email's frame has a policy of its own: sandboxed, no script, nothing remote",
          headers.get("Content-Security-Policy", "").startswith("sandbox ") and "script-src" not in headers.get("Content-Security-Policy", "")
          and "default-src 'none'" in headers.get("Content-Security-Policy", ""), headers)
    first_message = browser.find_element(By.CSS_SELECTOR, "#threads .message-incoming a.answer")
    answer_link = first_message.get_attribute("href") or ""
    first_message.click()
    wait.until(lambda b: "answer=" in b.current_url)
    answered = browser.find_elements(By.CSS_SELECTOR, "#reply input[name=answer]")
    check("Answer on a message makes the reply answer that one, and says so (R1)",
          answered and urlparse(answer_link).query == "answer=" + answered[0].get_attribute("value")
          and "Answering the message of Cleo Customer" in browser.find_element(By.ID, "reply").text,
          browser.find_element(By.ID, "reply").text[:200])
    browser.get(ticket_url)
    browser.save_screenshot(os.path.join(SHOTS, "ticket.png"))
    browser.set_window_size(768, 1000)
    browser.save_screenshot(os.path.join(SHOTS, "ticket-tablet.png"))
    check("at a tablet's width the ticket page stacks its side column under the thread, nothing overflows",
          browser.execute_script("return document.documentElement.scrollWidth <= window.innerWidth"))
    browser.set_window_size(1280, 900)
    accessible("the ticket page")
    browser.get(BASE + "/settings/snippets")
    fill({"name": "replacement", "text": "A replacement is on its way, at no cost to you."})
    browser.find_element(By.CSS_SELECTOR, "#new-snippet button[type=submit]").click()
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "[role=status]"))
    check("an admin adds a snippet (R3)", "#replacement is added" in browser.find_element(By.CSS_SELECTOR, "[role=status]").text)
    accessible("the snippets' settings")
    browser.find_element(By.LINK_TEXT, "Templates").click()
    wait.until(lambda b: heading() == "Templates")
    fill({"name": "Signed off", "text": " Kind regards, the support team."})
    browser.find_element(By.CSS_SELECTOR, "#new-template button[type=submit]").click()
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "[role=status]"))
    check("an admin adds a reply template (R3)", "Signed off" in browser.find_element(By.CSS_SELECTOR, "[role=status]").text)
    accessible("the templates' settings")
    browser.find_element(By.CSS_SELECTOR, ".views .new-ticket").click()
    accessible("the new ticket page")
    fill({"subject": "Replacement for order 88"})
    browser.find_element(By.CSS_SELECTOR, "#new-ticket button[type=submit]").click()
    wait.until(lambda b: heading() == "Replacement for order 88")
    check("a ticket is made by hand with a name and its pipeline's first open status (P5)",
          "New" in browser.find_element(By.ID, "facts").text and "Ada Admin" in browser.find_element(By.ID, "facts").text,
          browser.find_element(By.ID, "facts").text)
    browser.find_element(By.ID, "reply-to").send_keys("dora@example.org")
    browser.find_element(By.ID, "reply-editor").send_keys("Hello Dora. #repl")
    options = [option.text for option in browser.find_elements(By.CSS_SELECTOR, "#reply-editor-complete-snippets [role=option]")]
    browser.find_element(By.ID, "reply-editor").send_keys(Keys.ENTER)
    written = browser.find_element(By.ID, "reply-text").get_attribute("value")
    check("typing # offers the snippets and Enter inserts one (R3)",
          options and options[0].startswith("#replacement") and written == "Hello Dora. A replacement is on its way, at no cost to you.",
          (options, written))
    Select(browser.find_element(By.ID, "reply-template")).select_by_visible_text("Signed off")
    try:
        wait.until(lambda b: "Kind regards" in b.find_element(By.ID, "reply-text").get_attribute("value"))
    except Exception:
        pass
    written = browser.find_element(By.ID, "reply-text").get_attribute("value")
    check("a template picked under the editor is put where the caret is (R3)",
          written == "Hello Dora. A replacement is on its way, at no cost to you. Kind regards, the support team.", written)
    browser.find_element(By.CSS_SELECTOR, "#reply button[type=submit]").click()
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, ".message-outgoing"))
    sent = relayed(2)
    check("the agent's first email starts its conversation and reaches the customer (P5)",
          len(sent) == 2 and sent[1]["recipients"] == ["dora@example.org"]
          and "dora@example.org" in text_of("[aria-labelledby=links-contacts]"), sent[1:])
    browser.find_element(By.TAG_NAME, "body").send_keys("/")
    browser.switch_to.active_element.send_keys("order", Keys.ENTER)
    wait.until(lambda b: "/search" in b.current_url)
    found = subjects()
    check("the search box finds tickets by the words of their name (V1)",
          "Replacement for order 88" in found and "My order never arrived" in found and "Printer on fire" not in found, found)
    accessible("the search results")
    browser.get(BASE + "/search?q=dora")
    hits = browser.find_element(By.CSS_SELECTOR, ".contact-hits").text if browser.find_elements(By.CSS_SELECTOR, ".contact-hits") else ""
    check("and contacts by name or address, with their tickets", "dora@example.org" in hits and "Replacement for order 88" in hits, hits)
    status, _ = api("POST", "/conversations/v3/conversations/channel-accounts", {
        "channelId": "EMAIL", "name": "Sales", "createsTickets": False,
        "deliveryIdentifier": {"type": "HS_EMAIL_ADDRESS", "value": "sales@example.com"}})
    lead = EmailMessage()
    lead["From"], lead["To"], lead["Subject"] = "Eve Buyer <eve@example.org>", "sales@example.com", "Price for 40 seats?"
    lead["Message-ID"] = make_msgid(domain="example.org")
    lead.set_content("Do you have a discount for 40 seats?")
    send(lead)
    browser.get(BASE + "/views/inbox")
    try:
        wait.until(lambda b: "Price for 40 seats?" in subjects())
    except Exception:
        pass
    check("mail to an address that makes no tickets waits in the Inbox, with its count (V1)",
          status == 201 and subjects() == ["Price for 40 seats?"] and counts()["inbox"] == "1", (status, subjects(), counts()))
    accessible("the Inbox")
    browser.find_element(By.LINK_TEXT, "Price for 40 seats?").click()
    check("the conversation's page shows its messages", "discount for 40 seats" in browser.find_element(By.ID, "threads").text)
    accessible("a conversation's page")
    browser.find_element(By.CSS_SELECTOR, "#make-ticket button").click()
    wait.until(lambda b: "/tickets/" in b.current_url)
    check("making a ticket of it moves it into the help desk's views (C4, R8)",
          heading() == "Price for 40 seats?" and counts()["inbox"] == "0", (heading(), counts()))
    if SECOND:
        browser.get(BASE + "/views/open")
        status, _ = json_api(SECOND, TOKEN)("POST", "/crm/v3/objects/tickets", {
            "properties": {"subject": "Made on the other server", "hs_pipeline": "0", "hs_pipeline_stage": "1"}})
        try:
            WebDriverWait(browser, 10, ignored_exceptions=[StaleElementReferenceException]).until(
                lambda b: "Made on the other server" in subjects())
        except Exception:
            pass
        check("a ticket made through a second server process appears live in the open view",
              status == 201 and "Made on the other server" in subjects(), (status, subjects()))
    browser.get(BASE + "/tickets/999999")
    check("a ticket that does not exist answers a page that says so", heading() == "Not found", heading())

    browser.get(BASE + SETUP_PATH)
    check("the set-up link works once", heading() == "This link no longer works", heading())

    browser.get(BASE + "/")
    browser.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] button").click()
    wait.until(lambda b: b.current_url.endswith("/sign-in"))
    browser.get(BASE + "/views/open")
    check("after signing out the workspace asks to sign in again", browser.current_url.endswith("/sign-in"), browser.current_url)

    fill({"email": "ada@example.com", "password": "wrong-password"})
    submit()
    try:
        wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, "[role=alert]"))
    except Exception:
        pass
    alert = browser.find_elements(By.CSS_SELECTOR, "[role=alert]")
    check("a wrong password is refused with a message read out to screen readers",
          alert and "not right" in alert[0].text and browser.find_element(By.NAME, "email").get_attribute("value") == "ada@example.com",
          [a.text for a in alert])
    fill({"password": "correct-horse-battery"})
    submit()
    wait.until(lambda b: b.current_url.rstrip("/") == BASE)
    check("the right password signs in", heading() == "Unassigned")

    browser.find_element(By.LINK_TEXT, "Users").click()
    check("an admin finds the users in the settings", heading() == "Users" and "ada@example.com" in browser.page_source)
    fill({"email": "ann@example.com", "firstName": "Ann", "lastName": "Agent"})
    Select(browser.find_element(By.NAME, "scope")).select_by_value("own")
    mail_box = browser.find_element(By.CSS_SELECTOR, "input[name=mail]")
    if mail_box.is_selected():
        mail_box.click()
    browser.find_element(By.CSS_SELECTOR, "form.grid-form button[type=submit]").click()
    try:
        wait.until(lambda b: b.find_elements(By.ID, "invitation-link") or b.find_elements(By.CSS_SELECTOR, "[role=alert]"))
    except Exception:
        pass
    links = browser.find_elements(By.ID, "invitation-link")
    check("inviting without mail shows the one-time link to hand over", bool(links) and "/invitation/" in links[0].text,
          [e.text for e in browser.find_elements(By.CSS_SELECTOR, ".notice")] + [heading(), browser.current_url])
    # Links carry the address given with --public-url; the test server listens on a port of its own.
    invitation = BASE + (urlparse(links[0].text).path if links else "/invitation/missing")
    browser.save_screenshot(os.path.join(SHOTS, "users.png"))
    accessible("the users' settings")
    Select(browser.find_element(By.ID, "team-1-from")).select_by_visible_text("Support <support@example.com>")
    browser.find_element(By.CSS_SELECTOR, "#teams form button").click()

    def team_saved(b):
        # The page before the click may show a notice of its own: wait for this one, on the new page.
        try:
            return any("Billing now writes from" in e.text for e in b.find_elements(By.CSS_SELECTOR, "[role=status]"))
        except StaleElementReferenceException:
            return False
    try:
        wait.until(team_saved)
    except TimeoutException:
        pass
    check("an admin sets the address a team writes from by default (R2)",
          team_saved(browser) and Select(browser.find_element(By.ID, "team-1-from")).first_selected_option.text == "Support <support@example.com>")
    browser.find_element(By.CSS_SELECTOR, "form[action='/sign-out'] button").click()
    wait.until(lambda b: b.current_url.endswith("/sign-in"))
    browser.get(invitation)
    check("the invitation opens a page to choose a password", heading() == "Welcome: choose your password", heading())
    fill({"password": "anns-password"})
    submit()
    wait.until(lambda b: b.current_url.rstrip("/") == BASE)
    check("the invited agent lands in the workspace, signed in", "Ann Agent" in browser.find_element(By.CSS_SELECTOR, ".who").text)
    check("an agent without account access sees no settings", not browser.find_elements(By.LINK_TEXT, "Users"))
    browser.get(BASE + "/tickets/" + str(ticket_ids.get("Printer on fire")))
    check("an agent who sees only their own tickets cannot open another one by its address (R8)", heading() == "Not found", heading())
    browser.get(BASE + "/search?q=order")
    check("a search finds only the tickets the user may see (R8)", subjects() == [], subjects())
    browser.get(BASE + frame_path)
    check("nor another ticket's email by its frame's address (R8)", "just arrived" not in browser.page_source, browser.page_source[:200])
    browser.get(BASE + "/settings/users")
    check("nor the users' settings", heading() == "Not allowed", heading())

    # Collision: the admin, in a browser of their own, opens a ticket the agent has open.
    _, owners = api("GET", "/crm/v3/owners")
    ann = next((owner["id"] for owner in (owners or {}).get("results", []) if owner["email"] == "ann@example.com"), None)
    _, shared = api("POST", "/crm/v3/objects/tickets", {"properties": {
        "subject": "Both on it", "hs_pipeline": "0", "hs_pipeline_stage": "1", "hubspot_owner_id": ann}})
    shared_path = "/tickets/" + str((shared or {}).get("id"))
    browser.get(BASE + shared_path)
    other = chromium()
    try:
        other.get(BASE + "/sign-in")
        other.find_element(By.NAME, "email").send_keys("ada@example.com")
        other.find_element(By.NAME, "password").send_keys("correct-horse-battery")
        other.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        WebDriverWait(other, 15).until(lambda b: b.current_url.rstrip("/") == BASE)
        other.get(BASE + shared_path)
        seen = WebDriverWait(other, 15, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda b: b.find_element(By.ID, "presence").text or False)
        check("a second browser on the ticket says who else has it open", seen == "Ann Agent is viewing this ticket", seen)
        editor = browser.find_elements(By.ID, "reply-editor") or browser.find_elements(By.ID, "reply-text")
        editor[0].send_keys("Looking into it")
        time.sleep(1)
        other.refresh()
        seen = WebDriverWait(other, 15, ignored_exceptions=[StaleElementReferenceException]).until(
            lambda b: b.find_element(By.ID, "presence").text or False)
        check("and who is writing a reply there", seen == "Ann Agent is replying", seen)
    finally:
        other.quit()

    status, headers, _ = request(BASE, "GET", "/sign-in")
    policy = headers.get("Content-Security-Policy", "")
    check("pages forbid inline scripts, framing and other sites' resources",
          "script-src 'self'" in policy and "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy, policy)
    check("pages are not sniffed and do not leak their address",
          headers.get("X-Content-Type-Options") == "nosniff" and headers.get("Referrer-Policy") == "same-origin", headers)
    status, _, _ = request(BASE, "POST", "/sign-out", b"csrf=x", {"Origin": "https://elsewhere.example",
                                                                "Content-Type": "application/x-www-form-urlencoded"})
    check("a change sent from another site is refused", status == 403, status)
finally:
    browser.quit()
finish()
