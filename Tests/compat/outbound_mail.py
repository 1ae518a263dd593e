"""Outbound email end to end: an agent replies through the API, the help desk sends through a real
relay (relay.py, aiosmtpd), and the customer's answer to that reply threads back.

usage: outbound_mail.py BASE_URL SMTP_PORT ADMIN_TOKEN RELAY_DIRECTORY
Prints one line per check and "N passed, M failed"; exits 1 on any failure.
"""
import email
import email.policy
import smtplib
import sys
import time
from email.message import EmailMessage
from email.utils import make_msgid

BASE, PORT, TOKEN, RELAYED = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
from checks import check, finish, json_api, relayed as relayed_to

api = json_api(BASE, TOKEN)


def send(message):
    with smtplib.SMTP("127.0.0.1", PORT, timeout=30) as client:
        client.send_message(message)


def relayed(count, timeout=15):
    return relayed_to(RELAYED, count, timeout)


def messages(thread_id):
    status, page = api("GET", f"/conversations/v3/conversations/threads/{thread_id}/messages")
    assert status == 200, page
    return page["results"]


def wait_status(thread_id, message_id, wanted, timeout=15):
    deadline = time.time() + timeout
    while time.time() < deadline:
        found = [m for m in messages(thread_id) if m["id"] == message_id]
        if found and found[0]["status"]["statusType"] == wanted:
            return found[0]
        time.sleep(0.1)
    return found[0] if found else None


status, channel = api("POST", "/conversations/v3/conversations/channel-accounts",
                      {"name": "Example Support", "deliveryIdentifier": {"type": "HS_EMAIL_ADDRESS", "value": "support@example.com"}})
first = EmailMessage()
first["From"] = "Grace Hopper <grace@example.org>"
first["To"] = "support@example.com"
first["Subject"] = "Compiler crash"
first["Message-ID"] = make_msgid(domain="example.org")
first.set_content("The compiler crashes on line 42.")
send(first)
status, page = api("GET", "/conversations/v3/conversations/threads")
thread = [t for t in page["results"] if t["subject"] == "Compiler crash"][0]
ticket_id = thread["associatedTicketId"]

# R1 and R2: the reply answers the latest message, from the team address, and goes out through the relay.
status, reply = api("POST", f"/conversations/v3/conversations/threads/{thread['id']}/messages",
                    {"type": "MESSAGE", "text": "Thanks Grace, we are on it.\nLine two.",
                     "richText": "<p>Thanks Grace, <b>we are on it</b>.<script>x()</script></p>"})
check("a reply is accepted and queued", status == 201 and reply["status"]["statusType"] in ("QUEUED", "SENT"), (status, reply))
sent = relayed(1)
check("the relay receives the reply", len(sent) == 1, sent)
if sent:
    parsed = email.message_from_string(sent[0]["data"], policy=email.policy.default)
    check("R2 from the team address", sent[0]["sender"] == "support@example.com" and "support@example.com" in parsed["From"]
          and "Example Support" in parsed["From"], parsed["From"])
    check("to the customer", sent[0]["recipients"] == ["grace@example.org"], sent[0]["recipients"])
    check("R1 answers the customer's message", parsed["In-Reply-To"] == first["Message-ID"]
          and first["Message-ID"] in parsed["References"], (parsed["In-Reply-To"], parsed["References"]))
    check("the subject says Re: and carries the ticket token", parsed["Subject"] == f"Re: Compiler crash [#{ticket_id}]", parsed["Subject"])
    body = parsed.get_body(preferencelist=("plain",)).get_content()
    html = parsed.get_body(preferencelist=("html",)).get_content()
    check("text and sanitised HTML parts", "Line two." in body and "<b>we are on it</b>" in html and "script" not in html, (body, html))
    check("a person's reply is not marked automatic", parsed["Auto-Submitted"] is None)
    check("Reply-To is the ticket's reply address, which threads back", f"support+t{ticket_id}@example.com" in (parsed["Reply-To"] or ""),
          parsed["Reply-To"])
    check("a proper Message-ID", parsed["Message-ID"].startswith("<hd.") and parsed["Message-ID"].endswith("@example.com>"),
          parsed["Message-ID"])
delivered = wait_status(thread["id"], reply["id"], "SENT")
check("the message shows it was sent", delivered and delivered["status"]["statusType"] == "SENT", delivered)

# C3: the customer's answer to our reply joins the thread.
answer = EmailMessage()
answer["From"] = "grace@example.org"
answer["To"] = "support@example.com"
answer["Subject"] = f"Re: Compiler crash [#{ticket_id}]"
answer["Message-ID"] = make_msgid(domain="example.org")
answer["In-Reply-To"] = parsed["Message-ID"] if sent else ""
answer.set_content("Thank you!")
send(answer)
thread_messages = messages(thread["id"])
check("C3 the customer's answer to a reply joins the thread",
      [m["direction"] for m in thread_messages] == ["INCOMING", "OUTGOING", "INCOMING"], thread_messages)

# R6: an internal comment is stored on the thread and never sent.
status, comment = api("POST", f"/conversations/v3/conversations/threads/{thread['id']}/messages",
                      {"type": "COMMENT", "text": "@admin this looks like the parser bug"})
check("R6 a comment is stored", status == 201 and comment["type"] == "COMMENT", (status, comment))
time.sleep(1)
check("R6 a comment never reaches the customer", len(relayed(1)) == 1)

# Copies and a relay's refusal: refused for good, the failure shows on the message.
status, refused = api("POST", f"/conversations/v3/conversations/threads/{thread['id']}/messages",
                      {"text": "Copying the vendor.", "recipients": [
                          {"deliveryIdentifier": {"type": "HS_EMAIL_ADDRESS", "value": "grace@example.org"}, "recipientField": "TO"},
                          {"deliveryIdentifier": {"type": "HS_EMAIL_ADDRESS", "value": "nobody@reject.example"}, "recipientField": "CC"}]})
failed_message = wait_status(thread["id"], refused["id"], "FAILED") if status == 201 else None
check("a relay's refusal marks the message failed, with the reason",
      failed_message and failed_message["status"]["statusType"] == "FAILED"
      and "No such mailbox" in failed_message["status"]["failureDetails"]["errorMessage"], failed_message)

status, error = api("POST", f"/conversations/v3/conversations/threads/{thread['id']}/messages",
                    {"text": "x", "recipients": [{"deliveryIdentifier": {"type": "HS_EMAIL_ADDRESS", "value": "not-an-address"}}]})
check("a malformed recipient is refused", status == 400 and "not-an-address" in error["message"], (status, error))
status, error = api("POST", f"/conversations/v3/conversations/threads/{thread['id']}/messages", {"text": "   "})
check("an empty reply is refused", status == 400, (status, error))
status, error = api("POST", f"/conversations/v3/conversations/threads/{thread['id']}/messages",
                    {"text": "x", "inReplyToId": "999999"})
check("R1 answering a message of another thread is refused", status == 400, (status, error))

finish()
