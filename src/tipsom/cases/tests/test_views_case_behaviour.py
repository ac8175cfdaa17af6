"""The case page at work: optimistic locking, attachments, the child track, the journal, approval, masking, and
the number of queries each tab costs."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tipsom.accounts.models import User
from tipsom.accounts.testing import make_user, sign_in
from tipsom.cases import services
from tipsom.cases.models import (
    ACTUAL_VICTIM,
    Attachment,
    Case,
    ChildProtection,
    ClosureRequest,
    Consent,
    JournalEntry,
    StatusDecision,
)
from tipsom.cases.tests.test_views_case import PDF, make_case, registrar
from tipsom.cases.urls import case as case_urls
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
STALE = b"Someone else changed this case"


@pytest.fixture
def org() -> Any:
    return make_organization("BR")


@pytest.fixture
def case(org: Any) -> Case:
    return make_case(org)


@pytest.fixture
def manager(case: Case) -> Any:
    """The case manager who registered the case."""
    return registrar(case)


@pytest.fixture
def client(manager: Any) -> Client:
    return sign_in(Client(), manager)


def url(name: str, case: Case, **kwargs: Any) -> str:
    return reverse(f"cases:{name}", kwargs={"pk": case.pk, **kwargs})


# Optimistic locking ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_a_stale_version_answers_409_and_changes_nothing(client: Client, case: Case, manager: Any, headers: Any):
    services.journal_add(actor=manager, case_id=case.pk, text="unrelated")  # journal notes do not move the version
    services.case_set_status(actor=manager, case_id=case.pk, version=case.version, status="FollowUp")
    stale = case.version
    response = client.post(
        url("edit", case),
        {"version": stale, "case_type": "som", "origin_country": "NP", "destination_country": "BR"},
        headers=headers,
    )
    assert response.status_code == 409
    assert STALE in response.content
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.case_type, fresh.origin_country, fresh.version) == ("tip", "BO", stale + 1)
    if headers:
        # HTMX puts the form with its error in place of the form, not of the whole tab.
        assert response["HX-Retarget"] == "#form-edit"
        assert b"<html" not in response.content


def test_an_action_with_htmx_answers_the_tab_with_the_new_version(client: Client, case: Case):
    response = client.post(
        url("event", case),
        {
            "version": case.version,
            "event_type": "Recruitment",
            "country": "BO",
            "place": "El Alto",
            "start_date": "2024-05-01",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    fresh = Case.objects.get(pk=case.pk)
    assert fresh.version == case.version + 1
    assert f'name="version" value="{fresh.version}"'.encode() in response.content
    assert f'name="version" value="{case.version}"'.encode() not in response.content
    assert b'data-tab="identification"' in response.content
    assert b'id="case-header" class="case-header" hx-swap-oob="true"' in response.content
    assert b"El Alto" in response.content


def test_a_refused_action_without_htmx_renders_the_page_with_the_errors(client: Client, case: Case):
    response = client.post(url("event", case), {"version": case.version, "event_type": "Recruitment", "country": ""})
    assert response.status_code == 400
    assert b"error-summary" in response.content
    assert b'data-tab="identification"' in response.content
    assert not case.events.exists()


# Attachments ----------------------------------------------------------------------------------------------------


def test_a_renamed_executable_is_refused_and_nothing_saved(client: Client, case: Case):
    exe = SimpleUploadedFile("invoice.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200, "application/pdf")
    response = client.post(url("attachment", case), {"file": exe}, headers=HTMX)
    assert response.status_code == 400
    assert b"This type of file is not accepted" in response.content
    assert not Attachment.objects.filter(case=case).exists()


def test_an_oversized_attachment_is_refused_and_nothing_saved(client: Client, case: Case, settings: Any):
    settings.TIPSOM_ATTACHMENT_MAX_BYTES = 1024
    big = SimpleUploadedFile("scan.pdf", PDF + b"0" * 2048, "application/pdf")
    response = client.post(url("attachment", case), {"file": big})
    assert response.status_code == 400
    assert b"The file is too big" in response.content
    assert not Attachment.objects.filter(case=case).exists()


def test_an_attachment_is_stored_and_listed_for_the_team(client: Client, case: Case):
    upload = SimpleUploadedFile("medical report.pdf", PDF, "application/pdf")
    response = client.post(url("attachment", case), {"file": upload}, headers=HTMX)
    assert response.status_code == 200
    attachment = Attachment.objects.get(case=case)
    assert attachment.content_type == "application/pdf"
    assert b"medical report.pdf" in response.content
    assert url("attachment_download", case, attachment_id=attachment.pk).encode() in response.content


# The child track --------------------------------------------------------------------------------------------------


def test_closing_a_childs_case_without_a_guardian_shows_the_error(org: Any):
    case = make_case(org, child=True)
    client = sign_in(Client(), registrar(case))
    response = client.post(
        url("close", case),
        {"version": case.version, "status": "Closed", "reason": "services_completed", "closed_on": "2025-04-01"},
        headers=HTMX,
    )
    assert response.status_code == 400
    assert b"No guardian has been appointed." in response.content
    assert Case.objects.get(pk=case.pk).status == "Active"
    assert not ClosureRequest.objects.filter(case=case).exists()


def test_the_child_tab_lists_what_closure_still_needs(org: Any):
    case = make_case(org, child=True)
    client = sign_in(Client(), registrar(case))
    response = client.get(url("tab", case, tab="child"), headers=HTMX)
    assert response.status_code == 200
    assert b"The child protection agency has not been notified." in response.content
    assert b"No guardian has been appointed." in response.content
    # An adult's case has no child tab.
    adult = make_case(org)
    assert client.get(url("tab", adult, tab="child")).status_code == 404
    assert url("tab", adult, tab="child").encode() not in client.get(url("detail", adult)).content


def test_a_childs_consent_given_by_the_child_is_refused(org: Any):
    case = make_case(org, child=True)
    client = sign_in(Client(), registrar(case))
    response = client.post(
        url("consent", case),
        {
            "version": case.version,
            "purpose": "statistics",
            "given": "given",
            "recorded_on": "2025-03-02",
            "given_by": "person",
        },
        headers=HTMX,
    )
    assert response.status_code == 400
    assert b"For a child, a guardian or parent gives or withdraws consent." in response.content
    assert not Consent.objects.filter(case=case).exists()


# The journal ------------------------------------------------------------------------------------------------------


def test_journal_notes_are_appended_never_edited(client: Client, case: Case):
    names = {pattern.name for pattern in case_urls.urlpatterns}
    assert {name for name in names if "journal" in name} == {"journal"}
    with pytest.raises(NoReverseMatch):
        reverse("cases:journal_edit", kwargs={"pk": case.pk, "entry_id": 1})
    for _round in range(2):
        response = client.post(url("journal", case), {"text": "Called the shelter."})
        assert response.status_code == 302
    entries = JournalEntry.objects.filter(case=case)
    assert [entry.text for entry in entries] == ["Called the shelter.", "Called the shelter."]
    page = client.get(url("tab", case, tab="journal"), headers=HTMX)
    assert page.content.count(b"Called the shelter.") == 2


# Approval ---------------------------------------------------------------------------------------------------------


def test_a_supervisor_approves_a_pending_actual_decision(org: Any, case: Case, manager: Any):
    decision = services.case_decide_status(
        actor=manager,
        case_id=case.pk,
        status=ACTUAL_VICTIM,
        decided_on="2025-03-05",
        deciding_organization_type="NGO",
        basis="Labour inspection report",
    )
    assert decision.approval == StatusDecision.Approval.PENDING
    review_url = url("decision_review", case, decision_id=decision.pk)

    # The case manager sees the pending badge but no approve button, and may not approve.
    manager_client = sign_in(Client(), manager)
    assert b"data-pending-approval" in manager_client.get(url("detail", case)).content
    assert review_url.encode() not in manager_client.get(url("tab", case, tab="identification")).content
    assert manager_client.post(review_url, {"decision": "approve"}).status_code == 404

    supervisor = make_user(org, roles=("case_supervisor",))
    client = sign_in(Client(), supervisor)
    assert review_url.encode() in client.get(url("tab", case, tab="identification"), headers=HTMX).content
    response = client.post(review_url, {"decision": "approve", "comment": ""}, headers=HTMX)
    assert response.status_code == 200
    assert b"The review was saved." in response.content
    assert Case.objects.get(pk=case.pk).trafficking_status == ACTUAL_VICTIM
    assert StatusDecision.objects.get(pk=decision.pk).approved_by == supervisor
    assert b"data-pending-approval" not in response.content


def test_rejecting_without_a_comment_is_refused(org: Any, case: Case, manager: Any):
    decision = services.case_decide_status(
        actor=manager,
        case_id=case.pk,
        status=ACTUAL_VICTIM,
        decided_on="2025-03-05",
        deciding_organization_type="NGO",
        basis="Labour inspection report",
    )
    client = sign_in(Client(), make_user(org, roles=("case_supervisor",)))
    response = client.post(url("decision_review", case, decision_id=decision.pk), {"decision": "reject"})
    assert response.status_code == 400
    assert StatusDecision.objects.get(pk=decision.pk).approval == StatusDecision.Approval.PENDING


# Who sees what --------------------------------------------------------------------------------------------------


def test_the_national_coordinator_sees_masked_texts_and_no_controls(org: Any, case: Case, manager: Any):
    services.journal_add(actor=manager, case_id=case.pk, text="Secret note about the aunt")
    services.event_add(
        actor=manager,
        case_id=case.pk,
        version=Case.objects.get(pk=case.pk).version,
        event_type="Exploitation",
        country="BR",
        place="Fazenda Boa Vista",
    )
    coordinator = make_user(make_organization("BR"), roles=("national_coordinator",))
    client = sign_in(Client(), coordinator)

    page = client.get(url("detail", case))
    assert page.status_code == 200
    assert case.case_number.encode() in page.content
    assert b"data-reveal-identity" not in page.content
    assert b"Aparecida" not in page.content
    assert url("edit", case).encode() not in page.content
    assert b"hx-post" not in page.content

    identification = client.get(url("tab", case, tab="identification"), headers=HTMX).content
    assert b"Fazenda Boa Vista" not in identification
    assert b"Met at a farm" not in identification
    assert "••••".encode() in identification
    assert b"hx-post" not in identification
    journal = client.get(url("tab", case, tab="journal"), headers=HTMX).content
    assert b"Secret note" not in journal
    assert "••••".encode() in journal

    version = Case.objects.get(pk=case.pk).version
    for name, data in [
        ("edit", {"version": version, "case_type": "som"}),
        ("journal", {"text": "A coordinator's note"}),
        ("set_status", {"version": version, "status": "FollowUp"}),
        ("event", {"version": version, "event_type": "Transit", "country": "PE"}),
    ]:
        assert client.post(url(name, case), data).status_code == 404, name
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.case_type, fresh.status, fresh.version) == ("tip", "Active", version)
    assert JournalEntry.objects.filter(case=case).count() == 1


def test_the_team_sees_free_text_and_the_reveal_button(client: Client, case: Case, manager: Any):
    services.journal_add(actor=manager, case_id=case.pk, text="Secret note about the aunt")
    page = client.get(url("detail", case)).content
    assert b"data-reveal-identity" in page
    assert reverse("people:reveal", args=[case.person_id]).encode() in page
    assert b"Aparecida" not in page  # the identity stays masked until revealed
    assert b"Secret note about the aunt" in client.get(url("tab", case, tab="journal"), headers=HTMX).content


def test_the_printable_summary_prints_no_identity_and_no_notes(client: Client, case: Case, manager: Any):
    services.journal_add(actor=manager, case_id=case.pk, text="Secret note about the aunt")
    response = client.get(url("summary", case))
    assert response.status_code == 200
    assert b"Forced labour" in response.content
    assert b"Secret note" not in response.content
    assert b"Met at a farm" not in response.content
    assert b"Aparecida" not in response.content
    assert b"data-print" in response.content


def test_a_record_of_another_case_answers_404(client: Client, case: Case, manager: Any, org: Any):
    other = make_case(org, actor=manager)
    task = services.task_add(actor=manager, case_id=other.pk, title="Call", due_on="2025-03-10")
    response = client.post(url("task_done", case, task_id=task.pk), {"version": case.version})
    assert response.status_code == 404
    assert other.tasks.get().done_at is None


# Queries ----------------------------------------------------------------------------------------------------------


def _fill(case: Case, actor: User) -> None:
    for number in range(4):
        version = Case.objects.get(pk=case.pk).version
        services.event_add(
            actor=actor, case_id=case.pk, version=version, event_type="Transit", country="PE", place=f"Stop {number}"
        )
        services.assessment_add(
            actor=actor,
            case_id=case.pk,
            kind="needs",
            assessed_on="2025-03-03",
            level="low",
            needs=["Health"],
            notes=f"note {number}",
        )
        item = services.plan_item_add(actor=actor, case_id=case.pk, support_type="Health", goal=f"goal {number}")
        services.plan_item_set_status(actor=actor, item_id=item.pk, status="in_progress")
        services.service_add(
            actor=actor,
            case_id=case.pk,
            support_type="Health",
            delivered_on="2025-03-04",
            provider_id=case.owner_organization_id,
            outcome="ongoing",
        )
        services.task_add(
            actor=actor, case_id=case.pk, title=f"task {number}", due_on="2025-04-01", assigned_to_id=actor.pk
        )
        services.journal_add(actor=actor, case_id=case.pk, text=f"entry {number}")
        services.attachment_add(actor=actor, case_id=case.pk, filename=f"f{number}.pdf", content=PDF)
        services.consent_record(
            actor=actor,
            case_id=case.pk,
            purpose="statistics",
            given=number % 2 == 0,
            recorded_on="2025-03-02",
            given_by="person",
        )
    services.case_team_set(
        actor=actor,
        case_id=case.pk,
        version=None,
        user_ids=[actor.pk, make_user(case.owner_organization, roles=("case_manager",)).pk],
    )


@pytest.mark.parametrize("tab", ["overview", "identification", "consent", "work", "journal", "attachments"])
def test_the_page_and_its_tabs_run_a_bounded_number_of_queries(
    client: Client, case: Case, manager: Any, tab: str, django_assert_max_num_queries: Any
):
    _fill(case, manager)
    client.get(url("detail", case))  # the session and the user's grants, once
    with django_assert_max_num_queries(29):
        assert client.get(url("tab", case, tab=tab), headers=HTMX).status_code == 200
    with django_assert_max_num_queries(30):
        assert client.get(url("detail", case) + f"?tab={tab}").status_code == 200


def test_the_child_tab_runs_a_bounded_number_of_queries(org: Any, django_assert_max_num_queries: Any):
    case = make_case(org, child=True)
    client = sign_in(Client(), registrar(case))
    with django_assert_max_num_queries(30):
        assert client.get(url("tab", case, tab="child"), headers=HTMX).status_code == 200


# Whole flows through the page --------------------------------------------------------------------------------------


def test_the_child_track_through_the_page(org: Any):
    agency = make_organization("BR", functions=["child_protection"])
    make_organization("BR", functions=["shelter"])  # not a child protection agency: not offered
    case = make_case(org, child=True)
    client = sign_in(Client(), registrar(case))
    tab = client.get(url("tab", case, tab="child"), headers=HTMX).content
    assert f'<option value="{agency.pk}">'.encode() in tab

    response = client.post(
        url("child_notify", case), {"version": case.version, "organization": agency.pk}, headers=HTMX
    )
    assert response.status_code == 200
    assert b"The child protection agency has not been notified." not in response.content
    assert case.organizations.filter(organization=agency).exists()

    version = Case.objects.get(pk=case.pk).version
    response = client.post(
        url("child", case),
        {
            "version": version,
            "guardian_name": "Dra. Helena Costa",
            "guardian_appointed_on": "2025-03-05",
            "best_interests": "completed",
            "best_interests_completed_on": "2025-03-20",
            "family_tracing": "family_found",
            "age_assessment": "not_needed",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    assert b"data-child-ready" in response.content
    assert b"Dra. Helena Costa" in response.content
    track = ChildProtection.objects.get(case=case)
    assert track.has_guardian and track.guardian_name == "Dra. Helena Costa"


def test_a_closed_case_reopens(client: Client, case: Case, manager: Any, settings: Any):
    settings.TIPSOM_CASE_APPROVALS = []
    response = client.post(
        url("close", case),
        {"version": case.version, "status": "Closed", "reason": "services_completed", "closed_on": "2025-04-01"},
    )
    assert response.status_code == 302
    closed = Case.objects.get(pk=case.pk)
    assert closed.status == "Closed"
    page = client.get(url("detail", case)).content
    assert url("edit", case).encode() not in page  # a closed case is reopened before it is changed
    assert url("set_status", case).encode() in page
    response = client.post(url("set_status", case), {"version": closed.version, "status": "Active"}, headers=HTMX)
    assert response.status_code == 200
    assert Case.objects.get(pk=case.pk).status == "Active"
    assert b'data-case-status="Active"' in response.content


@pytest.mark.parametrize("tab", ["overview", "identification", "consent", "work", "child"])
def test_the_forms_of_a_page_have_distinct_field_ids(org: Any, tab: str):
    import re

    case = make_case(org, child=True)
    services.plan_item_add(actor=registrar(case), case_id=case.pk, support_type="Health")
    services.task_add(actor=registrar(case), case_id=case.pk, title="Call", due_on="2025-03-10")
    page = sign_in(Client(), registrar(case)).get(url("detail", case) + f"?tab={tab}").content.decode()
    ids = re.findall(r'\sid="([^"]+)"', page)
    assert len(ids) > 5
    assert len(ids) == len(set(ids)), sorted({i for i in ids if ids.count(i) > 1})
