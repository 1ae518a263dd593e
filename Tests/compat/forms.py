"""Web forms end to end: an admin makes a form through the API, and its public page is fetched
and sent as a browser would (application/x-www-form-urlencoded), or as JSON.

usage: forms.py BASE_URL ADMIN_TOKEN
Prints one line per check and "N passed, M failed" at the end; exits 1 on any failure.
"""
import json
import sys
import urllib.error
import urllib.parse
import urllib.request
from html.parser import HTMLParser

from checks import check, finish, json_api
from checks import request as raw_request

BASE, TOKEN = sys.argv[1], sys.argv[2]
api = json_api(BASE, TOKEN)


def request(method, path, body=None, headers=None):
    return raw_request(BASE, method, path, body, headers)


def post_form(path, values):
    return request("POST", path, urllib.parse.urlencode(values).encode(), {"Content-Type": "application/x-www-form-urlencoded"})


class Page(HTMLParser):
    """The parts of a page the checks look at."""

    def __init__(self, text):
        super().__init__()
        self.html_lang, self.labels, self.controls, self.alerts, self.hidden_depth = None, {}, [], 0, 0
        self.trap_hidden, self.stack = False, []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        self.stack.append(attrs.get("aria-hidden") == "true")
        if tag == "html":
            self.html_lang = attrs.get("lang")
        if tag == "label" and "for" in attrs:
            self.labels[attrs["for"]] = True
        if tag in ("input", "select", "textarea"):
            hidden = any(self.stack)
            if attrs.get("name") == "website_url":
                self.trap_hidden = hidden and attrs.get("tabindex") == "-1"
            else:
                self.controls.append(attrs)
        if attrs.get("role") == "alert":
            self.alerts += 1
        if tag == "input":
            self.stack.pop()

    def handle_endtag(self, tag):
        if self.stack:
            self.stack.pop()


status, form = api("POST", "/marketing/v3/forms", {
    "name": "Contact us",
    "fieldGroups": [{"fields": [
        {"objectTypeId": "0-1", "name": "email", "label": "Email", "required": True},
        {"objectTypeId": "0-1", "name": "firstname", "label": "First name"},
        {"objectTypeId": "0-5", "name": "hs_ticket_priority", "label": "How urgent?"},
        {"objectTypeId": "0-5", "name": "content", "label": "Your question", "required": True},
    ]}],
    "displayOptions": {"submitButtonText": "Send it"},
    "configuration": {"postSubmitAction": {"type": "thank_you", "value": "Thanks, we are on it."}},
})
check("an admin makes a form", status == 201 and form["url"].startswith("/forms/"), (status, form))
page_path = form.get("url", "/forms/none")
status, bad = api("POST", "/marketing/v3/forms", {"name": "No email", "fieldGroups": [{"fields": [
    {"objectTypeId": "0-5", "name": "subject", "label": "Subject"}]}]})
check("a form without an email field is refused with 400", status == 400 and "email field" in bad["message"], (status, bad))

status, headers, text = request("GET", page_path)
page = Page(text)
check("the form's page is HTML", status == 200 and headers.get("Content-Type", "").startswith("text/html"), (status, headers))
check("the page allows no scripts", "script-src" not in headers.get("Content-Security-Policy", "x")
      and "default-src 'none'" in headers.get("Content-Security-Policy", ""), headers)
check("the page says its language", page.html_lang == "en")
check("every field has its label", len(page.controls) == 4 and all(page.labels.get(c.get("id")) for c in page.controls), page.controls)
check("required fields say so", [c.get("aria-required") for c in page.controls] == ["true", None, None, "true"], page.controls)
check("the email field asks for an email", page.controls[0].get("type") == "email" and page.controls[0].get("autocomplete") == "email",
      page.controls[0])
check("the honeypot is out of sight and out of the tab order", page.trap_hidden)
check("the priority is a choice of the property's options", "<option value=\"HIGH\">High</option>" in text, text[:2000])

status, _, text = post_form(page_path, {"0-1/email": "not-an-address", "0-1/firstname": "<script>alert(1)</script>",
                                        "0-5/content": "Help"})
refused = Page(text)
check("a bad submission comes back with the errors", status == 400 and refused.alerts == 1
      and "must be an email address" in text and refused.controls[0].get("aria-invalid") == "true", (status, text[:3000]))
check("what was typed is kept, escaped", "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>alert" not in text)

status, _, text = post_form(page_path, {"0-1/email": "ada@example.org", "0-1/firstname": "Ada",
                                        "0-5/hs_ticket_priority": "HIGH", "0-5/content": "The printer is on fire."})
check("a good submission thanks the sender", status == 200 and "Thanks, we are on it." in text, (status, text))
status, found = api("POST", "/crm/v3/objects/tickets/search", {
    "filterGroups": [{"filters": [{"propertyName": "source_type", "operator": "EQ", "value": "FORM"}]}],
    "properties": ["subject", "content", "hs_ticket_priority"]})
check("C2 the submission became a ticket", status == 200 and found["total"] == 1
      and found["results"][0]["properties"]["hs_ticket_priority"] == "HIGH"
      and found["results"][0]["properties"]["content"] == "The printer is on fire.", found)

status, _, text = post_form(page_path, {"0-1/email": "bot@example.net", "0-5/content": "Buy now", "website_url": "http://spam.example"})
status_search, found = api("POST", "/crm/v3/objects/tickets/search", {})
check("a bot that fills the honeypot is thanked and ignored", status == 200 and "Thanks" in text and found["total"] == 1, found)

form_id = page_path.rsplit("/", 1)[-1]
status, _, text = request("POST", f"/submissions/v3/integration/submit/1/{form_id}", json.dumps({"fields": [
    {"objectTypeId": "0-1", "name": "email", "value": "bob@example.org"},
    {"objectTypeId": "0-5", "name": "content", "value": "Sent by a script"}]}).encode(), {"Content-Type": "application/json"})
check("the JSON submission API takes a submission", status == 200 and json.loads(text)["inlineMessage"] == "Thanks, we are on it.",
      (status, text))
status, _, text = request("POST", f"/submissions/v3/integration/submit/1/{form_id}", json.dumps({"fields": [
    {"objectTypeId": "0-1", "name": "email", "value": "bob@example.org"}]}).encode(), {"Content-Type": "application/json"})
body = json.loads(text)
check("the JSON API names each field in its errors", status == 400 and body["errors"][0]["context"]["field"] == ["0-5/content"], body)

status, _, text = request("GET", "/forms/no-such-form")
check("an unknown form is a 404 page", status == 404 and "Form not found" in text, status)

statuses = [post_form(page_path, {"0-1/email": f"flood{n}@example.net", "0-5/content": "again"})[0] for n in range(12)]
check("one address cannot flood the help desk", 429 in statuses and statuses[-1] == 429, statuses)

finish()
