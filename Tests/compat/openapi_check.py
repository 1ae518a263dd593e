"""The OpenAPI document against the running server: schemathesis generates requests for every
operation of /openapi.json, valid and invalid ones, and checks that each answer is one the
document lists (its status, media type, headers and body schema) and never a server error.

A few records, channels, a conversation and a form are stored first, so that generated requests
also reach them (openapi_hooks.py). Every operation is tested: none of them can reach beyond this
machine (outboundUrl is pinned to a loopback address, and the test server has no mail relay, so
replies only queue) or remove the token the run uses (tokens are not part of the API).

The run is seeded and bounded, so that it repeats and stays short; OPENAPI_CHECK_EXAMPLES (per
operation, 15 by default) and OPENAPI_CHECK_SEED change them for a longer search.

usage: openapi_check.py BASE_URL ADMIN_TOKEN
Prints one line per operation and "N passed, M failed" at the end; exits 1 on any failure.
"""
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
import xml.etree.ElementTree as ElementTree

from openapi_spec_validator import validate

from checks import check, finish, json_api

BASE, TOKEN = sys.argv[1], sys.argv[2]
HERE = os.path.dirname(os.path.abspath(__file__))
CHECKS = ["not_a_server_error", "status_code_conformance", "content_type_conformance", "response_headers_conformance",
          "response_schema_conformance", "unsupported_method"]
api = json_api(BASE, TOKEN)


def store_examples():
    """Stores something of each kind the paths name, and returns their ids by parameter name."""
    def created(path, body):
        status, answer = api("POST", path, body)
        if status not in (200, 201):
            raise SystemExit(f"could not prepare {path}: {status} {answer}")
        return answer

    pipeline = api("GET", "/crm/v3/pipelines/tickets")[1]["results"][0]
    ticket = created("/crm/v3/objects/tickets", {"properties": {
        "subject": "Printer on fire", "content": "Send help.", "hs_pipeline": pipeline["id"],
        "hs_pipeline_stage": pipeline["stages"][0]["id"]}})
    contact = created("/crm/v3/objects/contacts", {"properties": {"email": "ada@example.org", "firstname": "Ada"}})
    custom = created("/conversations/v3/conversations/channel-accounts", {
        "channelId": "CUSTOM", "name": "Acme SMS", "outboundUrl": "http://127.0.0.1:9/refused",
        "deliveryIdentifier": {"type": "CHANNEL_SPECIFIC_OPAQUE_ID", "value": "openapi-check"}})
    chat = created("/conversations/v3/conversations/channel-accounts", {
        "channelId": "CHAT", "name": "Site chat", "deliveryIdentifier": {"type": "CHANNEL_SPECIFIC_OPAQUE_ID", "value": "site"}})
    message = created(f"/conversations/v3/custom-channels/{custom['id']}/messages", {
        "text": "My parcel never came.", "integrationThreadId": "t-1", "integrationIdempotencyId": "m-1",
        "senders": [{"name": "Ada", "deliveryIdentifier": {"type": "HS_EMAIL_ADDRESS", "value": "ada@example.org"}}]})
    form = created("/marketing/v3/forms", {"name": "Contact us", "fieldGroups": [{"fields": [
        {"objectTypeId": "0-1", "name": "email", "label": "Email", "required": True},
        {"objectTypeId": "0-5", "name": "content", "label": "Your question"}]}]})
    owner = api("GET", "/crm/v3/owners")[1]["results"][0]
    thread = message["conversationsThreadId"]
    return {
        "*": {"objectType": "tickets", "id": ticket["id"], "fromType": "tickets", "fromId": ticket["id"],
              "toType": "contacts", "toId": contact["id"], "pipelineId": pipeline["id"],
              "stageId": pipeline["stages"][0]["id"], "propertyName": "subject", "ownerId": owner["id"],
              "channelAccountId": custom["id"], "threadId": thread, "ticketId": ticket["id"], "formId": form["id"],
              "portalId": "1"},
        "/conversations/v3/custom-channels": {"channelId": custom["id"]},
        "/chat": {"channelId": chat["id"]},
        "/crm-object-schemas": {"objectType": "tickets"},
    }


def run_schemathesis(known):
    """Runs schemathesis over every operation; returns its exit code, its output, and the problems
    it found by operation (from its JUnit report)."""
    environment = dict(os.environ, SCHEMATHESIS_HOOKS=os.path.join(HERE, "openapi_hooks.py"),
                       OPENAPI_CHECK_KNOWN=json.dumps(known))
    with tempfile.TemporaryDirectory(prefix="openapi-check-") as directory:
        report = os.path.join(directory, "junit.xml")
        command = [
            sys.executable, "-m", "schemathesis.cli", "--no-color", "run", BASE + "/openapi.json", "--url", BASE,
            "--header", "Authorization: Bearer " + TOKEN,
            "--checks", ",".join(CHECKS),
            "--phases", "examples,coverage,fuzzing",
            "--max-examples", os.environ.get("OPENAPI_CHECK_EXAMPLES", "15"),
            "--seed", os.environ.get("OPENAPI_CHECK_SEED", "20240611"), "--generation-database", "none",
            "--workers", "1", "--request-timeout", "20", "--suppress-health-check", "all",
            "--report", "junit", "--report-junit-path", report,
        ]
        started = time.time()
        done = subprocess.run(command, env=environment, cwd=directory, capture_output=True, text=True)
        print(f"schemathesis ran in {time.time() - started:.0f} s with checks {', '.join(CHECKS)}")
        problems = {}
        if os.path.exists(report):
            for case in ElementTree.parse(report).getroot().iter("testcase"):
                problems[case.get("name")] = [element.get("message") or element.text or "" for element in case
                                              if element.tag in ("failure", "error")]
    return done.returncode, done.stdout + done.stderr, problems


with urllib.request.urlopen(BASE + "/openapi.json") as response:
    document = json.load(response)
validate(document)
code, output, problems = run_schemathesis(store_examples())
print(output)
for operation, found in problems.items():
    check(operation, not found, "\n".join(found))
check("schemathesis finds nothing wrong", code == 0, f"exit code {code}")
finish()
