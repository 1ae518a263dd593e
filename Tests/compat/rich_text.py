"""The reply editor in rich text (R3) end to end in a real browser: on the ticket of a customer's
email the agent writes with bold and a bulleted list from the toolbar and the shortcuts, adds a
link, finds the formatted draft again after a reload, and sends; the customer's mail has an HTML
part with the formatting and a plain part with the text. Links other than web and email ones are
refused, an empty message is not sent, and the page passes axe-core with the editor.

usage: rich_text.py BASE_URL SMTP_PORT SETUP_PATH API_TOKEN SCREENSHOT_DIR RELAY_DIRECTORY
Prints one line per check and "N passed, M failed" at the end; exits 1 on any failure.
"""
import email
import email.policy
import os
import smtplib
import sys
from email.message import EmailMessage
from email.utils import make_msgid

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from checks import accessibility_problems, check, chromium, finish, json_api, relayed as relayed_to, request

BASE, SMTP_PORT, SETUP_PATH, TOKEN, SHOTS, RELAYED = sys.argv[1:7]
api = json_api(BASE, TOKEN)
os.makedirs(SHOTS, exist_ok=True)

browser = chromium()
wait = WebDriverWait(browser, 15, ignored_exceptions=[StaleElementReferenceException])


def relayed(count, timeout=15):
    return relayed_to(RELAYED, count, timeout)


def editor():
    return browser.find_element(By.ID, "reply-editor")


def button(name):
    return browser.find_element(By.XPATH, f"//*[@role='toolbar']//button[normalize-space()='{name}']")


def shortcut(key):
    editor().send_keys(Keys.CONTROL, key)


def link(address):
    """Presses Ctrl+K and answers the browser's question with `address`."""
    shortcut("k")
    question = WebDriverWait(browser, 5).until(lambda b: b.switch_to.alert)
    question.send_keys(address)
    question.accept()


def draft_saved():
    try:
        wait.until(lambda b: "Draft saved" in b.find_element(By.ID, "draft-state").text)
    except Exception:
        pass
    return "Draft saved" in browser.find_element(By.ID, "draft-state").text


try:
    browser.get(BASE + SETUP_PATH)
    for name, value in {"firstName": "Ada", "lastName": "Admin", "email": "ada@example.com", "password": "correct-horse-battery"}.items():
        browser.find_element(By.NAME, name).send_keys(value)
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait.until(lambda b: b.current_url.rstrip("/") == BASE)
    check("the first admin signs up through the printed link", "Ada Admin" in browser.page_source)

    status, _ = api("POST", "/conversations/v3/conversations/channel-accounts", {
        "channelId": "EMAIL", "name": "Support", "deliveryIdentifier": {"type": "HS_EMAIL_ADDRESS", "value": "support@example.com"}})
    check("connect a team address", status == 201, status)
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = "Cleo Customer <cleo@example.org>", "support@example.com", "Where is my refund?"
    mail["Message-ID"] = make_msgid(domain="example.org")
    mail.set_content("I returned the kettle two weeks ago.")
    with smtplib.SMTP("127.0.0.1", int(SMTP_PORT), timeout=30) as client:
        client.send_message(mail)
    browser.get(BASE + "/")
    wait.until(lambda b: b.find_elements(By.LINK_TEXT, "Where is my refund?"))
    browser.find_element(By.LINK_TEXT, "Where is my refund?").click()
    ticket_url = browser.current_url

    textarea = browser.find_element(By.ID, "reply-text")
    names = [b.text for b in browser.find_elements(By.CSS_SELECTOR, "[role=toolbar] button")]
    check("with the script, a toolbar and a labelled rich text region take the textarea's place",
          not textarea.is_displayed() and textarea.get_attribute("required") is None
          and names == ["Bold", "Italic", "Bulleted list", "Numbered list", "Link"]
          and editor().get_attribute("role") == "textbox" and editor().get_attribute("aria-multiline") == "true"
          and editor().get_attribute("aria-labelledby") == "reply-label", names)
    status, _, page = request(BASE, "GET", ticket_url[len(BASE):], None,
                              {"Cookie": "helpdesk_session=" + browser.get_cookie("helpdesk_session")["value"]})
    check("without the script the page still has the plain, required textarea",
          '<textarea id="reply-text" name="text" rows="6" required' in page, status)

    browser.find_element(By.CSS_SELECTOR, "#reply button[type=submit]").click()
    problem = browser.find_element(By.ID, "reply-problem")
    check("an empty message is not sent, and the editor says why", browser.current_url == ticket_url and problem.is_displayed()
          and editor().get_attribute("aria-invalid") == "true" and not relayed(1, timeout=1), problem.text)

    editor().send_keys("Hello Cleo, ")
    shortcut("b")
    check("Ctrl+B turns bold on, and the Bold button says so", button("Bold").get_attribute("aria-pressed") == "true")
    editor().send_keys("good news")
    shortcut("b")
    editor().send_keys(": the refund left today.", Keys.ENTER)
    button("Bulleted list").click()
    check("the Bulleted list button starts a list and shows it is on", button("Bulleted list").get_attribute("aria-pressed") == "true")
    editor().send_keys("Refund of 49 EUR", Keys.ENTER, "Kettle received on Monday", Keys.ENTER, Keys.ENTER)
    shortcut("i")
    editor().send_keys("Tracking")
    shortcut("i")
    editor().send_keys(": ")
    link("javascript:alert(1)")
    check("a link that is not a web or email address is refused, saying why",
          "Only web" in browser.find_element(By.ID, "reply-problem").text and not editor().find_elements(By.TAG_NAME, "a"))
    link("https://example.com/track/42")
    written = editor().get_attribute("innerHTML")
    check("the editor holds the bold words, the list, the italic word and the link",
          "<b>good news</b>" in written and "<ul><li>Refund of 49 EUR</li><li>Kettle received on Monday</li></ul>" in written
          and "<i>Tracking</i>" in written and 'href="https://example.com/track/42"' in written, written)
    check("the textarea holds the plain text, for the form to post",
          "Hello Cleo, good news: the refund left today." in textarea.get_attribute("value")
          and "Kettle received on Monday" in textarea.get_attribute("value"), textarea.get_attribute("value"))
    browser.save_screenshot(os.path.join(SHOTS, "rich-text.png"))
    problems = accessibility_problems(browser)
    check("axe-core finds no serious or critical problem on the ticket page with the editor", not problems, problems)

    check("the formatted reply is saved as a draft while typing (R4)", draft_saved())
    browser.refresh()
    again = editor().get_attribute("innerHTML")
    check("the draft comes back after a reload with its formatting",
          "<b>good news</b>" in again and "<li>Kettle received on Monday</li>" in again and "https://example.com/track/42" in again, again)
    check("and with its plain text", "Refund of 49 EUR" in browser.find_element(By.ID, "reply-text").get_attribute("value"))
    cookie = {"Cookie": "helpdesk_session=" + browser.get_cookie("helpdesk_session")["value"]}
    status, _, page = request(BASE, "GET", ticket_url[len(BASE):], None, cookie)
    field = page.split('id="reply-text"')[1].split("</textarea>")[0] if 'id="reply-text"' in page else page
    check("the page carries the draft's rich text escaped, in the textarea's data-html",
          "data-html=\"" in field and "&lt;b&gt;good news" in field and "<b>" not in field, field)

    editor().send_keys(Keys.CONTROL, Keys.END)
    editor().send_keys(" Regards, Ada")
    browser.find_element(By.CSS_SELECTOR, "#reply button[type=submit]").click()
    wait.until(lambda b: b.find_elements(By.CSS_SELECTOR, ".message-outgoing"))
    shown = browser.find_element(By.CSS_SELECTOR, ".message-outgoing")
    frames = shown.find_elements(By.CSS_SELECTOR, "iframe.mail-html")
    check("the reply shows in the thread, with its formatting in the email's frame", len(frames) == 1, shown.text)
    if frames:
        browser.switch_to.frame(frames[0])
        inside = browser.find_element(By.TAG_NAME, "body")
        check("the thread shows the bold words and the list as sent", "good news" in inside.text
              and inside.find_elements(By.TAG_NAME, "b") and len(inside.find_elements(By.CSS_SELECTOR, "ul li")) == 2,
              inside.get_attribute("innerHTML"))
        browser.switch_to.default_content()
    sent = relayed(1)
    delivered = email.message_from_string(sent[0]["data"], policy=email.policy.default) if sent else None
    html = delivered.get_body(("html",)) if delivered else None
    plain = delivered.get_body(("plain",)) if delivered else None
    check("the customer's mail is multipart, with an HTML and a plain part",
          delivered is not None and delivered.is_multipart() and html is not None and plain is not None, sent)
    html_text = html.get_content() if html is not None else ""
    check("the HTML part has the bold words, the list and the link",
          ("<b>good news</b>" in html_text or "<strong>good news</strong>" in html_text) and "<ul>" in html_text
          and "<li>Refund of 49 EUR</li>" in html_text and 'href="https://example.com/track/42"' in html_text, html_text)
    plain_text = plain.get_content() if plain is not None else ""
    check("the plain part has the text", "Hello Cleo, good news: the refund left today." in plain_text
          and "Kettle received on Monday" in plain_text and "Regards, Ada" in plain_text and "<" not in plain_text, plain_text)
    check("the editor is empty again after sending, with no draft left",
          not editor().text.strip() and "Draft saved" not in browser.find_element(By.ID, "draft-state").text)
finally:
    browser.quit()
finish()
