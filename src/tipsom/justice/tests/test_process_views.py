"""The Process tab and its forms: who may open them, the funnel and the chains shown, and bad input answered with the
error summary and nothing saved."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.justice.models import CaseStage, Charge, CourtDecision, CriminalCase, Suspect
from tipsom.justice.services import process as services
from tipsom.justice.testing import make_criminal_case, make_offence, make_provision, make_suspect
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization


def make_case_with_charge(organization: Organization) -> Charge:
    criminal_case = make_criminal_case(organization)
    make_offence(criminal_case)
    actor = make_user(organization, roles=("prosecutor",))
    return services.charge_add(
        actor=actor, suspect=make_suspect(criminal_case), provision=make_provision("BR"), charged_on="2025-03-03"
    )


class CaseUrl(AccessCase):
    permitted_role = "prosecutor"

    def make_object(self, organization: Organization) -> Any:
        return make_case_with_charge(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.criminal_case_id}


class TestProcessTab(CaseUrl):
    url_name = "justice:process"

    def check_permitted(self, response: Any, obj: Any) -> None:
        html = response.content.decode()
        assert "data-funnel" in html and f'data-charge="{obj.pk}"' in html
        assert "Record a conviction" in html  # a prosecutor records decisions


class TestProcessTabInvestigator(TestProcessTab):
    url_name = "justice:process"
    permitted_role = "investigator"

    def check_permitted(self, response: Any, obj: Any) -> None:
        html = response.content.decode()
        assert f'data-charge="{obj.pk}"' in html and "Record a conviction" not in html


class TestProcessTabNational(TestProcessTab):
    url_name = "justice:process"
    permitted_role = "national_rapporteur"
    scope = "national"

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert "Add a charge" not in response.content.decode()


class TestFormalContactForm(CaseUrl):
    url_name = "justice:process_contact"
    unpermitted_role = "judiciary_liaison"

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.criminal_case_id, "suspect_id": obj.suspect_id}


class TestChargeCreateForm(CaseUrl):
    url_name = "justice:process_charge_create"
    unpermitted_role = "judiciary_liaison"

    def check_permitted(self, response: Any, obj: Any) -> None:
        html = response.content.decode()
        provision = obj.provision
        assert f'value="{provision.pk}"' in html  # the case's country's active provisions


class TestChargeWithdrawForm(CaseUrl):
    url_name = "justice:process_charge_withdraw"
    unpermitted_role = "judiciary_liaison"

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.criminal_case_id, "charge_id": obj.pk}


class TestDecisionForm(CaseUrl):
    url_name = "justice:process_decision_create"
    permitted_role = "judiciary_liaison"
    unpermitted_role = "investigator"  # sees the case, may not record a decision


class TestDecisionFormProsecutor(TestDecisionForm):
    url_name = "justice:process_decision_create"
    permitted_role = "prosecutor"


class TestDecisionRemoveForm(CaseUrl):
    url_name = "justice:process_decision_remove"
    permitted_role = "judiciary_liaison"
    unpermitted_role = "investigator"

    def make_object(self, organization: Organization) -> Any:
        charge = make_case_with_charge(organization)
        return services.decision_record(
            actor=make_user(organization, roles=("prosecutor",)),
            criminal_case=charge.criminal_case_id,
            charge=charge,
            level="first_instance",
            decided_on="2025-09-01",
            outcome="acquitted",
            court_name="V",
        )

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.criminal_case_id, "decision_id": obj.pk}


class TestInvestigationCloseForm(CaseUrl):
    url_name = "justice:process_investigation_close"
    unpermitted_role = "judiciary_liaison"


class TestConcludeForm(CaseUrl):
    url_name = "justice:process_conclude"
    unpermitted_role = "investigator"  # concluding is the prosecution's act


# --- Flows -------------------------------------------------------------------------------------------------------


@pytest.fixture
def org(db: Any) -> Organization:
    return make_organization("BR")


@pytest.fixture
def client(org: Organization) -> Client:
    return sign_in(Client(), make_user(org, roles=("prosecutor",)))


def url(name: str, criminal_case: Any, **kwargs: Any) -> str:
    return reverse(f"justice:{name}", kwargs={"pk": getattr(criminal_case, "pk", criminal_case), **kwargs})


def assert_refused(response: Any, field: str) -> None:
    assert response.status_code == 400, response.status_code
    html = response.content.decode()
    assert "error-summary" in html and f'href="#id_{field}"' in html, html[:3000]


def test_done_when_through_the_forms(org: Organization, client: Client) -> None:
    criminal_case = make_criminal_case(org)
    make_offence(criminal_case)
    first, second = make_suspect(criminal_case), make_suspect(criminal_case)
    provision = make_provision("BR", law="Law 13.344/2016 (test)", article="art. 149-A")
    for suspect in (first, second):
        response = client.post(
            url("process_contact", criminal_case, suspect_id=suspect.pk),
            {"version": suspect.version, "contact_type": "arrested", "formal_contact_on": "2025-02-01"},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        response = client.post(
            url("process_charge_create", criminal_case),
            {"suspect": suspect.pk, "provision": provision.pk, "charged_on": "2025-03-03"},
        )
        assert response.status_code == 302
    one, two = Charge.objects.filter(criminal_case=criminal_case).order_by("suspect_id")
    decision_url = url("process_decision_create", criminal_case)
    conviction = {
        "charge": one.pk,
        "level": "first_instance",
        "decided_on": "2025-09-01",
        "outcome": "convicted",
        "court_name": "Vara Federal",
        "prison_months": "60",
        "fine_amount": "1000",
        "currency": "BRL",
    }
    assert client.post(f"{decision_url}?kind=conviction", conviction).status_code == 302
    acquittal = {
        "charge": two.pk,
        "level": "first_instance",
        "decided_on": "2025-09-01",
        "outcome": "acquitted",
        "court_name": "Vara Federal",
    }
    assert client.post(f"{decision_url}?kind=acquittal", acquittal).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.convicted_on and first.sentenced_on and not second.convicted_on and second.prosecuted_on
    html = client.get(url("process", criminal_case)).content.decode()
    assert 'data-outcome="acquitted"' in html and 'data-outcome="convicted"' in html and "data-sentence" in html
    assert "(182 days)" in html  # prosecuted to convicted
    # An appeal of the conviction, from the link on the standing decision.
    standing = CourtDecision.objects.get(charge=one)
    appeal_url = f"{decision_url}?kind=acquittal&appeal_of={standing.pk}"
    page = client.get(appeal_url)
    assert page.status_code == 200 and f'data-appeal-of="{standing.pk}"' in page.content.decode()
    early = client.post(
        appeal_url, {"level": "appeal", "decided_on": "2025-08-01", "outcome": "acquitted", "court_name": "TRF"}
    )
    assert_refused(early, "decided_on")
    assert CourtDecision.objects.count() == 2
    done = client.post(
        appeal_url, {"level": "appeal", "decided_on": "2026-01-01", "outcome": "acquitted", "court_name": "TRF"}
    )
    assert done.status_code == 302
    first.refresh_from_db()
    assert first.convicted_on is None
    criminal_case.refresh_from_db()
    assert criminal_case.stage == CaseStage.APPEAL


@pytest.mark.parametrize(
    ("kind", "fields", "field"),
    [
        ("conviction", {"prison_months": "-1"}, "prison_months"),
        ("conviction", {"prison_months": "2.5"}, "prison_months"),
        ("conviction", {"fine_amount": "-3", "currency": "BRL"}, "fine_amount"),
        ("conviction", {"fine_amount": "3"}, "currency"),
        ("conviction", {"decided_on": "2025-03-01"}, "decided_on"),
        ("conviction", {"outcome": "convicted_other"}, "convicted_provision"),
        ("conviction", {"outcome": "acquitted"}, "outcome"),
        ("conviction", {"charge": ""}, "charge"),
        ("conviction", {"court_name": ""}, "court_name"),
        ("acquittal", {"outcome": "convicted"}, "outcome"),
        ("acquittal", {"level": "appeal"}, "level"),
    ],
)
def test_decision_form_refusals(
    org: Organization, client: Client, kind: str, fields: dict[str, Any], field: str
) -> None:
    charge = make_case_with_charge(org)
    data = {
        "charge": charge.pk,
        "level": "first_instance",
        "decided_on": "2025-09-01",
        "outcome": "convicted" if kind == "conviction" else "acquitted",
        "court_name": "Vara Federal",
        **fields,
    }
    response = client.post(f"{url('process_decision_create', charge.criminal_case_id)}?kind={kind}", data)
    assert_refused(response, field)
    assert not CourtDecision.objects.exists()


def test_acquittal_form_has_no_sentence_fields(org: Organization, client: Client) -> None:
    charge = make_case_with_charge(org)
    base = url("process_decision_create", charge.criminal_case_id)
    assert 'name="prison_months"' not in client.get(f"{base}?kind=acquittal").content.decode()
    assert 'name="prison_months"' in client.get(f"{base}?kind=conviction").content.decode()
    assert client.get(f"{base}?kind=other").status_code == 404
    # A sentence smuggled into an acquittal form is ignored: the form has no such field.
    response = client.post(
        f"{base}?kind=acquittal",
        {
            "charge": charge.pk,
            "level": "first_instance",
            "decided_on": "2025-09-01",
            "outcome": "acquitted",
            "court_name": "V",
            "prison_months": "12",
        },
    )
    assert response.status_code == 302
    assert CourtDecision.objects.get().prison_months is None


def test_charge_form_refusals(org: Organization, client: Client) -> None:
    criminal_case = make_criminal_case(org)
    make_offence(criminal_case)
    suspect = make_suspect(criminal_case)
    good = {"suspect": suspect.pk, "provision": make_provision("BR").pk, "charged_on": "2025-03-03"}
    foreign = make_provision("CO")
    page = client.get(url("process_charge_create", criminal_case)).content.decode()
    assert f'value="{foreign.pk}"' not in page and f'value="{good["provision"]}"' in page
    for fields, field in (
        ({"provision": foreign.pk}, "provision"),  # not offered: the form refuses it
        ({"charged_on": "2024-11-30"}, "charged_on"),
        ({"charged_on": ""}, "charged_on"),
        ({"suspect": ""}, "suspect"),
    ):
        assert_refused(client.post(url("process_charge_create", criminal_case), {**good, **fields}), field)
    assert not Charge.objects.exists()
    assert client.post(url("process_charge_create", criminal_case), good).status_code == 302
    assert_refused(client.post(url("process_charge_create", criminal_case), good), "provision")
    assert Charge.objects.count() == 1
    charge = Charge.objects.get()
    withdraw = url("process_charge_withdraw", criminal_case, charge_id=charge.pk)
    assert_refused(client.post(withdraw, {"withdrawn_on": "2025-03-01"}), "withdrawn_on")
    assert client.post(withdraw, {"withdrawn_on": "2025-04-01"}).status_code == 302
    charge.refresh_from_db()
    assert charge.withdrawn_on is not None


def test_contact_close_and_conclude_forms(org: Organization, client: Client) -> None:
    criminal_case = make_criminal_case(org)
    make_offence(criminal_case)
    suspect = make_suspect(criminal_case)
    contact = url("process_contact", criminal_case, suspect_id=suspect.pk)
    assert_refused(
        client.post(
            contact, {"version": suspect.version, "contact_type": "arrested", "formal_contact_on": "2024-01-01"}
        ),
        "formal_contact_on",
    )
    assert_refused(
        client.post(contact, {"version": suspect.version, "contact_type": "", "formal_contact_on": "2025-01-01"}),
        "contact_type",
    )
    assert Suspect.objects.get(pk=suspect.pk).formal_contact_on is None
    close = url("process_investigation_close", criminal_case)
    assert_refused(client.post(close, {"version": criminal_case.version, "closed_on": "2025-01-01"}), "closed_on")
    assert client.post(close, {"version": criminal_case.version, "closed_on": "2025-05-01"}).status_code == 302
    criminal_case.refresh_from_db()
    conclude = url("process_conclude", criminal_case)
    stale = client.post(conclude, {"version": criminal_case.version - 1, "concluded_on": "2025-06-01"})
    assert stale.status_code == 409
    assert client.post(conclude, {"version": criminal_case.version, "concluded_on": "2025-06-01"}).status_code == 302
    criminal_case.refresh_from_db()
    assert criminal_case.stage == CaseStage.CLOSED
    # Nothing more is recorded: the decision form of a concluded case is not offered.
    assert client.get(url("process_decision_create", criminal_case)).status_code == 404


def test_tab_queries_do_not_grow(org: Organization, client: Client, django_assert_max_num_queries: Any) -> None:
    criminal_case: CriminalCase | None = None
    actor = make_user(org, roles=("prosecutor",))
    provision = make_provision("BR")
    criminal_case = make_criminal_case(org)
    make_offence(criminal_case)
    for _ in range(6):
        charge = services.charge_add(
            actor=actor, suspect=make_suspect(criminal_case), provision=provision, charged_on="2025-03-03"
        )
        services.decision_record(
            actor=actor,
            criminal_case=criminal_case,
            charge=charge,
            level="first_instance",
            decided_on="2025-09-01",
            outcome="convicted",
            court_name="V",
            prison_months=12,
        )
    with django_assert_max_num_queries(25):
        response = client.get(url("process", criminal_case))
    assert response.content.decode().count("data-decision=") == 6


def test_decision_remove_form(org: Organization, client: Client) -> None:
    charge = make_case_with_charge(org)
    decision = services.decision_record(
        actor=make_user(org, roles=("prosecutor",)),
        criminal_case=charge.criminal_case_id,
        charge=charge,
        level="first_instance",
        decided_on="2025-09-01",
        outcome="convicted",
        court_name="V",
    )
    tab = client.get(url("process", charge.criminal_case_id)).content.decode()
    remove = url("process_decision_remove", charge.criminal_case_id, decision_id=decision.pk)
    assert remove in tab
    assert_refused(client.post(remove, {"reason": ""}), "reason")
    assert CourtDecision.objects.filter(pk=decision.pk).exists()
    assert client.post(remove, {"reason": "Entered on the wrong defendant"}).status_code == 302
    charge.refresh_from_db()
    assert not CourtDecision.objects.exists() and charge.outcome == ""
