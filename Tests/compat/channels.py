"""Custom channels and WhatsApp end to end: an integration publishes customers' messages through
the custom channels API, Meta's Cloud API webhook is played with signed payloads, and agents'
replies are posted to a real HTTP peer that this script runs (standing in for the integration
and for the Cloud API).

Calls are played as Twilio Programmable Voice sends its webhooks, signed with the auth token.

usage: channels.py BASE_URL ADMIN_TOKEN
Prints one line per check and "N passed, M failed" at the end; exits 1 on any failure.
"""
import base64
import hashlib
import hmac
import json
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from checks import check, eventually, finish, json_api

BASE, TOKEN = sys.argv[1], sys.argv[2]
api = json_api(BASE, TOKEN)
received = []


class Peer(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        received.append({"path": self.path, "headers": dict(self.headers), "body": body})
        refuse = b"please refuse" in body
        self.send_response(400 if refuse else 200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b'{"error": "refused by the peer"}' if refuse else b'{"messages": [{"id": "wamid.out"}]}')

    def log_message(self, *args):
        pass


peer = ThreadingHTTPServer(("127.0.0.1", 0), Peer)
threading.Thread(target=peer.serve_forever, daemon=True).start()
PEER = f"http://127.0.0.1:{peer.server_address[1]}"


def request(method, path, body=None, headers=None, raw=None):
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    request = urllib.request.Request(BASE + path, method=method, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def messages(thread_id):
    return api("GET", f"/conversations/v3/conversations/threads/{thread_id}/messages")[1]["results"]


# A custom channel: the integration publishes, the help desk posts replies back, signed.
status, custom = api("POST", "/conversations/v3/conversations/channel-accounts", {
    "channelId": "CUSTOM", "name": "Acme SMS", "deliveryIdentifier": {"type": "CHANNEL_SPECIFIC_OPAQUE_ID", "value": "acme-sms"},
    "outboundUrl": PEER + "/custom", "signingSecret": "s3cret"})
check("connect a custom channel", status == 201 and custom["hasSigningSecret"] and "s3cret" not in json.dumps(custom), (status, custom))
status, bad = api("POST", "/conversations/v3/conversations/channel-accounts", {
    "channelId": "CUSTOM", "deliveryIdentifier": {"type": "CHANNEL_SPECIFIC_OPAQUE_ID", "value": "x"}, "outboundUrl": "ftp://nope"})
check("a bad outbound URL is refused", status == 400 and "http or https" in bad["message"], (status, bad))
custom_id = custom.get("id", "0")
publish = f"/conversations/v3/custom-channels/{custom_id}/messages"
first = {"messageDirection": "INCOMING", "text": "My parcel never came.", "integrationThreadId": "thread-1",
         "integrationIdempotencyId": "msg-1",
         "senders": [{"name": "Ada Lovelace", "deliveryIdentifier": {"type": "HS_EMAIL_ADDRESS", "value": "ada@example.org"}}]}
status, message = api("POST", publish, first)
check("C2 a published message is stored", status == 201 and message["direction"] == "INCOMING"
      and message["text"] == "My parcel never came.", (status, message))
thread_id = message.get("conversationsThreadId")
status, thread = api("GET", f"/conversations/v3/conversations/threads/{thread_id}")
status_ticket, ticket = api("GET", f"/crm/v3/objects/tickets/{thread.get('associatedTicketId')}?properties=subject,source_type")
check("C2 it opens a conversation with a ticket", thread.get("associatedTicketId") and ticket["properties"]["source_type"] == "CUSTOM_CHANNEL"
      and ticket["properties"]["subject"] == "My parcel never came.", (thread, ticket))
check("the sender becomes a contact", thread.get("associatedContactId") is not None, thread)
status, again = api("POST", publish, first)
check("the same idempotency id is stored once", status == 200 and len(messages(thread_id)) == 1, (status, again))
status, follow = api("POST", publish, dict(first, text="Any news?", integrationIdempotencyId="msg-2"))
check("a message of the same thread joins it", follow.get("conversationsThreadId") == thread_id and len(messages(thread_id)) == 2, follow)
status, refused = api("POST", publish, dict(first, messageDirection="OUTGOING", integrationIdempotencyId="msg-3"))
check("outgoing messages are not published by integrations", status == 400, (status, refused))

status, reply = api("POST", f"/conversations/v3/conversations/threads/{thread_id}/messages", {"text": "It left our depot today."})
check("an agent's reply is queued for the channel", status == 201 and reply["status"]["statusType"] == "QUEUED", (status, reply))
post = eventually(lambda: next((r for r in received if r["path"] == "/custom"), None))
if post:
    payload = json.loads(post["body"])
    stamp = post["headers"].get("X-HelpDesk-Timestamp", "")
    expected = hmac.new(b"s3cret", stamp.encode() + b"." + post["body"], hashlib.sha256).hexdigest()
    check("the reply is posted to the integration", payload["type"] == "OUTGOING_CHANNEL_MESSAGE_CREATED"
          and payload["message"]["text"] == "It left our depot today." and payload["integrationThreadId"] == "thread-1", payload)
    check("the post is signed with the channel's secret", post["headers"].get("X-HelpDesk-Signature") == "sha256=" + expected,
          post["headers"])
else:
    check("the reply is posted to the integration", False, received)
sent = eventually(lambda: [m for m in messages(thread_id) if m["direction"] == "OUTGOING" and m["status"]["statusType"] == "SENT"])
check("the reply shows as sent", len(sent) == 1, messages(thread_id))
api("POST", f"/conversations/v3/conversations/threads/{thread_id}/messages", {"text": "please refuse this one"})
failed_message = eventually(lambda: [m for m in messages(thread_id) if m["status"]["statusType"] == "FAILED"])
check("a refusal by the peer shows on the message", failed_message and "400" in failed_message[0]["status"]["failureDetails"]["errorMessage"],
      messages(thread_id))

# WhatsApp: the Cloud API's subscription check, its signed notifications, and replies through it.
status, whatsapp = api("POST", "/conversations/v3/conversations/channel-accounts", {
    "channelId": "WHATSAPP", "name": "WhatsApp", "deliveryIdentifier": {"type": "CHANNEL_SPECIFIC_OPAQUE_ID", "value": "1234567890"},
    "signingSecret": "app-secret", "verifyToken": "verify-me", "accessToken": "EAAG-token", "outboundUrl": PEER + "/graph"})
check("connect a WhatsApp number", status == 201 and whatsapp["hasAccessToken"], (status, whatsapp))
status, missing = api("POST", "/conversations/v3/conversations/channel-accounts", {
    "channelId": "WHATSAPP", "deliveryIdentifier": {"type": "CHANNEL_SPECIFIC_OPAQUE_ID", "value": "555"}})
check("a WhatsApp number without its secrets is refused", status == 400 and "signingSecret" in missing["message"], (status, missing))
hook = f"/webhooks/whatsapp/{whatsapp.get('id')}"
status, text = request("GET", hook + "?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444")
check("the subscription check is answered", status == 200 and text == "1158201444", (status, text))
status, text = request("GET", hook + "?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1")
check("a wrong verify token is refused", status == 403, status)


def notification(message_id, body):
    return json.dumps({"object": "whatsapp_business_account", "entry": [{"id": "WABA", "changes": [{"field": "messages", "value": {
        "messaging_product": "whatsapp", "metadata": {"display_phone_number": "15550001111", "phone_number_id": "1234567890"},
        "contacts": [{"profile": {"name": "Ada Lovelace"}, "wa_id": "33612345678"}],
        "messages": [{"from": "33612345678", "id": message_id, "timestamp": "1700000000", "type": "text", "text": {"body": body}}]}}]}]}).encode()


def signed(body, secret=b"app-secret"):
    return {"Content-Type": "application/json", "X-Hub-Signature-256": "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()}


body = notification("wamid.1", "Hello, my order is late")
status, text = request("POST", hook, raw=body, headers=signed(body, b"not-the-secret"))
check("a notification with a bad signature is refused", status == 401, (status, text))
status, text = request("POST", hook, raw=body, headers=signed(body))
check("a signed notification is taken", status == 200, (status, text))
request("POST", hook, raw=body, headers=signed(body))
threads = api("GET", "/conversations/v3/conversations/threads")[1]["results"]
wa = [t for t in threads if t["originalChannelAccountId"] == whatsapp.get("id")]
check("C2 a WhatsApp message opens one conversation, also when Meta retries", len(wa) == 1 and len(messages(wa[0]["id"])) == 1, wa)
wa_thread = wa[0] if wa else {}
status, ticket = api("GET", f"/crm/v3/objects/tickets/{wa_thread.get('associatedTicketId')}?properties=source_type,subject")
check("with a WhatsApp ticket", status == 200 and ticket["properties"]["source_type"] == "WHATSAPP", ticket)
status, contact = api("GET", f"/crm/v3/objects/contacts/{wa_thread.get('associatedContactId')}?properties=phone,firstname")
check("and the customer as a contact with their number", status == 200 and contact["properties"]["phone"] == "+33612345678"
      and contact["properties"]["firstname"] == "Ada", contact)
body = notification("wamid.2", "Are you there?")
request("POST", hook, raw=body, headers=signed(body))
check("the next message joins the open conversation", len(messages(wa_thread.get("id"))) == 2)
api("POST", f"/conversations/v3/conversations/threads/{wa_thread.get('id')}/messages", {"text": "Yes, looking now."})
graph = eventually(lambda: next((r for r in received if r["path"] == "/graph/1234567890/messages"), None))
payload = json.loads(graph["body"]) if graph else {}
check("a reply goes out through the Cloud API", graph and graph["headers"].get("Authorization") == "Bearer EAAG-token"
      and payload.get("to") == "33612345678" and payload.get("text", {}).get("body") == "Yes, looking now.", graph)

# Calls (A8): Twilio's voice webhooks, signed; opening hours decide between ringing and voicemail.
status, line = api("POST", "/conversations/v3/conversations/channel-accounts", {
    "channelId": "CALL", "name": "Hotline", "deliveryIdentifier": {"type": "HS_PHONE_NUMBER", "value": "+33123456789"},
    "signingSecret": "twilio-token", "forwardTo": ["+33600000001"],
    "openingHours": dict({"timeZone": "Europe/Paris"}, **{day: ["00:00-24:00"] for day in
                          ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]})})
check("connect a phone line with opening hours", status == 201 and line["openingHours"]["monday"] == ["00:00-24:00"], (status, line))
for bad, expected in [({"deliveryIdentifier": {"type": "HS_PHONE_NUMBER", "value": "0123"}, "signingSecret": "x"}, "E.164"),
                      ({"deliveryIdentifier": {"type": "HS_PHONE_NUMBER", "value": "+33100000000"}, "signingSecret": "x",
                        "openingHours": {"timeZone": "Mars/Olympus", "monday": ["09:00-17:00"]}}, "time zone"),
                      ({"deliveryIdentifier": {"type": "HS_PHONE_NUMBER", "value": "+33100000000"}, "signingSecret": "x",
                        "openingHours": {"timeZone": "UTC", "monday": ["17:00-09:00"]}}, "range")]:
    status, error = api("POST", "/conversations/v3/conversations/channel-accounts", dict(bad, channelId="CALL"))
    check(f"a call channel with a bad setting is refused ({expected})", status == 400 and expected in error["message"], (status, error))


def twilio(path, params, token=b"twilio-token"):
    url = BASE + path
    signed_text = url + "".join(name + params[name] for name in sorted(params))
    signature = base64.b64encode(hmac.new(token, signed_text.encode(), hashlib.sha1).digest()).decode()
    body = urllib.parse.urlencode(params).encode()
    return request("POST", path, raw=body, headers={"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature})


voice = f"/webhooks/calls/{line.get('id')}/voice"
call = {"CallSid": "CA0001", "From": "+33699999999", "To": "+33123456789", "CallStatus": "ringing", "Direction": "inbound"}
status, text = twilio(voice, call, token=b"wrong")
check("a call webhook with a bad signature is refused", status == 401, (status, text))
status, text = twilio(voice, call)
check("A8 during opening hours the call rings the line's numbers", status == 200 and "<Dial" in text
      and "<Number>+33600000001</Number>" in text, (status, text))
threads = api("GET", "/conversations/v3/conversations/threads")[1]["results"]
calls = [t for t in threads if t["originalChannelAccountId"] == line.get("id")]
status, ticket = api("GET", f"/crm/v3/objects/tickets/{calls[0].get('associatedTicketId') if calls else 0}?properties=source_type,subject")
check("C2 a call opens a conversation with a phone ticket", len(calls) == 1 and ticket["properties"]["source_type"] == "PHONE"
      and ticket["properties"]["subject"] == "Call from +33699999999", (calls, ticket))
call_thread = calls[0]["id"] if calls else "0"
status, comment = api("POST", f"/conversations/v3/conversations/threads/{call_thread}/messages", {"type": "COMMENT", "text": "Called back?"})
check("R6 a call's conversation takes comments only once an email is sent", status == 409 and "R6" in comment["message"], (status, comment))
status, text = twilio(f"/webhooks/calls/{line.get('id')}/dial-status", dict(call, DialCallStatus="no-answer"))
check("A8 a missed call goes to voicemail", status == 200 and "<Record" in text and "leave a message" in text, (status, text))
status, text = twilio(f"/webhooks/calls/{line.get('id')}/recording", dict(call, RecordingSid="RE0001", RecordingStatus="completed",
                      RecordingUrl="https://api.twilio.com/2010-04-01/Accounts/AC1/Recordings/RE0001", RecordingDuration="42"))
texts = [m["text"] for m in messages(call_thread)]
check("the voicemail joins the call's conversation", status == 200 and any(t.startswith("Voicemail (42 s): https://api.twilio.com") for t in texts),
      texts)

status, closed_line = api("POST", "/conversations/v3/conversations/channel-accounts", {
    "channelId": "CALL", "deliveryIdentifier": {"type": "HS_PHONE_NUMBER", "value": "+33987654321"}, "signingSecret": "twilio-token",
    "forwardTo": ["+33600000001"], "voicemailGreeting": "We are closed & back at 9.", "openingHours": {"timeZone": "UTC"}})
status, text = twilio(f"/webhooks/calls/{closed_line.get('id')}/voice", dict(call, CallSid="CA0002", To="+33987654321"))
check("A8 after hours the caller hears the line's greeting and can leave a message", status == 200
      and "<Say>We are closed &amp; back at 9.</Say>" in text and "<Record" in text and "<Dial" not in text, (status, text))

finish()
