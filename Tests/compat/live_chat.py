"""Live chat end to end in a real browser: headless Chromium opens a page with the widget's one
script tag, a visitor chats with the chatbot, is handed to a person, gets the agent's answer over
the socket, gives their email, and comes back later known by their cookie.

Then C8 from the agent's side: a new visitor's chat becomes a ticket, and an agent signed in to the
workspace links the visitor to a new contact from the ticket's page.

usage: live_chat.py BASE_URL ADMIN_TOKEN [AGENT_EMAIL AGENT_PASSWORD]
Prints one line per check and "N passed, M failed" at the end; exits 1 on any failure.
"""
import sys
import time
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from checks import check, chromium, eventually, finish, json_api

BASE, TOKEN = sys.argv[1], sys.argv[2]
api = json_api(BASE, TOKEN)


def threads_of(channel_id):
    return [t for t in api("GET", "/conversations/v3/conversations/threads")[1]["results"]
            if t["originalChannelAccountId"] == channel_id]


status, bot_chat = api("POST", "/conversations/v3/conversations/channel-accounts", {
    "channelId": "CHAT", "name": "Help chat", "deliveryIdentifier": {"type": "CHANNEL_SPECIFIC_OPAQUE_ID", "value": "site-chat"},
    "chatbot": {"name": "Robo", "greeting": "Hi! Ask me anything.",
                "rules": [{"keywords": ["opening hours"], "answer": "We are open from 9 to 5."}]}})
check("connect a live chat with a chatbot", status == 201 and bot_chat["chatbot"]["name"] == "Robo", (status, bot_chat))
chat_id = bot_chat.get("id", "0")

browser = chromium()
wait = WebDriverWait(browser, 15)


def bubbles():
    return [item.text for item in browser.find_elements(By.CSS_SELECTOR, "#log li p")]


def send(text):
    field = browser.find_element(By.ID, "text")
    field.send_keys(text)
    browser.find_element(By.CSS_SELECTOR, "#say button").click()


try:
    browser.get(f"{BASE}/chat/demo/{chat_id}")
    button = wait.until(lambda b: b.find_element(By.ID, "hd-chat-button"))
    check("the script tag adds a chat button", button.text == "Chat with us" and button.get_attribute("aria-expanded") == "false")
    button.click()
    frame = browser.find_element(By.ID, "hd-chat-frame")
    check("the button opens the chat", frame.is_displayed() and button.get_attribute("aria-expanded") == "true")
    browser.switch_to.frame(frame)
    wait.until(lambda b: "Hi! Ask me anything." in bubbles())
    check("the chatbot greets the visitor", True)
    send("What are your opening hours?")
    wait.until(lambda b: "We are open from 9 to 5." in bubbles())
    check("the chatbot answers what it knows", bubbles()[-2:] == ["What are your opening hours?", "We are open from 9 to 5."], bubbles())
    chats = threads_of(chat_id)
    check("C2 a chat the chatbot handles has no ticket", len(chats) == 1 and chats[0].get("associatedTicketId") is None
          and chats[0]["handledByBot"], chats)

    send("I want to talk to a human please")
    wait.until(lambda b: any("passing you to someone" in text for text in bubbles()))
    chat = eventually(lambda: [t for t in threads_of(chat_id) if t.get("associatedTicketId")], seconds=10)
    status, ticket = api("GET", f"/crm/v3/objects/tickets/{chat[0]['associatedTicketId'] if chat else 0}?properties=source_type,subject,content")
    check("C2 the hand-off to a person opens the ticket", chat and not chat[0]["handledByBot"] and ticket["properties"]["source_type"] == "CHAT"
          and "opening hours" in ticket["properties"]["content"], (chat, ticket))
    thread_id = chat[0]["id"] if chat else "0"

    status, reply = api("POST", f"/conversations/v3/conversations/threads/{thread_id}/messages", {"text": "Hello, Sam here. How can I help?"})
    check("an agent answers the chat", status == 201, (status, reply))
    api("POST", f"/conversations/v3/conversations/threads/{thread_id}/messages", {"type": "COMMENT", "text": "Internal: VIP customer"})
    wait.until(lambda b: "Hello, Sam here. How can I help?" in bubbles())
    check("the agent's answer reaches the browser over the socket", True)
    time.sleep(2.5)
    check("R6 internal comments never reach the visitor", not any("VIP" in text for text in bubbles()), bubbles())

    browser.find_element(By.ID, "name").send_keys("Grace Hopper")
    browser.find_element(By.ID, "email").send_keys("grace@example.org")
    browser.find_element(By.CSS_SELECTOR, "#who button").click()
    wait.until(lambda b: "Thank you" in b.find_element(By.ID, "status").text)
    status, contacts = api("POST", "/crm/v3/objects/contacts/search", {
        "filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": "grace@example.org"}]}],
        "properties": ["firstname", "lastname"]})
    contact_id = contacts["results"][0]["id"] if contacts.get("total") else None
    check("C8 the visitor who gives an email becomes a contact", contact_id is not None
          and contacts["results"][0]["properties"]["lastname"] == "Hopper", contacts)
    status, linked = api("GET", f"/crm/v3/objects/tickets/{chat[0]['associatedTicketId'] if chat else 0}?associations=contacts")
    linked_ids = [a["id"] for a in linked.get("associations", {}).get("contacts", {}).get("results", [])]
    status, thread = api("GET", f"/conversations/v3/conversations/threads/{thread_id}")
    check("C8 the visitor's ticket and conversation are linked to the contact", contact_id in linked_ids
          and thread.get("associatedContactId") == contact_id, (linked, thread))

    browser.switch_to.default_content()
    browser.get(f"{BASE}/chat/demo/{chat_id}")
    wait.until(lambda b: b.find_element(By.ID, "hd-chat-button")).click()
    browser.switch_to.frame(browser.find_element(By.ID, "hd-chat-frame"))
    wait.until(lambda b: "Hello, Sam here. How can I help?" in bubbles())
    check("C8 a returning visitor is known by their cookie and sees their chat", "What are your opening hours?" in bubbles(), bubbles())
    check("a known visitor is not asked again who they are", not browser.find_element(By.ID, "who").is_displayed())
    send("Thanks, bye")
    eventually(lambda: len(api("GET", f"/conversations/v3/conversations/threads/{thread_id}/messages")[1]["results"]) >= 8)
    status, messages = api("GET", f"/conversations/v3/conversations/threads/{thread_id}/messages")
    check("the visitor's later message joins the same conversation", any(m["text"] == "Thanks, bye" for m in messages["results"]), messages)
finally:
    browser.quit()

status, plain = api("POST", "/conversations/v3/conversations/channel-accounts", {
    "channelId": "CHAT", "name": "Sales chat", "deliveryIdentifier": {"type": "CHANNEL_SPECIFIC_OPAQUE_ID", "value": "sales-chat"}})
status_frame = urllib.request.urlopen(f"{BASE}/chat/frame/{plain['id']}")
cookie = status_frame.headers.get("Set-Cookie", "")
check("the chat frame gives a new visitor an HttpOnly cookie", "hd_visitor=" in cookie and "HttpOnly" in cookie, cookie)
try:
    urllib.request.urlopen(urllib.request.Request(f"{BASE}/chat/socket/{plain['id']}", headers={
        "Connection": "Upgrade", "Upgrade": "websocket", "Sec-WebSocket-Version": "13", "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
        "Origin": "https://evil.example", "Cookie": cookie.split(";")[0]}))
    check("a socket opened from another site is refused", False, "upgraded")
except urllib.error.HTTPError as error:
    check("a socket opened from another site is refused", error.code != 101, error.code)

if len(sys.argv) > 4:
    browser = chromium()
    wait = WebDriverWait(browser, 15)
    try:
        browser.get(f"{BASE}/chat/demo/{plain['id']}")
        wait.until(lambda b: b.find_element(By.ID, "hd-chat-button")).click()
        browser.switch_to.frame(browser.find_element(By.ID, "hd-chat-frame"))
        send("Is anyone there?")
        chat = eventually(lambda: [t for t in threads_of(plain["id"]) if t.get("associatedTicketId")], seconds=10)
        browser.switch_to.default_content()
        browser.get(f"{BASE}/sign-in")
        browser.find_element(By.NAME, "email").send_keys(sys.argv[3])
        browser.find_element(By.NAME, "password").send_keys(sys.argv[4])
        browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
        wait.until(lambda b: not b.current_url.endswith("/sign-in"))
        browser.get(f"{BASE}/tickets/{chat[0]['associatedTicketId'] if chat else 0}")
        check("C8 the ticket's page offers to link the chat visitor, who is no contact yet",
              browser.find_elements(By.ID, "visitor") and browser.find_element(By.ID, "visitor").is_displayed())
        browser.find_element(By.ID, "visitor-email").send_keys("newcomer@example.org")
        browser.find_element(By.ID, "visitor-name").send_keys("Nell Newcomer")
        browser.find_element(By.CSS_SELECTOR, "#visitor button[type=submit]").click()
        wait.until(lambda b: not b.find_elements(By.ID, "visitor"))
        contacts = browser.find_element(By.CSS_SELECTOR, "[aria-labelledby=links-contacts]").text
        check("C8 an agent links the visitor to a new contact, then among the ticket's contacts", "Nell Newcomer <newcomer@example.org>" in contacts,
              contacts)
    finally:
        browser.quit()

finish()
