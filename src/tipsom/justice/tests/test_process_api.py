"""The criminal process API: charges, decisions (appeals included) and the funnel; who may call them; and every bad
input refused with the fields named and nothing written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.justice.models import Charge, CourtDecision, CriminalCase
from tipsom.justice.services import process as services
from tipsom.justice.testing import make_criminal_case, make_offence, make_provision, make_suspect
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization


def client_for(user: Any) -> Client:
    return sign_in(Client(), user)


def post(client: Client, url: str, data: Any = None) -> Any:
    return client.post(url, json.dumps(data or {}), content_type="application/json")


def make_charged(organization: Organization) -> Charge:
    """A case of `organization` with one defendant charged on 3 March 2025."""
    criminal_case = make_criminal_case(organization)
    make_offence(criminal_case)
    actor = make_user(organization, roles=("prosecutor",))
    return services.charge_add(
        actor=actor, suspect=make_suspect(criminal_case), provision=make_provision("BR"), charged_on="2025-03-03"
    )


def decision_payload(decided: Charge, **fields: Any) -> dict[str, Any]:
    return {
        "criminal_case": decided.criminal_case_id,
        "charge": decided.pk,
        "level": "first_instance",
        "decided_on": "2025-09-01",
        "outcome": "convicted",
        "court_name": "Court of Marabá",
        **fields,
    }


# --- Access ----------------------------------------------------------------------------------------------------


class TestChargeListApi(AccessCase):
    url_name = "api:justice-charge-list"
    permitted_role = "prosecutor"
    model = Charge

    def make_object(self, organization: Organization) -> None:
        make_charged(organization)
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        rows = response.json()["results"]
        assert len(rows) == 1 and rows[0]["offence_type"] == "tip" and rows[0]["charged_on"] == "2025-03-03"


class TestChargeCreateApi(AccessCase):
    url_name = "api:justice-charge-list"
    method = "post"
    permitted_role = "prosecutor"
    unpermitted_role = "judiciary_liaison"
    permitted_status = 201

    def make_object(self, organization: Organization) -> Any:
        criminal_case = make_criminal_case(organization)
        make_offence(criminal_case)
        return make_suspect(criminal_case)

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"suspect": obj.pk, "provision": make_provision("BR").pk, "charged_on": "2025-03-03"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert Charge.objects.filter(suspect=obj).count() == 1


class TestChargeWithdrawApi(AccessCase):
    url_name = "api:justice-charge-withdraw"
    method = "post"
    permitted_role = "prosecutor"
    unpermitted_role = "judiciary_liaison"

    def make_object(self, organization: Organization) -> Charge:
        return make_charged(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"withdrawn_on": "2025-04-01"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["withdrawn_on"] == "2025-04-01"


class TestDecisionListApi(AccessCase):
    url_name = "api:justice-decision-list"
    permitted_role = "investigator"  # investigators see the decisions of their cases
    model = CourtDecision

    def make_object(self, organization: Organization) -> None:
        charge = make_charged(organization)
        actor = make_user(organization, roles=("prosecutor",))
        services.decision_record(actor=actor, **decision_payload(charge, prison_months=60))
        return None

    def check_permitted(self, response: Any, obj: Any) -> None:
        rows = response.json()["results"]
        assert len(rows) == 1 and rows[0]["prison_months"] == 60


class TestDecisionCreateApi(AccessCase):
    url_name = "api:justice-decision-list"
    method = "post"
    permitted_role = "judiciary_liaison"
    unpermitted_role = "investigator"  # an investigator may not record a decision
    permitted_status = 201

    def make_object(self, organization: Organization) -> Charge:
        return make_charged(organization)

    def payload(self, obj: Any) -> dict[str, Any]:
        return decision_payload(obj, prison_months=60, fine_amount="100.00", currency="BRL")

    def check_permitted(self, response: Any, obj: Any) -> None:
        obj.refresh_from_db()
        assert obj.outcome == "convicted" and response.json()["fine_amount"] == "100.00"


class TestDecisionCreateByProsecutorApi(TestDecisionCreateApi):
    url_name = "api:justice-decision-list"
    permitted_role = "prosecutor"


class TestDecisionRemoveApi(AccessCase):
    url_name = "api:justice-decision-remove"
    method = "post"
    permitted_role = "judiciary_liaison"
    unpermitted_role = "investigator"
    permitted_status = 204

    def make_object(self, organization: Organization) -> CourtDecision:
        charge = make_charged(organization)
        actor = make_user(organization, roles=("prosecutor",))
        return services.decision_record(actor=actor, **decision_payload(charge))

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"reason": "Entered on the wrong charge"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert not CourtDecision.objects.filter(pk=obj.pk).exists()


class TestFunnelApi(AccessCase):
    url_name = "api:justice-case-funnel"
    permitted_role = "prosecutor"

    def make_object(self, organization: Organization) -> CriminalCase:
        return make_charged(organization).criminal_case

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        body = response.json()
        assert body["totals"]["prosecuted"] == 1 and body["defendants"][0]["prosecuted_on"] == "2025-03-03"


class TestFunnelNationalApi(TestFunnelApi):
    url_name = "api:justice-case-funnel"
    permitted_role = "national_rapporteur"
    scope = "national"


# --- Flows and refusals --------------------------------------------------------------------------------------------


@pytest.fixture
def org(db: Any) -> Organization:
    return make_organization("BR")


@pytest.fixture
def prosecutor(org: Organization) -> Client:
    return client_for(make_user(org, roles=("prosecutor",)))


def test_appeal_through_the_api(org: Organization, prosecutor: Client) -> None:
    charge = make_charged(org)
    url = reverse("api:justice-decision-list")
    first = post(prosecutor, url, decision_payload(charge, prison_months=48))
    assert first.status_code == 201, first.content
    appeal = post(
        prosecutor,
        url,
        decision_payload(
            charge, level="appeal", appeal_of=first.json()["id"], decided_on="2026-01-10", outcome="acquitted"
        ),
    )
    assert appeal.status_code == 201, appeal.content
    charge.refresh_from_db()
    assert charge.outcome == "acquitted" and charge.convicted_on is None
    listed = prosecutor.get(url, {"charge": charge.pk}).json()["results"]
    assert {row["id"] for row in listed} == {first.json()["id"], appeal.json()["id"]}
    funnel = prosecutor.get(reverse("api:justice-case-funnel", kwargs={"pk": charge.criminal_case_id})).json()
    assert funnel["totals"]["convicted"] == 0
    cases = prosecutor.get(reverse("api:justice-charge-list"), {"criminal_case": charge.criminal_case_id}).json()
    assert [row["outcome"] for row in cases["results"]] == ["acquitted"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"charge": None}, "charge"),
        ({"outcome": "acquitted", "prison_months": 12}, "prison_months"),
        ({"outcome": "dismissed", "fine_amount": "10", "currency": "BRL"}, "fine_amount"),
        ({"decided_on": "2025-03-02"}, "decided_on"),
        ({"decided_on": "not a date"}, "decided_on"),
        ({"outcome": "convicted_other"}, "convicted_provision"),
        ({"prison_months": -3}, "prison_months"),
        ({"prison_months": 2.5}, "prison_months"),
        ({"compensation_ordered": "-1", "currency": "BRL"}, "compensation_ordered"),
        ({"level": "appeal"}, "appeal_of"),
        ({"outcome": "guilty"}, "outcome"),
        ({"sentence": "life"}, "sentence"),
    ],
)
def test_decision_refusals_through_the_api(
    org: Organization, prosecutor: Client, fields: dict[str, Any], field: str
) -> None:
    charge = make_charged(org)
    response = post(prosecutor, reverse("api:justice-decision-list"), decision_payload(charge, **fields))
    assert response.status_code == 400, response.content
    assert field in response.json()["extra"]["fields"], response.json()
    assert not CourtDecision.objects.exists()
    assert not AuditEvent.objects.filter(action="justice.decision.record").exists()


def test_decision_on_a_charge_of_another_case(org: Organization, prosecutor: Client) -> None:
    charge, other = make_charged(org), make_charged(org)
    response = post(prosecutor, reverse("api:justice-decision-list"), decision_payload(charge, charge=other.pk))
    assert response.status_code == 400 and "charge" in response.json()["extra"]["fields"]
    assert not CourtDecision.objects.exists()


def test_appeal_before_the_decision_it_appeals(org: Organization, prosecutor: Client) -> None:
    charge = make_charged(org)
    url = reverse("api:justice-decision-list")
    first = post(prosecutor, url, decision_payload(charge)).json()
    response = post(
        prosecutor, url, decision_payload(charge, level="appeal", appeal_of=first["id"], decided_on="2025-08-01")
    )
    assert response.status_code == 400 and "decided_on" in response.json()["extra"]["fields"]
    assert CourtDecision.objects.count() == 1


def test_charge_refusals_through_the_api(org: Organization, prosecutor: Client) -> None:
    criminal_case = make_criminal_case(org)
    make_offence(criminal_case)
    suspect = make_suspect(criminal_case)
    url = reverse("api:justice-charge-list")
    good = {"suspect": suspect.pk, "provision": make_provision("BR").pk, "charged_on": "2025-03-03"}
    for fields, field in (
        ({"provision": make_provision("CO").pk}, "provision"),
        ({"charged_on": "2024-11-01"}, "charged_on"),
        ({"charged_on": "2099-11-01"}, "charged_on"),
        ({"offence": make_offence(make_criminal_case(org)).pk}, "offence"),
        ({"provision": None}, "provision"),
        ({"count": 2}, "count"),
    ):
        response = post(prosecutor, url, {**good, **fields})
        assert response.status_code == 400, response.content
        assert field in response.json()["extra"]["fields"], response.json()
    assert not Charge.objects.exists()
    assert post(prosecutor, url, good).status_code == 201
    twice = post(prosecutor, url, good)
    assert twice.status_code == 400 and "provision" in twice.json()["extra"]["fields"]
    assert Charge.objects.count() == 1
    charge = Charge.objects.get()
    withdraw = reverse("api:justice-charge-withdraw", kwargs={"pk": charge.pk})
    early = post(prosecutor, withdraw, {"withdrawn_on": "2025-03-01"})
    assert early.status_code == 400 and "withdrawn_on" in early.json()["extra"]["fields"]
    charge.refresh_from_db()
    assert charge.withdrawn_on is None


def test_lists_without_n_plus_one(org: Organization, prosecutor: Client, django_assert_max_num_queries: Any) -> None:
    for _ in range(5):
        charge = make_charged(org)
        services.decision_record(actor=make_user(org, roles=("prosecutor",)), **decision_payload(charge))
    with django_assert_max_num_queries(12):
        assert len(prosecutor.get(reverse("api:justice-charge-list")).json()["results"]) == 5
    with django_assert_max_num_queries(12):
        assert len(prosecutor.get(reverse("api:justice-decision-list")).json()["results"]) == 5


def test_decision_remove_refusals_through_the_api(org: Organization, prosecutor: Client) -> None:
    charge = make_charged(org)
    url = reverse("api:justice-decision-list")
    first = post(prosecutor, url, decision_payload(charge)).json()
    post(prosecutor, url, decision_payload(charge, level="appeal", appeal_of=first["id"], decided_on="2025-12-01"))
    remove = reverse("api:justice-decision-remove", kwargs={"pk": first["id"]})
    appealed = post(prosecutor, remove, {"reason": "Wrong"})
    assert appealed.status_code == 400 and "appeal" in appealed.json()["message"]
    last = CourtDecision.objects.get(appeal_of_id=first["id"])
    no_reason = post(prosecutor, reverse("api:justice-decision-remove", kwargs={"pk": last.pk}), {"reason": ""})
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["extra"]["fields"]
    assert CourtDecision.objects.count() == 2
