"""Drives a running help desk with the official CRM Python client (hubspot-api-client 12.0.0),
changing only the base URL, and checks every API the help desk promises to be compatible with.

Usage: crm_client_compat.py BASE_URL TOKEN [LIMITED_TOKEN]
Prints one line per check and exits non-zero if any failed.
"""
import sys
import traceback

import hubspot
from hubspot.crm.associations.v4 import AssociationSpec
from hubspot.crm.objects import SimplePublicObjectInputForCreate as ObjectCreate
from hubspot.crm.pipelines import PipelineInput, PipelinePatchInput, PipelineStageInput, PipelineStagePatchInput
from hubspot.crm.properties import PropertyCreate, OptionInput
from hubspot.crm.schemas import ObjectSchemaEgg, ObjectTypeDefinitionLabels, ObjectTypePropertyCreate
from hubspot.crm.tickets import (
    ApiException,
    BatchInputSimplePublicObjectBatchInput,
    BatchInputSimplePublicObjectBatchInputForCreate,
    BatchInputSimplePublicObjectId,
    BatchReadInputSimplePublicObjectId,
    Filter,
    FilterGroup,
    PublicObjectSearchRequest,
    SimplePublicObjectBatchInput,
    SimplePublicObjectBatchInputForCreate,
    SimplePublicObjectId,
    SimplePublicObjectInput,
    SimplePublicObjectInputForCreate,
)

BASE, TOKEN = sys.argv[1], sys.argv[2]
LIMITED = sys.argv[3] if len(sys.argv) > 3 else None
client = hubspot.Client.create(access_token=TOKEN, host=BASE)
results = []


def check(name):
    def wrap(fn):
        try:
            fn()
            results.append((name, True))
            print(f"ok   {name}")
        except Exception:
            results.append((name, False))
            print(f"FAIL {name}")
            traceback.print_exc(file=sys.stdout)
        return fn
    return wrap


def expect_error(status, call, contains=None):
    try:
        call()
    except ApiException as error:
        assert error.status == status, f"expected {status}, got {error.status}: {error.body}"
        if contains:
            assert contains in error.body, f"{contains!r} not in {error.body}"
        import json
        body = json.loads(error.body)
        for key in ("status", "message", "correlationId", "category"):
            assert key in body, f"error body lacks {key}: {error.body}"
        return body
    except Exception as error:
        status_code = getattr(error, "status", None)
        assert status_code == status, f"expected {status}, got {error!r}"
        return None
    raise AssertionError(f"expected HTTP {status}, the call succeeded")


def ticket(subject, stage="1", **extra):
    properties = {"subject": subject, "hs_pipeline": "0", "hs_pipeline_stage": stage, **extra}
    return client.crm.tickets.basic_api.create(SimplePublicObjectInputForCreate(properties=properties))


state = {}


@check("P2 default ticket pipeline 0 with statuses 1-4")
def _():
    pipelines = client.crm.pipelines.pipelines_api.get_all("tickets").results
    default = next(p for p in pipelines if p.id == "0")
    stages = {s.id: (s.label, s.metadata["ticketState"]) for s in default.stages}
    assert stages == {"1": ("New", "OPEN"), "2": ("Waiting on contact", "OPEN"),
                      "3": ("Waiting on us", "OPEN"), "4": ("Closed", "CLOSED")}, stages
    deals = client.crm.pipelines.pipelines_api.get_all("deals").results
    assert any(p.id == "default" for p in deals)


@check("tickets basic_api create and get_by_id")
def _():
    created = ticket("Printer on fire", hs_ticket_priority="HIGH", content="It smokes")
    assert created.id and created.properties["subject"] == "Printer on fire"
    fetched = client.crm.tickets.basic_api.get_by_id(created.id, properties=["subject", "hs_ticket_priority", "content"])
    assert fetched.properties["hs_ticket_priority"] == "HIGH"
    assert fetched.created_at is not None and fetched.updated_at is not None
    state["ticket"] = created.id


@check("tickets basic_api update, P4 close date and propertiesWithHistory")
def _():
    updated = client.crm.tickets.basic_api.update(state["ticket"], SimplePublicObjectInput(properties={"hs_pipeline_stage": "4"}))
    assert updated.properties["hs_pipeline_stage"] == "4"
    fetched = client.crm.tickets.basic_api.get_by_id(state["ticket"], properties=["closed_date"],
                                                     properties_with_history=["hs_pipeline_stage"])
    assert fetched.properties["closed_date"], fetched.properties
    history = [h.value for h in fetched.properties_with_history["hs_pipeline_stage"]]
    assert history == ["4", "1"], history


@check("R7 a ticket's activity timeline, newest first")
def _():
    import json
    import urllib.request
    request = urllib.request.Request(f"{BASE}/crm/v3/objects/tickets/{state['ticket']}/timeline?limit=50",
                                     headers={"Authorization": f"Bearer {TOKEN}"})
    with urllib.request.urlopen(request) as response:
        entries = json.load(response)["results"]
    kinds = [entry["type"] for entry in entries]
    assert kinds[-1] == "record.created", kinds
    stages = [entry["newValue"] for entry in entries if entry["type"] == "stage.entered"]
    assert stages == ["4", "1"], stages
    assert all(entry["occurredAt"] and entry["actorId"] for entry in entries), entries


@check("tickets basic_api get_page with after cursor")
def _():
    for i in range(5):
        ticket(f"Paging {i}")
    seen, after = [], None
    while True:
        page = client.crm.tickets.basic_api.get_page(limit=2, after=after)
        seen += [t.id for t in page.results]
        if not page.paging:
            break
        after = page.paging.next.after
    assert len(seen) == len(set(seen)) >= 6, seen


@check("tickets basic_api archive; reading it after is 404")
def _():
    doomed = ticket("Doomed")
    client.crm.tickets.basic_api.archive(doomed.id)
    expect_error(404, lambda: client.crm.tickets.basic_api.get_by_id(doomed.id))


@check("P5 ticket without name, pipeline or status is refused")
def _():
    for properties, missing in [({"hs_pipeline": "0", "hs_pipeline_stage": "1"}, "subject"),
                                ({"subject": "x", "hs_pipeline_stage": "1"}, "hs_pipeline"),
                                ({"subject": "x", "hs_pipeline": "0"}, "hs_pipeline_stage"),
                                ({"subject": "x", "hs_pipeline": "0", "hs_pipeline_stage": "nope"}, "nope")]:
        expect_error(400, lambda: client.crm.tickets.basic_api.create(SimplePublicObjectInputForCreate(properties=properties)),
                     contains=missing)


@check("unknown property and wrong type are 400 naming them")
def _():
    expect_error(400, lambda: ticket("x", colour="blue"), contains="colour")
    expect_error(400, lambda: ticket("x", hs_ticket_priority="SOMEDAY"), contains="SOMEDAY")


@check("tickets batch_api create, read, update, archive")
def _():
    batch = client.crm.tickets.batch_api.create(BatchInputSimplePublicObjectBatchInputForCreate(inputs=[
        SimplePublicObjectBatchInputForCreate(properties={"subject": f"Batch {i}", "hs_pipeline": "0", "hs_pipeline_stage": "2"})
        for i in range(3)]))
    ids = [r.id for r in batch.results]
    assert len(ids) == 3 and batch.status == "COMPLETE"
    read = client.crm.tickets.batch_api.read(BatchReadInputSimplePublicObjectId(
        inputs=[SimplePublicObjectId(id=i) for i in ids], properties=["subject"], properties_with_history=[]))
    assert sorted(r.properties["subject"] for r in read.results) == ["Batch 0", "Batch 1", "Batch 2"]
    updated = client.crm.tickets.batch_api.update(BatchInputSimplePublicObjectBatchInput(inputs=[
        SimplePublicObjectBatchInput(id=i, properties={"hs_ticket_priority": "LOW"}) for i in ids]))
    assert all(r.properties["hs_ticket_priority"] == "LOW" for r in updated.results)
    client.crm.tickets.batch_api.archive(BatchInputSimplePublicObjectId(inputs=[SimplePublicObjectId(id=i) for i in ids]))
    expect_error(404, lambda: client.crm.tickets.basic_api.get_by_id(ids[0]))


@check("tickets search_api operators, sorts, query, paging")
def _():
    made = [ticket(f"Search widget {i}", hs_ticket_priority=p, content=f"searchable body {i}")
            for i, p in enumerate(["LOW", "MEDIUM", "HIGH", "URGENT"])]
    ids = [t.id for t in made]
    low_id, high_id = min(int(i) for i in ids), max(int(i) for i in ids)

    def search(filters, **kwargs):
        request = PublicObjectSearchRequest(filter_groups=[FilterGroup(filters=filters)] if filters else [],
                                            properties=["subject", "hs_ticket_priority"], limit=kwargs.pop("limit", 100), **kwargs)
        return client.crm.tickets.search_api.do_search(request)

    in_range = Filter(property_name="hs_object_id", operator="BETWEEN", value=str(low_id), high_value=str(high_id))
    assert search([in_range]).total == 4
    assert search([in_range, Filter(property_name="hs_ticket_priority", operator="EQ", value="HIGH")]).total == 1
    assert search([in_range, Filter(property_name="hs_ticket_priority", operator="NEQ", value="HIGH")]).total == 3
    assert search([in_range, Filter(property_name="hs_ticket_priority", operator="IN", values=["LOW", "URGENT"])]).total == 2
    assert search([in_range, Filter(property_name="hs_ticket_priority", operator="NOT_IN", values=["LOW"])]).total == 3
    assert search([in_range, Filter(property_name="hs_object_id", operator="GT", value=str(low_id))]).total == 3
    assert search([in_range, Filter(property_name="hs_object_id", operator="GTE", value=str(low_id))]).total == 4
    assert search([in_range, Filter(property_name="hs_object_id", operator="LT", value=str(high_id))]).total == 3
    assert search([in_range, Filter(property_name="hs_object_id", operator="LTE", value=str(high_id))]).total == 4
    assert search([in_range, Filter(property_name="content", operator="HAS_PROPERTY")]).total == 4
    assert search([in_range, Filter(property_name="closed_date", operator="NOT_HAS_PROPERTY")]).total == 4
    assert search([in_range, Filter(property_name="subject", operator="CONTAINS_TOKEN", value="widget")]).total == 4
    created_after = Filter(property_name="createdate", operator="GTE", value="2000-01-01T00:00:00Z")
    assert search([in_range, created_after]).total == 4
    ordered = search([in_range], sorts=[{"propertyName": "hs_object_id", "direction": "DESCENDING"}])
    assert [r.id for r in ordered.results] == sorted(ids, key=int, reverse=True)
    assert client.crm.tickets.search_api.do_search(PublicObjectSearchRequest(query="widget", limit=10)).total >= 4
    first = search([in_range], limit=3)
    assert len(first.results) == 3 and first.paging.next.after
    second = search([in_range], limit=3, after=first.paging.next.after)
    assert len(second.results) == 1 and second.paging is None


@check("search limits are enforced and explained")
def _():
    groups = [FilterGroup(filters=[Filter(property_name="subject", operator="EQ", value="x")]) for _ in range(6)]
    expect_error(400, lambda: client.crm.tickets.search_api.do_search(PublicObjectSearchRequest(filter_groups=groups)),
                 contains="at most 5")
    expect_error(400, lambda: client.crm.tickets.search_api.do_search(PublicObjectSearchRequest(limit=500)), contains="200")


@check("P3 conditional stage refuses entry without its properties")
def _():
    pipeline = client.crm.pipelines.pipelines_api.create("tickets", PipelineInput(label="Escalations", display_order=1, stages=[
        PipelineStageInput(label="Open", display_order=0, metadata={"ticketState": "OPEN"}),
        PipelineStageInput(label="Resolved", display_order=1,
                           metadata={"ticketState": "CLOSED", "requiredProperties": "hs_resolution"}),
    ]))
    resolved = next(s for s in pipeline.stages if s.label == "Resolved")
    escalated = client.crm.tickets.basic_api.create(SimplePublicObjectInputForCreate(properties={
        "subject": "Escalated", "hs_pipeline": pipeline.id, "hs_pipeline_stage": pipeline.stages[0].id}))
    expect_error(400, lambda: client.crm.tickets.basic_api.update(
        escalated.id, SimplePublicObjectInput(properties={"hs_pipeline_stage": resolved.id})), contains="hs_resolution")
    unchanged = client.crm.tickets.basic_api.get_by_id(escalated.id)
    assert unchanged.properties["hs_pipeline_stage"] == pipeline.stages[0].id
    client.crm.tickets.basic_api.update(escalated.id, SimplePublicObjectInput(
        properties={"hs_pipeline_stage": resolved.id, "hs_resolution": "Replaced the toner"}))
    state["pipeline"] = pipeline.id


@check("pipelines update, replace, stages, archive")
def _():
    api = client.crm.pipelines
    pipeline = api.pipelines_api.create("deals", PipelineInput(label="Renewals", display_order=2, stages=[
        PipelineStageInput(label="Due", display_order=0, metadata={"probability": "0.5"}),
        PipelineStageInput(label="Renewed", display_order=1, metadata={"probability": "1.0", "isClosed": "true"})]))
    renamed = api.pipelines_api.update("deals", pipeline.id, PipelinePatchInput(label="Renewals 2027"))
    assert renamed.label == "Renewals 2027"
    stage = api.pipeline_stages_api.create("deals", pipeline.id, PipelineStageInput(label="Lost", display_order=2,
                                                                                   metadata={"probability": "0.0"}))
    assert stage.label == "Lost"
    patched = api.pipeline_stages_api.update("deals", pipeline.id, stage.id, PipelineStagePatchInput(label="Churned"))
    assert patched.label == "Churned"
    assert len(api.pipeline_stages_api.get_all("deals", pipeline.id).results) == 3
    api.pipeline_stages_api.archive("deals", pipeline.id, stage.id)
    replaced = api.pipelines_api.replace("deals", pipeline.id, PipelineInput(label="Renewals", display_order=2, stages=[
        PipelineStageInput(label="Only", display_order=0, metadata={"probability": "0.1"})]))
    assert [s.label for s in replaced.stages] == ["Only"]
    api.pipelines_api.archive("deals", pipeline.id)
    expect_error(404, lambda: api.pipelines_api.get_by_id("deals", pipeline.id))


@check("contacts, companies, deals basic and search")
def _():
    contact = client.crm.contacts.basic_api.create(
        hubspot.crm.contacts.SimplePublicObjectInputForCreate(properties={"email": "ada@example.com", "firstname": "Ada"}))
    company = client.crm.companies.basic_api.create(
        hubspot.crm.companies.SimplePublicObjectInputForCreate(properties={"name": "Analytical Engines", "domain": "engines.example"}))
    deal = client.crm.deals.basic_api.create(
        hubspot.crm.deals.SimplePublicObjectInputForCreate(properties={"dealname": "Big one", "amount": "1500"}))
    assert deal.properties["pipeline"] == "default" and deal.properties["dealstage"] == "appointmentscheduled"
    found = client.crm.contacts.search_api.do_search(hubspot.crm.contacts.PublicObjectSearchRequest(
        filter_groups=[hubspot.crm.contacts.FilterGroup(filters=[
            hubspot.crm.contacts.Filter(property_name="email", operator="EQ", value="ADA@example.com")])]))
    assert found.total == 1 and found.results[0].id == contact.id
    rich = client.crm.deals.search_api.do_search(hubspot.crm.deals.PublicObjectSearchRequest(
        filter_groups=[hubspot.crm.deals.FilterGroup(filters=[
            hubspot.crm.deals.Filter(property_name="amount", operator="GT", value="1000")])]))
    assert deal.id in [r.id for r in rich.results]
    state.update(contact=contact.id, company=company.id, deal=deal.id)


@check("a contact read by its email, which the client percent-encodes in the path")
def _():
    tagged = client.crm.contacts.basic_api.create(
        hubspot.crm.contacts.SimplePublicObjectInputForCreate(properties={"email": "grace+ops@example.com"}))
    read = client.crm.contacts.basic_api.get_by_id("grace+ops@example.com", id_property="email")
    assert read.id == tagged.id, read


@check("associations v4: ticket with contact, company, deal; list; remove")
def _():
    v4 = client.crm.associations.v4.basic_api
    v4.create_default("tickets", state["ticket"], "contacts", state["contact"])
    v4.create("tickets", state["ticket"], "companies", state["company"],
              [AssociationSpec(association_category="HUBSPOT_DEFINED", association_type_id=339)])
    v4.create_default("tickets", state["ticket"], "deals", state["deal"])
    contacts = v4.get_page("tickets", state["ticket"], "contacts").results
    assert [str(c.to_object_id) for c in contacts] == [state["contact"]]
    back = v4.get_page("contacts", state["contact"], "tickets").results
    assert [str(t.to_object_id) for t in back] == [state["ticket"]]
    with_assoc = client.crm.tickets.basic_api.get_by_id(state["ticket"], associations=["contacts", "companies"])
    assert with_assoc.associations["contacts"].results[0].id == state["contact"]
    v4.archive("tickets", state["ticket"], "deals", state["deal"])
    assert v4.get_page("tickets", state["ticket"], "deals").results == []


@check("ticket created with associations")
def _():
    created = client.crm.tickets.basic_api.create(SimplePublicObjectInputForCreate(
        properties={"subject": "With contact", "hs_pipeline": "0", "hs_pipeline_stage": "1"},
        associations=[{"to": {"id": state["contact"]},
                       "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 16}]}]))
    linked = client.crm.associations.v4.basic_api.get_page("tickets", created.id, "contacts").results
    assert [str(c.to_object_id) for c in linked] == [state["contact"]]


@check("owners get_page and get_by_id")
def _():
    owners = client.crm.owners.owners_api.get_page(limit=100).results
    assert owners and owners[0].email
    one = client.crm.owners.owners_api.get_by_id(int(owners[0].id))
    assert one.email == owners[0].email
    assigned = ticket("Assigned", hubspot_owner_id=owners[0].id)
    assert assigned.properties["hubspot_owner_id"] == owners[0].id
    expect_error(400, lambda: ticket("Nobody's", hubspot_owner_id="999999"), contains="999999")


@check("properties: read and create typed custom properties")
def _():
    api = client.crm.properties.core_api
    names = [p.name for p in api.get_all("tickets").results]
    assert "subject" in names and "hs_pipeline_stage" in names
    for name, kind, field, options in [("sla_hours", "number", "number", None), ("contract_start", "date", "date", None),
                                       ("last_call", "datetime", "date", None), ("vip", "bool", "booleancheckbox", None),
                                       ("product_line", "enumeration", "select",
                                        [OptionInput(label="Printers", value="printers", display_order=0, hidden=False),
                                         OptionInput(label="Scanners", value="scanners", display_order=1, hidden=False)]),
                                       ("asset_tag", "string", "text", None)]:
        created = api.create("tickets", PropertyCreate(name=name, label=name.replace("_", " ").title(), type=kind,
                                                       field_type=field, group_name="ticketinformation", options=options))
        assert created.type == kind
    typed = ticket("Typed", sla_hours="4", contract_start="2026-01-15", last_call="2026-11-20T10:00:00Z", vip="true",
                   product_line="printers", asset_tag="PRN-042")
    assert typed.properties["sla_hours"] == "4"
    expect_error(400, lambda: ticket("Bad number", sla_hours="four"), contains="sla_hours")
    expect_error(400, lambda: ticket("Bad option", product_line="toasters"), contains="toasters")
    expect_error(409, lambda: api.create("tickets", PropertyCreate(name="sla_hours", label="Again", type="number",
                                                                   field_type="number", group_name="ticketinformation")))


@check("schemas: custom object type with pipeline and records via crm.objects")
def _():
    schema = client.crm.schemas.core_api.create(ObjectSchemaEgg(
        name="machines", labels=ObjectTypeDefinitionLabels(singular="Machine", plural="Machines"),
        primary_display_property="serial", required_properties=["serial"], searchable_properties=["serial"],
        properties=[ObjectTypePropertyCreate(name="serial", label="Serial", type="string", field_type="text"),
                    ObjectTypePropertyCreate(name="hours", label="Hours", type="number", field_type="number")],
        associated_objects=["CONTACT"]))
    assert schema.object_type_id.startswith("2-")
    assert any(s.name == "machines" for s in client.crm.schemas.core_api.get_all().results)
    objects = client.crm.objects
    machine = objects.basic_api.create("machines", ObjectCreate(properties={"serial": "SN-1", "hours": "12"}))
    again = objects.basic_api.get_by_id(schema.object_type_id, machine.id, properties=["serial", "hours"])
    assert again.properties["serial"] == "SN-1"
    objects.basic_api.update("machines", machine.id, hubspot.crm.objects.SimplePublicObjectInput(properties={"hours": "13"}))
    page = objects.basic_api.get_page("machines", properties=["hours"])
    assert page.results[0].properties["hours"] == "13"
    found = objects.search_api.do_search("machines", hubspot.crm.objects.PublicObjectSearchRequest(query="SN-1"))
    assert found.total == 1
    expect_error(400, lambda: objects.basic_api.create("machines", ObjectCreate(properties={"hours": "1"})), contains="serial")
    pipeline = client.crm.pipelines.pipelines_api.create("machines", PipelineInput(label="Lifecycle", display_order=0, stages=[
        PipelineStageInput(label="In service", display_order=0, metadata={}),
        PipelineStageInput(label="Retired", display_order=1, metadata={})]))
    staged = objects.basic_api.create("machines", ObjectCreate(properties={"serial": "SN-2"}))
    assert staged.properties["hs_pipeline"] == pipeline.id
    batch = objects.batch_api.create("machines", hubspot.crm.objects.BatchInputSimplePublicObjectBatchInputForCreate(inputs=[
        hubspot.crm.objects.SimplePublicObjectBatchInputForCreate(properties={"serial": "SN-3"})]))
    assert len(batch.results) == 1
    objects.basic_api.archive("machines", machine.id)


if LIMITED:
    limited = hubspot.Client.create(access_token=LIMITED, host=BASE)

    @check("a token without help-desk access gets 403 on tickets")
    def _():
        body = expect_error(403, lambda: limited.crm.tickets.basic_api.get_page())
        assert "help-desk access" in body["message"], body

    @check("a token without account access cannot change pipelines")
    def _():
        expect_error(403, lambda: limited.crm.pipelines.pipelines_api.create("deals", PipelineInput(
            label="Nope", display_order=9, stages=[PipelineStageInput(label="A", display_order=0, metadata={})])))


@check("the server describes its API in a valid OpenAPI document")
def _():
    import json
    import urllib.request
    from openapi_spec_validator import validate
    with urllib.request.urlopen(BASE + "/openapi.json") as response:
        document = json.load(response)
    validate(document)
    paths = document["paths"]
    for path, method in [("/crm/v3/objects/{objectType}/search", "post"), ("/crm/v3/pipelines/{objectType}", "get"),
                         ("/crm/v4/objects/{fromType}/{fromId}/associations/{toType}", "get"), ("/crm/v3/owners", "get"),
                         ("/crm-object-schemas/v3/schemas", "post"), ("/crm/v3/properties/{objectType}", "post")]:
        assert method in paths.get(path, {}), f"{method.upper()} {path} is not documented"


@check("the official client provisions users: invite without mail, read by id and email, change, list teams and roles, deactivate")
def _():
    from hubspot.settings.users import PublicUserUpdate, UserProvisionRequest
    users = client.settings.users
    created = users.users_api.create(UserProvisionRequest(email="Grace.Hopper@example.com", send_welcome_email=False,
                                                          role_id="help-desk"))
    assert created.email == "grace.hopper@example.com" and "help-desk" in created.role_ids and not created.super_admin, created
    assert users.users_api.get_by_id(created.id).email == created.email
    assert users.users_api.get_by_id("grace.hopper@example.com", id_property="EMAIL").id == created.id
    changed = users.users_api.replace(created.id, PublicUserUpdate(role_id="account-access"))
    assert changed.role_ids == ["account-access"] and changed.role_id == "account-access", changed
    assert any(user.id == created.id for user in users.users_api.get_page(limit=500).results)
    assert isinstance(users.teams_api.get_all().results, list)
    assert {"help-desk", "account-access"} <= {role.id for role in users.roles_api.get_all().results}
    expect_error(400, lambda: users.users_api.replace(created.id, PublicUserUpdate(role_id="astronaut")), contains="astronaut")
    users.users_api.archive(created.id)
    expect_error(404, lambda: users.users_api.get_by_id(created.id))


@check("a bad token gets 401")
def _():
    stranger = hubspot.Client.create(access_token="hd_wrong", host=BASE)
    expect_error(401, lambda: stranger.crm.tickets.basic_api.get_page())


passed = sum(1 for _, ok in results if ok)
failed = len(results) - passed
print(f"{passed} passed, {failed} failed")
sys.exit(1 if failed else 0)
