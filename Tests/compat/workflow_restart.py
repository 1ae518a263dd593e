"""A server killed while a workflow waits in a delay, and started again (W2, durable): the next
step runs once, on the server started again.

usage: workflow_restart.py before BASE_URL API_TOKEN      -> prints the ticket's id on its last line
       workflow_restart.py after BASE_URL API_TOKEN TICKET
Prints one line per check and "N passed, M failed" at the end; exits 1 on any failure.
"""
import sys
import time

from checks import check, eventually, finish, json_api

PHASE, BASE, TOKEN = sys.argv[1:4]
api = json_api(BASE, TOKEN)


def runs(ticket):
    status, found = api("GET", f"/automation/v4/flows/runs?objectId={ticket}")
    return found["results"] if status == 200 else []


if PHASE == "before":
    status, flow = api("POST", "/automation/v4/flows", {
        "name": "Wait, then follow up", "pipelineId": "0", "trigger": {"type": "STAGE_ENTERED", "stageId": "4"},
        "actions": [
            {"type": "DELAY", "fields": {"minutes": "1"}},
            {"type": "SET_PROPERTY", "fields": {"property": "hs_resolution", "value": "Followed up after a minute"}},
            {"type": "CREATE_TASK", "fields": {"title": "Ask how it went"}},
        ]})
    check("a workflow with a delay is made", status == 201, (status, flow))
    status, ticket = api("POST", "/crm/v3/objects/tickets", {"properties": {
        "subject": "Killed while waiting", "hs_pipeline": "0", "hs_pipeline_stage": "1"}})
    check("a ticket is made", status == 201, (status, ticket))
    ticket_id = ticket["id"]
    status, _ = api("PATCH", f"/crm/v3/objects/tickets/{ticket_id}", {"properties": {"hs_pipeline_stage": "4"}})
    check("it enters the workflow's stage", status == 200, status)
    waiting = eventually(lambda: [r for r in runs(ticket_id) if r["status"] == "WAITING"], 15)
    check("its run waits in the delay", bool(waiting), runs(ticket_id))
    print(ticket_id)
else:
    ticket_id = sys.argv[4]
    started = time.time()
    done = eventually(lambda: [r for r in runs(ticket_id) if r["status"] == "FINISHED"], 120)
    check("the server started again runs the rest once the delay is over", bool(done), (time.time() - started, runs(ticket_id)))
    if done:
        steps = [s["actionId"] for s in done[0]["steps"]]
        check("each step once", sorted(steps) == sorted(set(steps)) and len(steps) == 3, done[0]["steps"])
    status, read = api("GET", f"/crm/v3/objects/tickets/{ticket_id}?properties=hs_resolution&associations=tasks")
    check("the property is set", status == 200 and read["properties"].get("hs_resolution") == "Followed up after a minute", read)
    tasks = read.get("associations", {}).get("tasks", {}).get("results", []) if status == 200 else []
    check("one task is made", len(tasks) == 1, tasks)
    check("one run in all", len(runs(ticket_id)) == 1, runs(ticket_id))

finish()
