"""Case API behaviour: the journey of the child from Bolivia, locking, bad input, append-only journal,
attachments, masking and reveal, the list's cost, and the OpenAPI document."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tipsom.accounts.models import User
from tipsom.accounts.testing import make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.cases.models import ACTUAL_VICTIM, Case, ChildProtection, JournalEntry
from tipsom.cases.testing import CASE_FACTS, case_actor, make_case
from tipsom.core.masking import MASK_CHAR
from tipsom.organizations.testing import make_organization
from tipsom.people.models import Person

pytestmark = pytest.mark.django_db
MASKED = MASK_CHAR * 6
PDF = b"%PDF-1.4\n%%EOF\n"


def _client(user: User) -> Client:
    return sign_in(Client(), user)


def _post(client: Client, url: str, data: Any, method: str = "post") -> Any:
    return getattr(client, method)(url, json.dumps(data), content_type="application/json")


def _case_url(case_id: int, name: str = "detail", **kwargs: Any) -> str:
    return reverse(f"api:case-{name}", kwargs={"pk": case_id, **kwargs})


def _counts() -> tuple[int, int, int]:
    return Case.objects.count(), Person.objects.count(), AuditEvent.objects.count()


def test_the_child_from_bolivia_through_the_api(
    identifier, supervisor, cp_agency, cp_officer, child_person, case_data
) -> None:
    client = _client(identifier)
    screening = {
        "acts": ["recruitment", "transportation"],
        "means": ["DebtBondage"],
        "purposes": ["ForcedLabour"],
        "notes": "Found at a garment workshop.",
    }
    response = _post(client, reverse("api:case-list"), {"person": child_person, "screening": screening, **case_data})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["case_number"] == "BR-2026-000001" and body["is_child"] is True
    assert body["person"]["citizenships"] == ["BO"] and "Juana" not in response.content.decode()
    assert body["child_protection"]["age_assessment"] == "pending"  # the age is an estimate (issue 11)
    case_id = body["id"]
    assert client.get(_case_url(case_id, "screenings")).json()["results"][0]["recommendation"] == "likely_child_victim"

    # The child protection agency is notified and appoints a guardian; it now reaches the case.
    assert _client(cp_officer).get(_case_url(case_id)).status_code == 404
    notified = _post(
        client, _case_url(case_id, "child-notify"), {"version": body["version"], "organization": cp_agency.pk}
    )
    assert notified.status_code == 200, notified.content
    officer = _client(cp_officer)
    guardian = {
        "version": notified.json()["case_version"],
        "guardian_name": "Dra. Helena Costa",
        "guardian_appointed_on": "2026-10-05",
    }
    assert _post(officer, _case_url(case_id, "child"), guardian, "patch").status_code == 200

    # A case manager of another NGO gets a 404.
    stranger = make_user(make_organization("BR"), roles=("case_manager",))
    assert _client(stranger).get(_case_url(case_id)).status_code == 404

    # The supervisor approves "Actual victim".
    version = client.get(_case_url(case_id)).json()["version"]
    decision = _post(
        client,
        _case_url(case_id, "decisions"),
        {
            "version": version,
            "status": ACTUAL_VICTIM,
            "decided_on": "2026-10-06",
            "deciding_organization_type": "Police",
            "basis": "Interview and labour inspection report.",
        },
    )
    assert decision.status_code == 201 and decision.json()["approval"] == "pending"
    review_url = _case_url(case_id, "decision-review", decision_id=decision.json()["id"])
    assert _post(client, review_url, {"approve": True}).status_code == 404  # an identifier does not approve
    approved = _post(_client(supervisor), review_url, {"approve": True})
    assert approved.status_code == 200 and approved.json()["approval"] == "approved"
    assert client.get(_case_url(case_id)).json()["trafficking_status"] == ACTUAL_VICTIM

    actions = list(
        AuditEvent.objects.filter(object_id=str(case_id), object_type="cases.case").values_list("action", "channel")
    )
    assert {
        ("case.create", "api"),
        ("case.child_notify", "api"),
        ("case.child_update", "api"),
        ("case.status_decision", "api"),
        ("case.status_decision_review", "api"),
    } <= set(actions)


def test_an_existing_person_gets_a_second_case(identifier, child_case) -> None:
    response = _post(
        _client(identifier),
        reverse("api:case-list"),
        {"person_id": child_case.person_id, **CASE_FACTS, "identified_on": "2026-11-01"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["person"]["id"] == child_case.person_id
    assert Case.objects.filter(person_id=child_case.person_id).count() == 2


def test_a_stale_patch_is_a_409_and_changes_nothing(case_manager, child_case) -> None:
    client = _client(case_manager)
    url = _case_url(child_case.pk)
    assert _post(client, url, {"version": 1, "region": "BR-SP"}, "patch").status_code == 200
    before = (Case.objects.get(pk=child_case.pk).region, _counts())
    response = _post(client, url, {"version": 1, "region": "BR-RJ"}, "patch")
    assert response.status_code == 409
    assert response.json()["code"] == "conflict" and response.json()["extra"] == {"current_version": 2}
    assert (Case.objects.get(pk=child_case.pk).region, _counts()) == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"exploitation_types": ["Juggling"]}, "exploitation_types"),  # an unknown HTCDS code
        ({"case_type": "xyz"}, "case_type"),
        ({"origin_country": "ZZ"}, "origin_country"),
        ({"identified_on": "2009-05-01"}, "identified_on"),  # before the child's birth (2011)
        ({"identified_on": "2031-01-01"}, "identified_on"),  # in the future
        ({"identified_on": "soon"}, "identified_on"),
        ({"colour": "blue"}, "colour"),  # unknown fields are refused
    ],
)
def test_bad_registrations_are_a_400_naming_the_field(identifier, child_person, case_data, change, field) -> None:
    before = _counts()
    response = _post(_client(identifier), reverse("api:case-list"), {"person": child_person, **case_data, **change})
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["code"] == "invalid" and field in body["extra"]["fields"], body
    assert _counts() == before


def test_identification_before_birth_says_so(identifier, child_person, case_data) -> None:
    payload = {"person": child_person, **case_data, "identified_on": "2010-12-31"}
    response = _post(_client(identifier), reverse("api:case-list"), payload)
    assert response.status_code == 400
    assert "birth" in response.json()["extra"]["fields"]["identified_on"][0]


@pytest.mark.parametrize("name", ["Juana\x07 Mamani", "Juana\u0085Mamani", "Juana\nMamani"])
def test_names_with_control_characters_are_refused(identifier, child_person, case_data, name) -> None:
    before = _counts()
    person = {**child_person, "names": [{"name": name}]}
    response = _post(_client(identifier), reverse("api:case-list"), {"person": person, **case_data})
    assert response.status_code == 400, response.content
    assert "names.0.name" in response.json()["extra"]["fields"]
    assert _counts() == before


def test_unknown_fields_inside_the_person_are_refused(identifier, child_person, case_data) -> None:
    person = {**child_person, "nickname": "Juani"}
    response = _post(_client(identifier), reverse("api:case-list"), {"person": person, **case_data})
    assert response.status_code == 400
    # A nested field is named by its path, with a list of messages like any other.
    assert response.json()["extra"]["fields"] == {"person.nickname": ["This field is not accepted here."]}


def test_writes_need_the_version(case_manager, child_case) -> None:
    response = _post(
        _client(case_manager), _case_url(child_case.pk, "events"), {"event_type": "Transit", "country": "BO"}
    )
    assert response.status_code == 400 and "version" in response.json()["extra"]["fields"]
    assert not child_case.events.exists()


def test_journal_entries_are_never_changed(case_manager, child_case) -> None:
    client = _client(case_manager)
    url = _case_url(child_case.pk, "journal")
    entry = _post(client, url, {"text": "Spoke with the shelter."}).json()
    for method in ("put", "patch", "delete"):
        response = _post(client, url, {"id": entry["id"], "text": "Rewritten."}, method)
        assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"
    assert client.delete(f"{url}{entry['id']}/").status_code == 404  # no URL for a single entry at all
    assert [e.text for e in JournalEntry.objects.filter(case=child_case)] == ["Spoke with the shelter."]


def _upload(client: Client, case: Case, name: str, content: bytes) -> Any:
    upload = SimpleUploadedFile(name, content, content_type="application/octet-stream")
    return client.post(_case_url(case.pk, "attachments"), {"file": upload})


def test_attachments_too_big_or_of_the_wrong_type_are_refused(case_manager, child_case, settings) -> None:
    settings.TIPSOM_ATTACHMENT_MAX_BYTES = 1024
    client = _client(case_manager)
    too_big = _upload(client, child_case, "scan.pdf", PDF + b"0" * 2048)
    assert too_big.status_code == 400 and "too big" in too_big.json()["extra"]["fields"]["file"][0]
    wrong = _upload(client, child_case, "notes.pdf", b"MZ\x90\x00 not a pdf at all")
    assert wrong.status_code == 400 and "file" in wrong.json()["extra"]["fields"]
    as_json = _post(client, _case_url(child_case.pk, "attachments"), {"file": "JVBERi0="})
    assert as_json.status_code == 415
    assert not child_case.attachments.exists()
    assert _upload(client, child_case, "scan.pdf", PDF).status_code == 201


def test_free_text_is_masked_until_revealed_with_a_reason(case_manager, child_case) -> None:
    client = _client(case_manager)
    url = _case_url(child_case.pk, "journal")
    _post(client, url, {"text": "Juana's aunt called from La Paz."})
    assert client.get(url).json()["results"][0]["text"] == MASKED
    short = client.get(url, HTTP_X_REVEAL_REASON="x")
    assert short.status_code == 400 and short.json()["code"] == "reason_required"
    revealed = client.get(url, HTTP_X_REVEAL_REASON="Preparing the court hearing")
    assert revealed.json()["results"][0]["text"] == "Juana's aunt called from La Paz."
    event = AuditEvent.objects.filter(action="reveal").latest("sequence")
    assert (event.reason, event.changes, event.object_id) == (
        "Preparing the court hearing",
        {"fields": ["journal"]},
        str(child_case.pk),
    )
    assert "La Paz" not in json.dumps(event.changes)


def test_a_long_journal_is_paged_newest_first(case_manager, child_case) -> None:
    from tipsom.cases import services

    for number in range(1, 61):
        services.journal_add(actor=case_manager, case_id=child_case.pk, text=f"Note {number}")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = _client(case_manager)
    seen: list[str]
    url, seen, reveal, queries = _case_url(child_case.pk, "journal"), [], "Preparing the court hearing", []
    while url:
        with CaptureQueriesContext(connection) as captured:
            page = client.get(url, {"page_size": 25} if not seen else {}, HTTP_X_REVEAL_REASON=reveal)
        queries.append(len(captured))
        assert page.status_code == 200 and set(page.json()) == {"next", "previous", "results"}
        assert len(page.json()["results"]) <= 25
        seen += [row["text"] for row in page.json()["results"]]
        url = page.json()["next"]
    assert seen == [f"Note {number}" for number in range(60, 0, -1)]  # every note once, newest first
    assert len(set(queries)) == 1, queries  # the same queries for every page, whatever the journal's size
    assert AuditEvent.objects.filter(action="reveal", object_id=str(child_case.pk)).count() == 3  # one per page
    garbled = client.get(_case_url(child_case.pk, "journal"), {"cursor": "not-a-cursor"})
    assert garbled.status_code == 400 and garbled.json()["code"] == "invalid_cursor"
    assert set(garbled.json()["extra"]["fields"]) == {"cursor"}


def test_coordinators_see_cases_but_no_text(child_case) -> None:
    coordinator = make_user(make_organization("BR"), roles=("national_coordinator",))
    client = _client(coordinator)
    assert client.get(_case_url(child_case.pk)).status_code == 200
    assert client.get(_case_url(child_case.pk, "journal"), HTTP_X_REVEAL_REASON="Curious about it").status_code == 404
    assert _post(client, _case_url(child_case.pk), {"version": 1, "region": "BR-SP"}, "patch").status_code == 404
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_the_list_never_includes_names_and_filters(case_manager, home_org, child_case) -> None:
    make_case(home_org, exploitation_types=["SexualExploitation"])
    client = _client(case_manager)
    response = client.get(reverse("api:case-list"))
    text = response.content.decode()
    assert len(response.json()["results"]) == 2
    for name in ("Juana", "Mamani", "Maria", "Flores"):
        assert name not in text
    assert all("names" not in row["person"] and "birth_date" not in row["person"] for row in response.json()["results"])

    def numbers(**params: Any) -> set[str]:
        found = client.get(reverse("api:case-list"), params)
        assert found.status_code == 200, found.content
        return {row["case_number"] for row in found.json()["results"]}

    assert numbers(is_child="true") == {child_case.case_number}
    assert numbers(exploitation="ForcedLabour") == {child_case.case_number}
    assert numbers(q="Juana Mamani Quispe") == {child_case.case_number}  # blind-index name search
    assert numbers(q=child_case.case_number) == {child_case.case_number}
    assert len(numbers(citizenship="BO", identified_from="2026-10-01", identified_to="2026-10-31")) == 2
    bad = client.get(reverse("api:case-list"), {"status": "Sleeping"})
    assert bad.status_code == 400 and "status" in bad.json()["extra"]["fields"]


def test_the_list_costs_the_same_queries_at_any_size(case_manager, home_org, django_assert_max_num_queries) -> None:
    # Session, user, second factor, grants and one query for the page: no query per row, whatever the size.
    client = _client(case_manager)
    make_case(home_org)
    with django_assert_max_num_queries(10):
        assert len(client.get(reverse("api:case-list")).json()["results"]) == 1
    for _ in range(12):
        make_case(home_org, child=True)
    with django_assert_max_num_queries(10):
        assert len(client.get(reverse("api:case-list")).json()["results"]) == 13


def test_the_list_never_counts(case_manager, home_org) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_case(home_org)
    client = _client(case_manager)
    with CaptureQueriesContext(connection) as captured:
        body = client.get(reverse("api:case-list"), {"page_size": 1}).json()
    assert "count" not in body and set(body) == {"next", "previous", "results"}
    assert not any("COUNT(" in query["sql"].upper() for query in captured.captured_queries)


def test_sub_records_of_another_case_are_missing(case_manager, home_org, child_case) -> None:
    other = make_case(home_org)
    attachment = _upload(_client(case_actor(other)), other, "scan.pdf", PDF).json()
    url = _case_url(child_case.pk, "attachment-download", attachment_id=attachment["id"])
    assert _client(case_manager).get(url).status_code == 404


def test_downloads_are_audited(case_manager, child_case) -> None:
    client = _client(case_manager)
    attachment = _upload(client, child_case, "passport scan.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 20).json()
    assert attachment["filename"] == MASKED and attachment["content_type"] == "image/png"
    response = client.get(_case_url(child_case.pk, "attachment-download", attachment_id=attachment["id"]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert AuditEvent.objects.filter(action="case.attachment_download", object_id=str(child_case.pk)).count() == 1


def test_closing_a_childs_case_without_a_guardian_is_refused(case_manager, child_case) -> None:
    closing = {"version": child_case.version, "reason": "services_completed", "closed_on": "2026-11-01"}
    response = _post(_client(case_manager), _case_url(child_case.pk, "close"), closing)
    assert response.status_code == 400 and response.json()["code"] == "child_steps_incomplete"
    assert Case.objects.get(pk=child_case.pk).status == "Active"
    assert ChildProtection.objects.get(case=child_case).guardian_name == ""


# --- OpenAPI ------------------------------------------------------------------------------------------------
def test_schema_documents_cases_and_persons_without_warnings(tmp_path: Path) -> None:
    target = tmp_path / "schema.yaml"
    stderr = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target), stderr=stderr)
    assert "Warning" not in stderr.getvalue() and "Error" not in stderr.getvalue()
    paths = yaml.safe_load(target.read_text())["paths"]
    for path, methods in {
        "/api/v1/cases/": {"get", "post"},
        "/api/v1/cases/{id}/": {"get", "patch"},
        "/api/v1/cases/{id}/journal/": {"get", "post"},
        "/api/v1/cases/{id}/decisions/{decision_id}/review/": {"post"},
        "/api/v1/cases/{id}/attachments/{attachment_id}/download/": {"get"},
        "/api/v1/cases/{id}/child/": {"get", "patch"},
        "/api/v1/cases/{id}/team/": {"put"},
        "/api/v1/persons/": {"get"},
        "/api/v1/persons/{id}/": {"get", "patch"},
        "/api/v1/persons/{id}/reveal/": {"post"},
    }.items():
        assert path in paths, path
        assert set(paths[path]) - {"parameters"} == methods, (path, set(paths[path]))
    create = paths["/api/v1/cases/"]["post"]
    assert {"201", "400", "401", "404", "409"} <= set(create["responses"])
    journal = paths["/api/v1/cases/{id}/journal/"]["get"]
    # A part of a case is paged like every list, and takes none of the case list's filters.
    assert {p["name"] for p in journal["parameters"]} == {"id", "X-Reveal-Reason", "cursor", "page_size"}
    assert journal["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith(
        "/PaginatedJournalEntryList"
    )
    download = paths["/api/v1/cases/{id}/attachments/{attachment_id}/download/"]["get"]["responses"]
    assert set(download["200"]["content"]) == {"application/pdf", "image/jpeg", "image/png"}
    assert set(download["404"]["content"]) == {"application/json"}


def test_the_api_refuses_som_vulnerabilities_on_a_trafficking_case(identifier, child_person, case_data) -> None:
    client = _client(identifier)
    before = _counts()
    screening = {"acts": ["recruitment"], "som_vulnerabilities": ["abandoned"]}
    response = _post(client, reverse("api:case-list"), {"person": child_person, "screening": screening, **case_data})
    assert response.status_code == 400, response.content
    assert "screening.som_vulnerabilities" in response.json()["extra"]["fields"]
    assert _counts() == before
