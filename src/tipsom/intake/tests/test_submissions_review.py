"""An identifier's review of field submissions (issue 14, item 5): accept (the ordinary registration), merge into a
person already registered, correct then accept, reject with a reason; a decided submission is refused; the draft is
masked until an audited reveal; the registry check as at registration. Every screen as anonymous, unpermitted,
other-organization and permitted users (AccessCase)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.cases.models import Case, Consent
from tipsom.core.errors import ApplicationError, Conflict, NotFound
from tipsom.intake.models import FieldForm, ImportJob, Submission
from tipsom.intake.submissions import services
from tipsom.intake.submissions.selectors import pending_count
from tipsom.intake.submissions.testing import make_submission
from tipsom.intake.tests.submission_support import identifier, publish_form
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.people.models import Person
from tipsom.people.services import person_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def organization(field_form: Any) -> Organization:
    return make_organization("BR", name="Inspeção do Trabalho (test)", region="BR-MT")


@pytest.fixture
def user(organization: Organization) -> Any:
    return identifier(organization)


def draft_name(submission: Submission) -> str:
    return str(services.submission_registration(submission)["person"]["names"][0]["name"])


# --- Services ---------------------------------------------------------------------------------------------------


def test_accept_registers_the_case_through_the_ordinary_registration(user, organization):
    submission = make_submission(organization)
    decided = services.submission_accept(actor=user, submission_id=submission.pk)
    assert decided.status == Submission.Status.ACCEPTED
    assert decided.case_id is not None
    case = Case.objects.get(pk=decided.case_id)
    assert case.owner_organization_id == organization.pk and case.case_owner_id == user.pk
    assert decided.person_id == case.person_id
    assert case.person.names.get(kind="primary").name == draft_name(submission)
    assert set(Consent.objects.filter(case=case).values_list("purpose", flat=True)) == {
        "data_processing",
        "referral",
        "statistics",
        "follow_up",
    }
    assert case.screenings.count() == 1
    assert AuditEvent.objects.filter(action="case.create", object_id=str(case.pk)).exists()
    event = AuditEvent.objects.get(action="intake.submission_accept")
    assert event.object_id == str(submission.pk) and draft_name(submission) not in json.dumps(event.changes)
    with pytest.raises(Conflict):
        services.submission_accept(actor=user, submission_id=submission.pk)
    assert Case.objects.count() == 1


def test_merge_registers_the_case_for_the_person_already_registered(user, organization):
    existing = person_create(actor=user, organization=organization, names=["Maria Souza"], gender="Feminine")
    submission = make_submission(organization)
    decided = services.submission_merge(actor=user, submission_id=submission.pk, person_id=existing.pk)
    assert decided.status == Submission.Status.MERGED and decided.person_id == existing.pk
    assert Case.objects.get().person_id == existing.pk
    assert Person.objects.count() == 1
    with pytest.raises(Conflict):
        services.submission_reject(actor=user, submission_id=submission.pk, reason="A duplicate of another.")


def test_merge_into_a_person_the_identifier_may_not_change_is_refused(user, organization):
    other = make_organization("BR", name="Abrigo (other)")
    hidden = person_create(actor=None, organization=other, names=["Maria Souza"], gender="Feminine")
    submission = make_submission(organization)
    with pytest.raises(NotFound):
        services.submission_merge(actor=user, submission_id=submission.pk, person_id=hidden.pk)
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PENDING and Case.objects.count() == 0


def test_accept_with_the_identifiers_corrections(user, organization):
    submission = make_submission(organization)
    draft = services.submission_registration(submission)
    draft["person"]["names"] = [{"name": "Joana Corrigida", "kind": "primary"}]
    draft["case"]["region"] = "BR-SP"
    decided = services.submission_accept(actor=user, submission_id=submission.pk, registration=draft)
    assert decided.case_id is not None
    case = Case.objects.get(pk=decided.case_id)
    assert case.region == "BR-SP" and case.person.names.get().name == "Joana Corrigida"


def test_a_refused_registration_leaves_the_submission_waiting_and_nothing_written(user, organization):
    submission = make_submission(organization)
    draft = services.submission_registration(submission)
    draft["screening"]["som_vulnerabilities"] = ["pregnant"]  # on a trafficking case: refused by the registration
    with pytest.raises(ApplicationError) as refused:
        services.submission_accept(actor=user, submission_id=submission.pk, registration=draft)
    assert "screening.som_vulnerabilities" in refused.value.extra["fields"]
    submission.refresh_from_db()
    assert submission.status == Submission.Status.PENDING
    assert Case.objects.count() == 0 and Person.objects.count() == 0


def test_reject_needs_a_reason_and_keeps_it_encrypted(user, organization):
    submission = make_submission(organization)
    with pytest.raises(ApplicationError) as refused:
        services.submission_reject(actor=user, submission_id=submission.pk, reason="  ")
    assert "reason" in refused.value.extra["fields"]
    with pytest.raises(ApplicationError):
        services.submission_reject(actor=user, submission_id=submission.pk, reason="Test\u202e")
    decided = services.submission_reject(actor=user, submission_id=submission.pk, reason="Test submission by Ana.")
    assert decided.status == Submission.Status.REJECTED and decided.reject_reason == "Test submission by Ana."
    with connection.cursor() as cursor:
        cursor.execute("SELECT reject_reason FROM intake_submission WHERE id = %s", [submission.pk])
        [raw] = cursor.fetchone()
    assert raw.startswith("enc1:") and "Ana" not in raw  # the column as stored: encrypted
    assert AuditEvent.objects.filter(action="intake.submission_reject").exists()


def test_services_refuse_other_organizations_and_unpermitted_roles(organization):
    submission = make_submission(organization)
    outsider = identifier(make_organization("BR", name="Outra (test)"))
    unpermitted = make_user(organization, roles=("me_officer",))
    for actor in (outsider, unpermitted):
        with pytest.raises(NotFound):
            services.submission_accept(actor=actor, submission_id=submission.pk)
        with pytest.raises(NotFound):
            services.submission_reject(actor=actor, submission_id=submission.pk, reason="Not for us at all.")
        with pytest.raises(NotFound):
            services.submission_reveal(actor=actor, submission_id=submission.pk, reason="To check the spelling.")


def test_reveal_is_audited_with_its_reason(user, organization):
    submission = make_submission(organization)
    with pytest.raises(ApplicationError):
        services.submission_reveal(actor=user, submission_id=submission.pk, reason="test")
    revealed = services.submission_reveal(actor=user, submission_id=submission.pk, reason="To compare with a case.")
    assert revealed["person"]["names"][0]["name"] == draft_name(submission)
    event = AuditEvent.objects.get(action="reveal", object_type="intake.submission")
    assert event.changes == {"fields": ["registration"]}


def test_the_menu_badge_counts_the_waiting_submissions(user, organization):
    make_submission(organization)
    decided = make_submission(organization)
    services.submission_reject(actor=user, submission_id=decided.pk, reason="A test submission only.")
    assert pending_count(user) == 1
    assert pending_count(make_user(organization, roles=("me_officer",))) is None


# --- Screens ----------------------------------------------------------------------------------------------------


def client_for(user: Any) -> Client:
    return sign_in(Client(), user)


def test_the_page_masks_the_draft_and_the_reveal_shows_it(user, organization):
    submission = make_submission(organization)
    name = draft_name(submission)
    client = client_for(user)
    page = client.get(reverse("intake:submission", kwargs={"pk": submission.pk}))
    assert page.status_code == 200
    assert name.encode() not in page.content and name.split()[0].encode() not in page.content
    assert b"Accept and register the case" in page.content
    shown = client.post(
        reverse("intake:submission_reveal", kwargs={"pk": submission.pk}), {"reason": "To call her back today."}
    )
    assert shown.status_code == 200 and name.encode() in shown.content
    queue = client.get(reverse("intake:submissions"))
    assert f'data-submission="{submission.pk}"'.encode() in queue.content and name.encode() not in queue.content


def test_a_possible_match_is_shown_and_used_as_at_registration(user, organization):
    submission = make_submission(organization)
    existing = person_create(
        actor=user,
        organization=organization,
        **{
            key: value
            for key, value in services.submission_registration(submission)["person"].items()
            if key in ("names", "gender", "birth_date", "birth_date_precision", "citizenships")
        },
    )
    client = client_for(user)
    url = reverse("intake:submission", kwargs={"pk": submission.pk})
    page = client.get(url)
    assert b"match-candidates" in page.content and f'data-person="{existing.pk}"'.encode() in page.content
    accept = reverse("intake:submission_accept", kwargs={"pk": submission.pk})
    refused = client.post(accept)  # neither a person chosen nor "a new person anyway"
    assert refused.status_code == 409
    done = client.post(accept, {"use_person": existing.pk})
    case = Case.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("cases:detail", kwargs={"pk": case.pk})
    assert case.person_id == existing.pk
    submission.refresh_from_db()
    assert submission.status == Submission.Status.MERGED


def test_correct_then_accept_reveals_first_and_uses_the_registration_forms(user, organization):
    submission = make_submission(organization)
    client = client_for(user)
    url = reverse("intake:submission_correct", kwargs={"pk": submission.pk})
    asked = client.get(url)
    assert asked.status_code == 200 and draft_name(submission).encode() not in asked.content
    opened = client.post(url, {"reveal": "1", "reason": "To fix the spelling of the name."})
    assert opened.status_code == 200 and draft_name(submission).encode() in opened.content
    assert AuditEvent.objects.filter(action="reveal", object_type="intake.submission").count() == 1
    form = opened.context["forms"]
    data: dict[str, Any] = {"save": "1", "match_ack": "1"}
    for bound in form.values():
        for name in bound.fields:
            value = bound[name].value()
            if value in (None, ""):
                continue
            data[name] = value
    data["name"] = "Joana Corrigida Dasilva"
    data["identified_on"] = str(data["identified_on"])
    saved = client.post(url, data)
    assert saved.status_code == 302, saved.content[:3000]
    case = Case.objects.get()
    assert case.person.names.get(kind="primary").name == "Joana Corrigida Dasilva"


def test_reject_from_the_page_needs_a_reason(user, organization):
    submission = make_submission(organization)
    client = client_for(user)
    url = reverse("intake:submission_reject", kwargs={"pk": submission.pk})
    assert client.post(url, {"reason": ""}).status_code == 400
    done = client.post(url, {"reason": "A training submission."})
    assert done.status_code == 302
    submission.refresh_from_db()
    assert submission.status == Submission.Status.REJECTED


def test_upload_an_export_starts_its_import(user, organization, field_form):
    from tipsom.intake.submissions.testing import odk_csv, submission_answers

    data = odk_csv([submission_answers(field_form, number=1)], form=field_form)
    client = client_for(user)
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client.post(
        reverse("intake:submission_upload"), {"file": SimpleUploadedFile("export.csv", data, "text/csv")}
    )
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("intake:job", kwargs={"pk": job.pk})
    assert job.kind == ImportJob.Kind.SUBMISSIONS and job.task_id
    assert client.get(response["Location"]).status_code == 200  # the import's page follows its progress
    refused = client.post(
        reverse("intake:submission_upload"), {"file": SimpleUploadedFile("register.csv", b"Nome,Sexo\nAna,F\n")}
    )
    assert refused.status_code == 400 and "tipsom_FormId" in refused.content.decode()
    assert ImportJob.objects.count() == 1  # nothing kept of a file that is not an export of the form


def test_the_field_form_downloads_as_published(user, field_form):
    response = client_for(user).get(reverse("intake:field_form"))
    assert response.status_code == 200 and bytes(response.content) == bytes(field_form.xlsx)
    assert "tipsom_identification_br" in response["Content-Disposition"]


# --- Access to every screen ---------------------------------------------------------------------------------------


class SubmissionAccess(AccessCase):
    permitted_role = "frontline_identifier"

    @pytest.fixture(autouse=True)
    def _form(self, form_key_file: Any) -> None:
        publish_form("BR")

    def make_object(self, organization: Organization) -> Any:
        return make_submission(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}


class TestSubmissionList(AccessCase):
    url_name = "intake:submissions"
    permitted_role = "frontline_identifier"


class TestSubmissionDetail(SubmissionAccess):
    url_name = "intake:submission"
    model = Submission

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert draft_name(obj).encode() not in response.content


class TestSubmissionAccept(SubmissionAccess):
    url_name = "intake:submission_accept"
    method = "post"
    permitted_status = 302

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"match_ack": "1"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        obj.refresh_from_db()
        assert obj.status == Submission.Status.ACCEPTED


class TestSubmissionReject(SubmissionAccess):
    url_name = "intake:submission_reject"
    method = "post"
    permitted_status = 302

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"reason": "A training submission."}


class TestSubmissionReveal(SubmissionAccess):
    url_name = "intake:submission_reveal"


class TestSubmissionCorrect(SubmissionAccess):
    url_name = "intake:submission_correct"


class TestSubmissionUpload(AccessCase):
    url_name = "intake:submission_upload"
    permitted_role = "frontline_identifier"


class TestFieldFormDownload(AccessCase):
    url_name = "intake:field_form"
    permitted_role = "frontline_identifier"
    scope = "national"  # one form per country: an identifier of another country's deployment has none
    model = FieldForm

    @pytest.fixture(autouse=True)
    def _key(self, form_key_file: Any) -> None:
        pass

    def make_object(self, organization: Organization) -> Any:
        return publish_form(organization.country)


# --- The API --------------------------------------------------------------------------------------------------------


def api_client(user: Any) -> Client:
    from tipsom.accounts.services import api_token_create

    _token, key = api_token_create(actor=user)
    return Client(HTTP_AUTHORIZATION=f"Token {key}")


def test_the_api_lists_masked_drafts_and_takes_decisions(user, organization):
    waiting = make_submission(organization)
    other = make_submission(organization)
    client = api_client(user)
    listed = client.get(reverse("api:intake-submission-list"))
    assert listed.status_code == 200
    rows = listed.json()["results"]
    assert {row["id"] for row in rows} == {waiting.pk, other.pk}
    assert draft_name(waiting) not in listed.content.decode() and rows[0]["draft"]["names"] == ["••••••"]
    assert client.get(reverse("api:intake-submission-list"), {"status": "nothing"}).status_code == 400
    accepted = client.post(reverse("api:intake-submission-accept", kwargs={"pk": waiting.pk}), {}, "application/json")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted" and accepted.json()["case_number"]
    again = client.post(reverse("api:intake-submission-reject", kwargs={"pk": waiting.pk}), {"reason": "Too late."})
    assert again.status_code == 409
    refused = client.post(
        reverse("api:intake-submission-reject", kwargs={"pk": other.pk}), {"reason": ""}, "application/json"
    )
    assert refused.status_code == 400 and "reason" in refused.json()["extra"]["fields"]
    decided = client.get(reverse("api:intake-submission-list"), {"status": "decided"}).json()["results"]
    assert [row["id"] for row in decided] == [waiting.pk]


class ApiSubmissionAccess(SubmissionAccess):
    pass


class TestApiSubmissionList(AccessCase):
    url_name = "api:intake-submission-list"
    permitted_role = "frontline_identifier"


class TestApiSubmissionDetail(ApiSubmissionAccess):
    url_name = "api:intake-submission-detail"


class TestApiSubmissionAccept(ApiSubmissionAccess):
    url_name = "api:intake-submission-accept"
    method = "post"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {}


class TestApiSubmissionReject(ApiSubmissionAccess):
    url_name = "api:intake-submission-reject"
    method = "post"

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"reason": "A training submission."}


def test_the_queue_reads_a_fixed_number_of_queries(user, organization):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(user)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("intake:submissions")).status_code == 200
        return len(captured.captured_queries)

    for _ in range(3):
        make_submission(organization)
    few = queries()
    for _ in range(27):
        make_submission(organization)
    assert queries() == few


def test_the_audit_screen_names_submissions_and_their_actions(user, organization):
    from tipsom.core.labels import audit_action_label
    from tipsom.core.registry import registry

    submission = make_submission(organization)
    labels = registry["audit_object_labels"]["intake.submission"].labels([str(submission.pk), "x"])
    assert labels == {
        str(submission.pk): (f"Submission {submission.pk}", reverse("intake:submission", kwargs={"pk": submission.pk}))
    }
    assert audit_action_label("intake.submission_accept") == "Field submission accepted (case registered)"
    assert audit_action_label("intake.submissions_import") == "Field submissions imported"
