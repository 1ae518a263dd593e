"""Inbound email end to end: Python's smtplib (a real SMTP client) sends to the running help desk,
and the Conversations and CRM APIs show what became of each message.

usage: inbound_mail.py BASE_URL SMTP_PORT ADMIN_TOKEN TEAMMATE_TOKEN TLS_CERTIFICATE
(the teammate is Ann Lee, ann.lee@example.com, with help-desk access; the certificate is the one
the listener offers with STARTTLS)
Prints one line per check and "N passed, M failed" at the end; exits 1 on any failure.
"""
import smtplib
import socket
import ssl
import sys
import time
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import make_msgid

from checks import check, finish, json_api

BASE, PORT, TOKEN, TEAMMATE, CERTIFICATE = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
_api = json_api(BASE, TOKEN)


def api(method, path, body=None, token=None):
    return _api(method, path, body, token)


def send(message, sender=None, recipients=None):
    with smtplib.SMTP("127.0.0.1", PORT, timeout=30) as client:
        client.ehlo("client.example.org")
        return client.send_message(message, from_addr=sender, to_addrs=recipients)


def mail(subject, body, sender="Ada Lovelace <ada@example.org>", to="support@example.com", **headers):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="example.org")
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content(body)
    return message


def threads(**query):
    text = "&".join(f"{key}={value}" for key, value in query.items())
    status, page = api("GET", "/conversations/v3/conversations/threads?" + text)
    assert status == 200, page
    return page["results"]


# A team address connected through the API (the command line one, help@, was connected before).
status, channel = api("POST", "/conversations/v3/conversations/channel-accounts",
                      {"channelId": "EMAIL", "name": "Support", "deliveryIdentifier": {"type": "HS_EMAIL_ADDRESS", "value": "Support@Example.com"}})
check("connect a team address", status == 201 and channel["deliveryIdentifier"]["value"] == "support@example.com", channel)
status, error = api("POST", "/conversations/v3/conversations/channel-accounts",
                    {"deliveryIdentifier": {"type": "HS_EMAIL_ADDRESS", "value": "support@example.com"}})
check("the same address twice is a conflict", status == 409, (status, error))
status, error = api("POST", "/conversations/v3/conversations/channel-accounts",
                    {"deliveryIdentifier": {"type": "HS_EMAIL_ADDRESS", "value": "not an address"}})
check("a malformed address is refused", status == 400 and "not an email address" in error["message"], (status, error))

# C2: a new message creates a ticket, a conversation and the contact.
first = mail("Printer on fire", "The printer on floor 3 is on fire.\nPlease help.")
send(first)
found = [t for t in threads() if t["subject"] == "Printer on fire"]
check("C2 new mail opens a conversation", len(found) == 1, found)
thread = found[0] if found else {}
ticket_id = thread.get("associatedTicketId")
check("C2 new mail creates a ticket", ticket_id is not None, thread)
status, ticket = api("GET", f"/crm/v3/objects/tickets/{ticket_id}?properties=subject,content,hs_pipeline,hs_pipeline_stage,source_type")
props = ticket.get("properties", {}) if status == 200 else {}
check("C2 ticket in the channel's pipeline, first open status",
      props.get("hs_pipeline") == "0" and props.get("hs_pipeline_stage") == "1" and props.get("source_type") == "EMAIL", props)
check("C2 ticket carries subject and text", props.get("subject") == "Printer on fire" and "floor 3" in (props.get("content") or ""), props)
status, contacts = api("POST", "/crm/v3/objects/contacts/search",
                       {"filterGroups": [{"filters": [{"propertyName": "email", "operator": "EQ", "value": "ada@example.org"}]}],
                        "properties": ["email", "firstname", "lastname"]})
check("the sender becomes a contact", status == 200 and contacts["total"] == 1
      and contacts["results"][0]["properties"]["firstname"] == "Ada", contacts)
status, messages = api("GET", f"/conversations/v3/conversations/threads/{thread.get('id')}/messages")
check("the message is on the thread", status == 200 and len(messages["results"]) == 1
      and "floor 3" in messages["results"][0]["text"] and messages["results"][0]["direction"] == "INCOMING", messages)

# Without a relay, an agent's reply waits in the outbox and says so; nothing is dropped.
status, queued = api("POST", f"/conversations/v3/conversations/threads/{thread.get('id')}/messages", {"text": "On our way."})
time.sleep(0.5)
status, messages = api("GET", f"/conversations/v3/conversations/threads/{thread.get('id')}/messages")
check("without a relay a reply stays queued", [m["status"]["statusType"] for m in messages["results"]] == ["RECEIVED", "QUEUED"],
      messages)

# C3: a reply joins its thread by In-Reply-To / References, never a new ticket.
reply = mail("Re: Printer on fire", "It is out now.", In_Reply_To=first["Message-ID"], References=first["Message-ID"])
send(reply)
status, messages = api("GET", f"/conversations/v3/conversations/threads/{thread.get('id')}/messages")
check("C3 a reply joins the thread", status == 200 and len(messages["results"]) == 3, messages)
check("C3 a reply creates no ticket", len([t for t in threads() if t.get("associatedTicketId")]) == 1)
# The same message delivered twice (a sender retrying after a lost reply) is stored once.
send(reply)
status, messages = api("GET", f"/conversations/v3/conversations/threads/{thread.get('id')}/messages")
check("a message delivered twice is stored once", len(messages["results"]) == 3, messages)
# A reply whose client dropped the headers still finds its ticket by the token in the subject.
send(mail(f"Re: [#{ticket_id}] Printer on fire", "One more thing."))
status, messages = api("GET", f"/conversations/v3/conversations/threads/{thread.get('id')}/messages")
check("C3 a ticket token in the subject threads", len(messages["results"]) == 4, messages)
send(mail(f"Re: [#{ticket_id}] Printer on fire", "Someone else guessing.", sender="mallory@example.net"))
status, messages = api("GET", f"/conversations/v3/conversations/threads/{thread.get('id')}/messages")
check("a ticket token from a stranger does not thread", len(messages["results"]) == 4, messages)

# Machine-sent mail never creates a ticket.
before = len([t for t in threads() if t.get("associatedTicketId")])
send(mail("Out of office", "I am away until Monday.", Auto_Submitted="auto-replied"))
send(mail("Weekly digest", "News.", Precedence="bulk", List_Id="<news.example.org>"))
bounce = mail("Undelivered Mail Returned to Sender", "This is the mail system.", sender="MAILER-DAEMON@mx.example.org")
send(bounce, sender="")
after = [t for t in threads() if t["subject"] in ("Out of office", "Weekly digest", "Undelivered Mail Returned to Sender")]
check("auto-replies, bulk mail and bounces are kept", len(after) == 3, after)
check("auto-replies, bulk mail and bounces create no ticket",
      all(t.get("associatedTicketId") is None and t["status"] == "CLOSED" for t in after)
      and len([t for t in threads() if t.get("associatedTicketId")]) == before, after)

# C1: with the channel's ticket switch off, conversations wait in the inbox without a ticket.
status, quiet = api("POST", "/conversations/v3/conversations/channel-accounts",
                    {"deliveryIdentifier": {"type": "HS_EMAIL_ADDRESS", "value": "sales@example.com"}, "createsTickets": False})
send(mail("Quote please", "How much for 40 seats?", to="sales@example.com"))
inbox = threads(inbox="true", threadStatus="OPEN")
check("C1 switch off: the conversation waits in the inbox", [t["subject"] for t in inbox] == ["Quote please"], inbox)

# C4: an inbox conversation becomes a ticket, once; its subject and contact come along.
quote = inbox[0] if inbox else {"id": "0"}
thread_path = f"/conversations/v3/conversations/threads/{quote['id']}"
status, owners = api("GET", "/crm/v3/owners")
admin_id = next((o["id"] for o in owners.get("results", []) if o["email"] == "admin@example.com"), None)
status, assigned = api("PATCH", thread_path, {"assignedTo": f"A-{admin_id}"})
check("C5 an inbox conversation takes an owner", status == 200 and assigned.get("assignedTo") == admin_id, (status, assigned))
status, made = api("POST", thread_path + "/ticket", {"properties": {"hs_ticket_priority": "HIGH"}})
made_id = made.get("id") if status == 201 else None
check("C4 a ticket is made from an inbox conversation", status == 201 and made["properties"]["subject"] == "Quote please"
      and made["properties"]["hs_ticket_priority"] == "HIGH" and made["properties"].get("hubspot_owner_id") == admin_id, (status, made))
status, again = api("POST", thread_path + "/ticket", {})
check("C4 a second ticket for the same conversation is refused with 409", status == 409 and str(made_id) in again["message"],
      (status, again))
status, moved = api("PUT", thread_path + f"/ticket/{ticket_id}")
check("C4 a conversation never moves to another ticket", status == 409 and "never leaves" in moved["message"], (status, moved))
status, quote_thread = api("GET", thread_path)
check("C4 the conversation now belongs to its ticket and left the inbox",
      quote_thread.get("associatedTicketId") == made_id and not threads(inbox="true", threadStatus="OPEN"), quote_thread)

# C5: the conversation's owner goes to its ticket; unassigning clears both.
status, unassigned = api("PATCH", thread_path, {"assignedTo": None})
status, made_now = api("GET", f"/crm/v3/objects/tickets/{made_id}?properties=hubspot_owner_id,hs_pipeline_stage")
check("C5 unassigning the conversation unassigns its ticket", unassigned.get("assignedTo") is None
      and not made_now["properties"].get("hubspot_owner_id"), (unassigned, made_now))

# C6: closing the ticket closes its conversation; reopening it reopens its only conversation.
api("PATCH", f"/crm/v3/objects/tickets/{made_id}", {"properties": {"hs_pipeline_stage": "4"}})
status, closed = api("GET", thread_path)
check("C6 closing the ticket closes its conversation", closed.get("status") == "CLOSED" and closed.get("closedAt"), closed)
api("PATCH", f"/crm/v3/objects/tickets/{made_id}", {"properties": {"hs_pipeline_stage": "1"}})
status, reopened = api("GET", thread_path)
check("C6 reopening the ticket reopens its one conversation", reopened.get("status") == "OPEN", reopened)
status, alone = api("PATCH", thread_path, {"status": "CLOSED"})
status, made_now = api("GET", f"/crm/v3/objects/tickets/{made_id}?properties=hs_pipeline_stage")
check("C6 closing the conversation alone leaves the ticket open", alone.get("status") == "CLOSED"
      and made_now["properties"]["hs_pipeline_stage"] == "1", (alone, made_now))
status, bad = api("PATCH", thread_path, {"status": "SNOOZED"})
check("an unknown thread status is refused with 400", status == 400 and "OPEN or CLOSED" in bad["message"], (status, bad))

# C7: the trash takes the conversation with its ticket; restoring brings both back.
status, _ = api("DELETE", thread_path)
status_ticket, _ = api("GET", f"/crm/v3/objects/tickets/{made_id}")
trash = threads(archived="true")
check("C7 trashing a conversation deletes its ticket", status == 204 and status_ticket == 404
      and [t["id"] for t in trash] == [quote["id"]] and trash[0]["archived"], (status, status_ticket, trash))
status, restored = api("PATCH", thread_path, {"archived": False})
status_ticket, _ = api("GET", f"/crm/v3/objects/tickets/{made_id}")
check("C7 restoring the conversation restores its ticket", status == 200 and not restored["archived"] and status_ticket == 200,
      (status, restored, status_ticket))
api("DELETE", f"/crm/v3/objects/tickets/{made_id}")
status, gone = api("GET", thread_path)
check("C7 deleting the ticket trashes its conversations", status == 404 and quote["id"] in [t["id"] for t in threads(archived="true")],
      (status, gone))

# R6: a comment never reaches the customer; an @mention notifies the teammate.
printer_path = f"/conversations/v3/conversations/threads/{thread.get('id')}"
status, comment = api("POST", printer_path + "/messages", {"type": "COMMENT", "text": "@ann can you call them back?"})
check("R6 a comment is stored as a comment", status == 201 and comment["type"] == "COMMENT", (status, comment))
status, notices = api("GET", "/notifications/v1/notifications?unread=true", token=TEAMMATE)
results = notices.get("results", []) if status == 200 else []
check("R6 the mentioned teammate is notified with a link to the conversation",
      len(results) == 1 and results[0]["type"] == "MENTION" and results[0]["link"] == printer_path and "call them back" in results[0]["text"],
      (status, notices))
status, mine = api("GET", "/notifications/v1/notifications")
check("R6 the author is not notified of their own mention",
      status == 200 and not [n for n in mine["results"] if n["type"] == "MENTION"], mine)
status, marked = api("POST", "/notifications/v1/notifications/read", {}, token=TEAMMATE)
status, notices = api("GET", "/notifications/v1/notifications?unread=true", token=TEAMMATE)
check("R6 notifications can be marked read", marked == {"updated": 1} and notices["results"] == [], (marked, notices))

# The address connected by the command line while the server ran takes mail at once.
send(mail("Via the other address", "Hello help.", to="help@example.com"))
check("a channel connected by the command line takes mail at once",
      any(t["subject"] == "Via the other address" and t.get("associatedTicketId") for t in threads()))

# Unknown recipients are refused at RCPT with 550; the message is not taken.
try:
    send(mail("Lost", "Nobody here.", to="nobody@example.com"))
    check("an unknown address is refused", False, "accepted")
except smtplib.SMTPRecipientsRefused as error:
    code = list(error.recipients.values())[0][0]
    check("an unknown address is refused with 550", code == 550, error.recipients)

# Attachments are listed on the message and downloadable.
with_file = mail("Invoice attached", "See the attachment.")
with_file.add_attachment(b"%PDF-1.4 fake", maintype="application", subtype="pdf", filename="facture-été.pdf")
send(with_file)
thread = [t for t in threads() if t["subject"] == "Invoice attached"][0]
status, messages = api("GET", f"/conversations/v3/conversations/threads/{thread['id']}/messages")
files = messages["results"][0]["attachments"] if status == 200 else []
check("an attachment is listed with its name", len(files) == 1 and files[0]["name"] == "facture-été.pdf", files)
if files:
    request = urllib.request.Request(BASE + files[0]["url"], headers={"Authorization": "Bearer " + TOKEN})
    with urllib.request.urlopen(request) as response:
        check("an attachment downloads as sent", response.read() == b"%PDF-1.4 fake"
              and response.headers["Content-Type"] == "application/octet-stream")

# HTML is sanitised before anyone sees it.
html = mail("Fancy mail", "plain version")
html.add_alternative('<p onclick="steal()">Hello<script>alert(1)</script><img src="https://tracker.example/p.gif"></p>', subtype="html")
send(html)
thread = [t for t in threads() if t["subject"] == "Fancy mail"][0]
status, messages = api("GET", f"/conversations/v3/conversations/threads/{thread['id']}/messages")
rich = messages["results"][0].get("richText") or ""
check("HTML keeps its text and loses scripts, handlers and remote images",
      "Hello" in rich and "script" not in rich and "onclick" not in rich and "tracker.example" not in rich, rich)

# The protocol itself, over a raw socket: pipelining, dot-stuffing, order of commands, line limits.
def conversation(lines, read_replies):
    with socket.create_connection(("127.0.0.1", PORT), timeout=30) as raw:
        stream = raw.makefile("rb")
        greeting = stream.readline()
        raw.sendall(b"".join(line + b"\r\n" for line in lines))
        replies = []
        for _ in range(read_replies):
            reply = stream.readline()
            while reply[3:4] == b"-":
                reply = stream.readline()
            replies.append(reply.decode().strip())
        return greeting.decode(), replies

greeting, replies = conversation([b"MAIL FROM:<a@example.org>"], 1)
check("the greeting is 220", greeting.startswith("220"), greeting)
check("MAIL before EHLO is refused with 503", replies[0].startswith("503"), replies)
_, replies = conversation([b"EHLO c", b"MAIL FROM:<a@example.org>", b"RCPT TO:<support@example.com>", b"DATA"], 4)
check("pipelined commands are answered in order", [r[:3] for r in replies] == ["250", "250", "250", "354"], replies)
dotted = [b"EHLO c", b"MAIL FROM:<a@example.org>", b"RCPT TO:<support@example.com>", b"DATA"]
with socket.create_connection(("127.0.0.1", PORT), timeout=30) as raw:
    stream = raw.makefile("rb")
    stream.readline()
    raw.sendall(b"".join(line + b"\r\n" for line in dotted))
    for _ in range(4):
        reply = stream.readline()
        while reply[3:4] == b"-":
            reply = stream.readline()
    raw.sendall(b"From: dots@example.org\r\nSubject: Dotted\r\nMessage-ID: <dots@example.org>\r\n\r\n..leading dot\r\n.\r\n")
    final = stream.readline().decode()
check("a message is acknowledged with 250 after DATA", final.startswith("250"), final)
thread = [t for t in threads() if t["subject"] == "Dotted"]
status, messages = api("GET", f"/conversations/v3/conversations/threads/{thread[0]['id']}/messages") if thread else (0, {})
check("dot-stuffing is undone", status == 200 and messages["results"][0]["text"].startswith(".leading dot"), messages)
_, replies = conversation([b"EHLO c", b"X" * 5000], 2)
check("an over-long command line is refused with 500", replies[1].startswith("500"), replies)
_, replies = conversation([b"EHLO c", b"MAIL FROM:<a@example.org> SIZE=999999999"], 2)
check("a declared size over the limit is refused with 552", replies[1].startswith("552"), replies)

# C1: the pipeline lists the channels that create tickets in it, and switches each off.
status, listed = api("GET", "/crm/v3/pipelines/tickets/0/channels")
addresses = {c["deliveryIdentifier"]["value"] for c in listed.get("results", [])} if status == 200 else set()
check("C1 the pipeline lists the channels that create tickets in it", {"support@example.com", "sales@example.com"} <= addresses, listed)
status, switched = api("PATCH", f"/crm/v3/pipelines/tickets/0/channels/{channel['id']}", {"createsTickets": False})
check("C1 an admin switches a channel's tickets off from its pipeline", status == 200 and switched["createsTickets"] is False,
      (status, switched))
send(mail("Switched off", "No ticket for this one."))
check("C1 with the switch off, new mail waits in the inbox", any(t["subject"] == "Switched off" for t in threads(inbox="true")))
api("PATCH", f"/crm/v3/pipelines/tickets/0/channels/{channel['id']}", {"createsTickets": True})
status, wrong = api("GET", "/crm/v3/pipelines/deals/default/channels")
check("C1 only ticket pipelines have channels", status == 400, (status, wrong))

# STARTTLS with the configured certificate; nothing sent in plain text after it is obeyed.
with smtplib.SMTP("127.0.0.1", PORT, timeout=30) as client:
    client.ehlo("client.example.org")
    check("STARTTLS is offered", client.has_extn("starttls"))
    client.starttls(context=ssl.create_default_context(cafile=CERTIFICATE))
    client.ehlo("client.example.org")
    check("after STARTTLS it is not offered again", not client.has_extn("starttls"))
    client.send_message(mail("Sent over TLS", "Encrypted all the way."))
check("mail sent over STARTTLS is stored", any(t["subject"] == "Sent over TLS" for t in threads()))
with socket.create_connection(("127.0.0.1", PORT), timeout=30) as raw:
    stream = raw.makefile("rb")
    stream.readline()
    raw.sendall(b"EHLO c\r\n")
    reply = stream.readline()
    while reply[3:4] == b"-":
        reply = stream.readline()
    raw.sendall(b"STARTTLS\r\nEHLO injected\r\nMAIL FROM:<evil@example.net>\r\n")
    ready = stream.readline().decode()
    secure = ssl.create_default_context(cafile=CERTIFICATE).wrap_socket(raw, server_hostname="localhost")
    tls_stream = secure.makefile("rb")
    secure.sendall(b"RCPT TO:<support@example.com>\r\n")
    after = tls_stream.readline().decode()
    check("plain text pipelined after STARTTLS is thrown away", ready.startswith("220") and after.startswith("503"), (ready, after))
    secure.close()


def read_reply(stream):
    reply = stream.readline()
    while reply[3:4] == b"-":
        reply = stream.readline()
    return reply.decode()


with socket.create_connection(("127.0.0.1", PORT), timeout=30) as raw:
    stream = raw.makefile("rb")
    stream.readline()
    raw.sendall(b"EHLO c\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<support@example.com>\r\nDATA\r\n")
    replies = [read_reply(stream) for _ in range(4)]
    # The end of the message, STARTTLS and injected commands in one packet.
    raw.sendall(b"Subject: Injection\r\nMessage-ID: <inject@example.org>\r\n\r\nSTARTTLS\r\nstill text\r\n.\r\n"
                b"STARTTLS\r\nMAIL FROM:<evil@example.net>\r\n")
    stored, ready = read_reply(stream), read_reply(stream)
    secure = ssl.create_default_context(cafile=CERTIFICATE).wrap_socket(raw, server_hostname="localhost")
    tls_stream = secure.makefile("rb")
    secure.sendall(b"RCPT TO:<support@example.com>\r\n")
    after = tls_stream.readline().decode()
    check("commands pipelined behind the end of a message and STARTTLS are thrown away",
          stored.startswith("250") and ready.startswith("220") and after.startswith("503"), (replies, stored, ready, after))
    secure.close()
found = [t for t in threads() if t["subject"] == "Injection"]
status, body = api("GET", f"/conversations/v3/conversations/threads/{found[0]['id']}/messages") if found else (0, {})
check("a STARTTLS line in a message is only text", status == 200 and body["results"][0]["text"].startswith("STARTTLS\nstill text"), body)

# /metrics, read by Prometheus's own parser: mail stored and refused, requests by route and status.
from prometheus_client.parser import text_string_to_metric_families
with urllib.request.urlopen(f"{BASE}/metrics") as response:
    content_type, exposition = response.headers["Content-Type"], response.read().decode()
families = {family.name: family for family in text_string_to_metric_families(exposition)}
def samples(name, **labels):
    family = families.get(name)
    return [s.value for s in (family.samples if family else []) if all(s.labels.get(k) == v for k, v in labels.items())]
check("/metrics is Prometheus's text format", content_type.startswith("text/plain") and families, content_type)
check("/metrics counts mail stored and recipients refused",
      sum(samples("helpdesk_mail_messages", outcome="stored")) >= 1 and sum(samples("helpdesk_mail_messages", outcome="recipient_refused")) >= 1,
      [f for f in families if f.startswith("helpdesk_mail")])
check("/metrics counts requests by route and status",
      sum(samples("hb_requests", http_route="/conversations/v3/conversations/threads", http_response_status_code="200")) >= 1,
      [f for f in families if f.startswith("hb_") or f.startswith("http_")])
check("/metrics shows the outbox's jobs waiting", len(samples("helpdesk_jobs_waiting", kind="mail.deliver")) == 1,
      [f for f in families if f.startswith("helpdesk_")])

finish()
