"""The criminal process services: formal contact, charges, court decisions and appeals, the stage of the case, and
every refusal (each changes nothing)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.justice.models import CaseStage, Charge, CourtDecision, CriminalCase, LegalProvision, OffenceType, Suspect
from tipsom.justice.selectors.process import case_funnel
from tipsom.justice.services import process as services
from tipsom.justice.testing import make_criminal_case, make_offence, make_provision, make_suspect
from tipsom.organizations.testing import make_organization

D = datetime.date


@pytest.fixture
def org(db: Any) -> Any:
    return make_organization("BR")


@pytest.fixture
def prosecutor(org: Any) -> Any:
    return make_user(org, roles=("prosecutor",))


@pytest.fixture
def liaison(org: Any) -> Any:
    return make_user(org, roles=("judiciary_liaison",))


@pytest.fixture
def case(org: Any) -> CriminalCase:
    criminal_case = make_criminal_case(org)
    make_offence(criminal_case, date_from=D(2024, 12, 1))
    return criminal_case


@pytest.fixture
def art149(db: Any) -> LegalProvision:
    # The provisions may be seeded already (justice/data): the same article either way.
    provision, _created = LegalProvision.objects.get_or_create(
        country="BR",
        law="Law 13.344/2016",
        article="art. 149-A",
        defaults={"title": "Tráfico de pessoas", "offence_type": OffenceType.TIP, "iccs_code": "0204"},
    )
    return provision


def refused(call: Any, field: str | None = None, **kwargs: Any) -> ApplicationError:
    with pytest.raises(ApplicationError) as info:
        call(**kwargs)
    error = info.value
    assert not isinstance(error, NotFound), error.message
    if field is not None:
        assert field in error.extra.get("fields", {}), (error.message, error.extra)
    return error


def decide(actor: Any, charge: Charge | None, **fields: Any) -> CourtDecision:
    data: dict[str, Any] = {
        "level": "first_instance",
        "decided_on": "2025-09-01",
        "outcome": "convicted",
        "court_name": "1ª Vara Federal de Marabá",
    }
    data.update(fields)
    if "criminal_case" not in data:
        data["criminal_case"] = getattr(charge, "criminal_case_id", None)
    return services.decision_record(actor=actor, charge=charge, **data)


def test_done_when_two_suspects_one_convicted_and_sentenced_one_acquitted(
    case: CriminalCase, prosecutor: Any, liaison: Any, art149: LegalProvision
) -> None:
    first, second = make_suspect(case), make_suspect(case)
    services.suspect_formal_contact(
        actor=prosecutor, suspect=first, contact_type="arrested", formal_contact_on="2025-02-01"
    )
    services.suspect_formal_contact(
        actor=prosecutor, suspect=second, contact_type="suspected", formal_contact_on="2025-02-11"
    )
    charge_one = services.charge_add(actor=prosecutor, suspect=first, provision=art149, charged_on="2025-03-03")
    case.refresh_from_db()
    assert case.stage == CaseStage.PROSECUTION
    charge_two = services.charge_add(actor=prosecutor, suspect=second, provision=art149.pk, charged_on="2025-03-13")
    assert charge_one.offence_type == OffenceType.TIP
    decide(
        liaison,
        charge_one,
        decided_on="2025-10-01",
        prison_months=96,
        fine_amount="12000.50",
        currency="brl",
        compensation_ordered="50000",
    )
    case.refresh_from_db()
    assert case.stage == CaseStage.TRIAL
    decide(liaison, charge_two, decided_on="2025-10-01", outcome="acquitted", is_final=True)

    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.prosecuted_on, first.convicted_on, first.sentenced_on) == (
        D(2025, 3, 3),
        D(2025, 10, 1),
        D(2025, 10, 1),
    )
    assert (second.prosecuted_on, second.convicted_on, second.sentenced_on) == (D(2025, 3, 13), None, None)
    charge_one.refresh_from_db()
    charge_two.refresh_from_db()
    assert (charge_one.outcome, charge_one.convicted_on, charge_one.convicted_type) == (
        "convicted",
        D(2025, 10, 1),
        OffenceType.TIP,
    )
    assert (charge_two.outcome, charge_two.convicted_on, charge_two.convicted_type) == ("acquitted", None, "")
    decision = CourtDecision.objects.get(charge=charge_one)
    assert decision.currency == "BRL" and decision.fine_amount == Decimal("12000.50")

    funnel = case_funnel(prosecutor, case.pk)
    assert funnel.totals == {"defendants": 2, "formal_contact": 2, "prosecuted": 2, "convicted": 1, "sentenced": 1}
    row_one, row_two = funnel.rows
    assert row_one.suspect.pk == first.pk
    assert (row_one.days_to_prosecution, row_one.days_to_conviction, row_one.days_to_sentence) == (30, 212, 0)
    assert (row_two.days_to_prosecution, row_two.days_to_conviction, row_two.days_to_sentence) == (30, None, None)
    assert row_one.contact_type == "arrested"

    # The first defendant's conviction becomes final: every charge now has a final decision.
    stand = CourtDecision.objects.get(charge=charge_one)
    decide(
        liaison,
        charge_one,
        level="appeal",
        appeal_of=stand.pk,
        decided_on="2026-02-02",
        prison_months=72,
        is_final=True,
    )
    case.refresh_from_db()
    assert case.stage == CaseStage.CONCLUDED and case.concluded_on == D(2026, 2, 2)
    first.refresh_from_db()
    assert first.convicted_on == D(2025, 10, 1) and first.sentenced_on == D(2025, 10, 1)
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"justice.suspect.formal_contact", "justice.charge.add", "justice.decision.record"} <= actions


def test_appeal_overturns_a_conviction(case: CriminalCase, prosecutor: Any, art149: LegalProvision) -> None:
    suspect = make_suspect(case)
    charge = services.charge_add(actor=prosecutor, suspect=suspect, provision=art149, charged_on="2025-03-03")
    first = decide(prosecutor, charge, prison_months=48)
    case.refresh_from_db()
    assert case.stage == CaseStage.TRIAL
    appeal = decide(prosecutor, charge, level="appeal", appeal_of=first, decided_on="2026-01-10", outcome="acquitted")
    case.refresh_from_db()
    charge.refresh_from_db()
    suspect.refresh_from_db()
    assert case.stage == CaseStage.APPEAL
    assert (charge.outcome, charge.convicted_on, charge.convicted_type) == ("acquitted", None, "")
    assert (suspect.convicted_on, suspect.sentenced_on) == (None, None)
    # A final court restores the conviction: counted from the first conviction of the chain.
    decide(
        prosecutor,
        charge,
        level="final",
        appeal_of=appeal,
        decided_on="2026-06-10",
        outcome="convicted_other",
        convicted_provision=make_provision("BR", offence_type=OffenceType.LABOUR),
        prison_months=24,
        is_final=True,
    )
    charge.refresh_from_db()
    suspect.refresh_from_db()
    assert (charge.outcome, charge.convicted_on, charge.convicted_type) == (
        "convicted_other",
        D(2025, 9, 1),
        OffenceType.LABOUR,
    )
    assert suspect.convicted_on == D(2025, 9, 1) and suspect.sentenced_on == D(2025, 9, 1)
    case.refresh_from_db()
    assert case.stage == CaseStage.CONCLUDED


def test_conviction_without_sentence_is_not_sentenced(
    case: CriminalCase, prosecutor: Any, art149: LegalProvision
) -> None:
    suspect = make_suspect(case)
    charge = services.charge_add(actor=prosecutor, suspect=suspect, provision=art149, charged_on="2025-03-03")
    decide(prosecutor, charge)
    suspect.refresh_from_db()
    assert suspect.convicted_on == D(2025, 9, 1) and suspect.sentenced_on is None


# --- Charges: refusals --------------------------------------------------------------------------------------------


def _nothing_charged() -> None:
    assert not Charge.objects.exists()
    assert not AuditEvent.objects.filter(action="justice.charge.add").exists()


def test_charge_refusals(case: CriminalCase, prosecutor: Any, art149: LegalProvision) -> None:
    suspect = make_suspect(case)
    other_case = make_criminal_case(case.owner_organization)
    other_offence = make_offence(other_case)
    colombian = make_provision("CO", law="Código Penal", article="art. 188-A")
    add = services.charge_add
    base = {"actor": prosecutor, "suspect": suspect, "provision": art149, "charged_on": "2025-03-03"}
    error = refused(add, "provision", **{**base, "provision": colombian})
    assert "another country" in error.extra["fields"]["provision"]
    refused(add, "provision", **{**base, "provision": None})
    refused(add, "provision", **{**base, "provision": 999999})
    error = refused(add, "charged_on", **{**base, "charged_on": "2024-11-30"})
    assert "before the offence" in error.extra["fields"]["charged_on"]
    refused(add, "charged_on", **{**base, "charged_on": "2099-01-01"})
    refused(add, "charged_on", **{**base, "charged_on": "03/03/2025"})
    refused(add, "charged_on", **{**base, "charged_on": None})
    refused(add, "offence", **{**base, "offence": other_offence.pk})
    late_offence = make_offence(case, date_from=D(2025, 2, 1))
    refused(add, "charged_on", **{**base, "offence": late_offence, "charged_on": "2025-01-15"})
    _nothing_charged()
    services.suspect_formal_contact(
        actor=prosecutor, suspect=suspect, contact_type="arrested", formal_contact_on="2025-02-20"
    )
    refused(add, "charged_on", **{**base, "charged_on": "2025-02-19"})
    _nothing_charged()
    services.charge_add(**base)
    refused(add, "provision", **base)
    assert Charge.objects.count() == 1
    services.charge_add(**{**base, "offence": late_offence})  # another offence: another charge
    refused(add, "provision", **{**base, "offence": late_offence})
    assert Charge.objects.count() == 2
    suspect.refresh_from_db()
    assert suspect.prosecuted_on == D(2025, 3, 3)


def test_charge_out_of_scope_is_not_found(case: CriminalCase, art149: LegalProvision) -> None:
    suspect = make_suspect(case)
    for actor in (
        make_user(make_organization("BR"), roles=("prosecutor",)),
        make_user(case.owner_organization, roles=("judiciary_liaison",)),
        make_user(case.owner_organization, roles=("national_rapporteur",)),
    ):
        with pytest.raises(NotFound):
            services.charge_add(actor=actor, suspect=suspect, provision=art149, charged_on="2025-03-03")
    with pytest.raises(NotFound):
        services.charge_add(
            actor=make_user(case.owner_organization, roles=("prosecutor",)),
            suspect=987654,
            provision=art149,
            charged_on="2025-03-03",
        )
    _nothing_charged()


def test_charge_withdraw(case: CriminalCase, prosecutor: Any, art149: LegalProvision) -> None:
    suspect = make_suspect(case)
    charge = services.charge_add(actor=prosecutor, suspect=suspect, provision=art149, charged_on="2025-03-03")
    refused(services.charge_withdraw, "withdrawn_on", actor=prosecutor, charge=charge, withdrawn_on="2025-03-02")
    refused(services.charge_withdraw, "withdrawn_on", actor=prosecutor, charge=charge, withdrawn_on="")
    charge.refresh_from_db()
    assert charge.withdrawn_on is None
    services.charge_withdraw(actor=prosecutor, charge=charge.pk, withdrawn_on="2025-04-01")
    charge.refresh_from_db()
    assert charge.withdrawn_on == D(2025, 4, 1)
    refused(services.charge_withdraw, actor=prosecutor, charge=charge, withdrawn_on="2025-04-02")
    suspect.refresh_from_db()
    assert suspect.prosecuted_on == D(2025, 3, 3)  # charged once: prosecuted
    # A decided charge cannot be withdrawn; a withdrawn one cannot be decided.
    error = refused(decide, "charge", actor=prosecutor, charge=charge)
    assert "withdrawn" in error.extra["fields"]["charge"]
    other = services.charge_add(
        actor=prosecutor, suspect=suspect, provision=make_provision("BR"), charged_on="2025-03-03"
    )
    decide(prosecutor, other)
    refused(services.charge_withdraw, actor=prosecutor, charge=other, withdrawn_on="2025-10-01")
    other.refresh_from_db()
    assert other.withdrawn_on is None


# --- Decisions: refusals ------------------------------------------------------------------------------------------


@pytest.fixture
def charged(case: CriminalCase, prosecutor: Any, art149: LegalProvision) -> Charge:
    suspect = make_suspect(case)
    return services.charge_add(actor=prosecutor, suspect=suspect, provision=art149, charged_on="2025-03-03")


def _nothing_decided(count: int = 0) -> None:
    assert CourtDecision.objects.count() == count
    assert AuditEvent.objects.filter(action="justice.decision.record").count() == count


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"charge": None}, "charge"),
        ({"charge": ""}, "charge"),
        ({"outcome": "acquitted", "prison_months": 12}, "prison_months"),
        ({"outcome": "acquitted", "fine_amount": "100", "currency": "BRL"}, "fine_amount"),
        ({"outcome": "dismissed", "confiscated_assets_value": "10", "currency": "BRL"}, "confiscated_assets_value"),
        ({"outcome": "dismissed", "confiscated_assets": "A truck"}, "confiscated_assets"),
        ({"outcome": "acquitted", "compensation_ordered": "5", "currency": "BRL"}, "compensation_ordered"),
        ({"outcome": "acquitted", "prison_suspended": True}, "prison_suspended"),
        ({"decided_on": "2025-03-02"}, "decided_on"),
        ({"decided_on": "2099-03-02"}, "decided_on"),
        ({"decided_on": ""}, "decided_on"),
        ({"outcome": "convicted_other"}, "convicted_provision"),
        ({"convicted_provision": "PROVISION"}, "convicted_provision"),
        ({"prison_months": -1}, "prison_months"),
        ({"prison_months": "2.5"}, "prison_months"),
        ({"prison_months": "many"}, "prison_months"),
        ({"fine_amount": "-5", "currency": "BRL"}, "fine_amount"),
        ({"fine_amount": "1.005", "currency": "BRL"}, "fine_amount"),
        ({"confiscated_assets_value": "-0.01", "currency": "BRL"}, "confiscated_assets_value"),
        ({"compensation_ordered": "-100", "currency": "BRL"}, "compensation_ordered"),
        ({"fine_amount": "100"}, "currency"),
        ({"fine_amount": "100", "currency": "REAIS"}, "currency"),
        ({"prison_suspended": True}, "prison_suspended"),
        ({"court_name": ""}, "court_name"),
        ({"court": 999999}, "court"),
        ({"level": "supreme"}, "level"),
        ({"outcome": "guilty"}, "outcome"),
        ({"level": "appeal"}, "appeal_of"),
        ({"appeal_of": 999999}, "appeal_of"),
    ],
)
def test_decision_refusals(charged: Charge, prosecutor: Any, fields: dict[str, Any], field: str) -> None:
    if fields.get("convicted_provision") == "PROVISION":
        fields = {**fields, "convicted_provision": make_provision("BR").pk}
    given = {"charge": charged, "criminal_case": charged.criminal_case_id, **fields}
    refused(decide, field, actor=prosecutor, **given)
    _nothing_decided()
    charged.refresh_from_db()
    assert charged.outcome == "" and charged.convicted_on is None


def test_decision_chain_refusals(case: CriminalCase, charged: Charge, prosecutor: Any) -> None:
    # A charge of another case, and a convicted_other under another country's law.
    other_case = make_criminal_case(case.owner_organization)
    make_offence(other_case)
    foreign_charge = services.charge_add(
        actor=prosecutor, suspect=make_suspect(other_case), provision=make_provision("BR"), charged_on="2025-03-03"
    )
    refused(
        services.decision_record,
        "charge",
        actor=prosecutor,
        criminal_case=case,
        charge=foreign_charge,
        level="first_instance",
        decided_on="2025-09-01",
        outcome="convicted",
        court_name="Court",
    )
    refused(
        decide,
        "convicted_provision",
        actor=prosecutor,
        charge=charged,
        outcome="convicted_other",
        convicted_provision=make_provision("CO"),
    )
    _nothing_decided()
    first = decide(prosecutor, charged)
    # Another first-instance decision on the same charge.
    refused(decide, "level", actor=prosecutor, charge=charged)
    # An appeal decided before the decision it appeals.
    error = refused(
        decide, "decided_on", actor=prosecutor, charge=charged, level="appeal", appeal_of=first, decided_on="2025-08-31"
    )
    assert "before the decision it appeals" in error.extra["fields"]["decided_on"]
    # A first-instance decision that names an appeal.
    refused(decide, "appeal_of", actor=prosecutor, charge=charged, appeal_of=first, decided_on="2025-10-01")
    # An appeal of a decision on another charge.
    second = services.charge_add(
        actor=prosecutor, suspect=charged.suspect, provision=make_provision("BR"), charged_on="2025-03-03"
    )
    refused(
        decide, "appeal_of", actor=prosecutor, charge=second, level="appeal", appeal_of=first, decided_on="2025-10-01"
    )
    _nothing_decided(1)
    appeal = decide(prosecutor, charged, level="appeal", appeal_of=first, decided_on="2025-12-01", is_final=True)
    # Appealing a decision already appealed; appealing a final decision.
    refused(
        decide, "appeal_of", actor=prosecutor, charge=charged, level="final", appeal_of=first, decided_on="2026-01-01"
    )
    error = refused(
        decide, "appeal_of", actor=prosecutor, charge=charged, level="final", appeal_of=appeal, decided_on="2026-01-01"
    )
    assert "final" in error.extra["fields"]["appeal_of"]
    _nothing_decided(2)


def test_decision_permission(case: CriminalCase, charged: Charge) -> None:
    investigator = make_user(case.owner_organization, roles=("investigator",))
    rapporteur = make_user(make_organization("BR"), roles=("national_rapporteur",))
    other_prosecutor = make_user(make_organization("BR"), roles=("prosecutor",))
    for actor in (investigator, rapporteur, other_prosecutor):
        with pytest.raises(NotFound):
            decide(actor, charged)
    _nothing_decided()


def test_formal_contact(case: CriminalCase, prosecutor: Any, art149: LegalProvision) -> None:
    suspect = make_suspect(case)
    contact = services.suspect_formal_contact
    base = {"actor": prosecutor, "suspect": suspect, "contact_type": "arrested", "formal_contact_on": "2025-02-01"}
    error = refused(contact, "formal_contact_on", **{**base, "formal_contact_on": "2024-11-30"})
    assert "before the offence" in error.extra["fields"]["formal_contact_on"]
    refused(contact, "contact_type", **{**base, "contact_type": "detained"})
    refused(contact, "formal_contact_on", **{**base, "formal_contact_on": "tomorrow"})
    with pytest.raises(NotFound):
        contact(**{**base, "actor": make_user(make_organization("BR"), roles=("prosecutor",))})
    with pytest.raises(NotFound):
        contact(**{**base, "actor": make_user(case.owner_organization, roles=("judiciary_liaison",))})
    suspect.refresh_from_db()
    assert suspect.formal_contact_on is None and suspect.contact_type == ""
    services.charge_add(actor=prosecutor, suspect=suspect, provision=art149, charged_on="2025-03-03")
    refused(contact, "formal_contact_on", **{**base, "formal_contact_on": "2025-03-04"})
    contact(**base)
    fresh = Suspect.objects.get(pk=suspect.pk)
    assert (fresh.contact_type, fresh.formal_contact_on) == ("arrested", D(2025, 2, 1))
    # A stale version is refused.
    with pytest.raises(ApplicationError) as info:
        contact(**{**base, "contact_type": "cautioned", "version": fresh.version - 1})
    assert info.value.status_code == 409


def test_investigation_close_and_conclude(case: CriminalCase, prosecutor: Any, art149: LegalProvision) -> None:
    refused(services.investigation_close, "closed_on", actor=prosecutor, criminal_case=case, closed_on="2025-01-09")
    refused(services.investigation_close, "closed_on", actor=prosecutor, criminal_case=case, closed_on="2099-01-09")
    services.investigation_close(actor=prosecutor, criminal_case=case.pk, closed_on="2025-05-01")
    case.refresh_from_db()
    assert case.investigation_closed_on == D(2025, 5, 1) and case.stage == CaseStage.INVESTIGATION
    refused(services.investigation_close, actor=prosecutor, criminal_case=case, closed_on="2025-05-02")
    for role in ("investigator", "judiciary_liaison"):  # concluding is the prosecution's act
        with pytest.raises(NotFound):
            services.criminal_case_conclude(
                actor=make_user(case.owner_organization, roles=(role,)), criminal_case=case, concluded_on="2025-06-01"
            )
    with pytest.raises(NotFound):
        services.criminal_case_conclude(
            actor=make_user(make_organization("BR"), roles=("prosecutor",)),
            criminal_case=case,
            concluded_on="2025-06-01",
        )
    refused(
        services.criminal_case_conclude, "concluded_on", actor=prosecutor, criminal_case=case, concluded_on="2025-01-01"
    )
    services.criminal_case_conclude(actor=prosecutor, criminal_case=case, concluded_on="2025-06-01")
    case.refresh_from_db()
    assert case.stage == CaseStage.CLOSED and case.concluded_on == D(2025, 6, 1)
    # Nothing more is recorded in a concluded case.
    error = refused(
        services.charge_add, actor=prosecutor, suspect=make_suspect(case), provision=art149, charged_on="2025-03-03"
    )
    assert error.status_code == 409
    _nothing_charged()


def test_conclude_with_charges(case: CriminalCase, prosecutor: Any, charged: Charge) -> None:
    services.criminal_case_conclude(actor=prosecutor, criminal_case=case, concluded_on="2025-06-01")
    case.refresh_from_db()
    assert case.stage == CaseStage.CONCLUDED and case.investigation_closed_on == D(2025, 6, 1)
    assert Suspect.objects.get(pk=charged.suspect_id).prosecuted_on == D(2025, 3, 3)


def test_funnel_queries_do_not_grow(case: CriminalCase, prosecutor: Any, django_assert_max_num_queries: Any) -> None:
    for _ in range(8):
        make_suspect(case)
    case_funnel(prosecutor, case.pk)  # the user's grants are read once per user object
    with django_assert_max_num_queries(2):
        funnel = case_funnel(prosecutor, case.pk)
    assert funnel.totals["defendants"] == 8 and funnel.totals["prosecuted"] == 0


def test_funnel_out_of_scope(case: CriminalCase) -> None:
    with pytest.raises(NotFound):
        case_funnel(make_user(make_organization("BR"), roles=("prosecutor",)), case.pk)
    with pytest.raises(NotFound):
        case_funnel(make_user(make_organization("CO"), roles=("national_rapporteur",)), case.pk)


def test_decision_remove_corrects_a_mistake(case: CriminalCase, prosecutor: Any, liaison: Any, charged: Charge) -> None:
    first = decide(liaison, charged, prison_months=60, is_final=False)
    appeal = decide(liaison, charged, level="appeal", appeal_of=first, decided_on="2025-12-01", is_final=True)
    case.refresh_from_db()
    assert case.stage == CaseStage.CONCLUDED
    remove = services.decision_remove
    # Only the standing decision; a reason is required; an investigator may not; nothing changes on refusal.
    refused(remove, actor=liaison, decision=first, reason="Wrong date")
    refused(remove, "reason", actor=liaison, decision=appeal, reason="  ")
    with pytest.raises(NotFound):
        remove(actor=make_user(case.owner_organization, roles=("investigator",)), decision=appeal, reason="Wrong")
    with pytest.raises(NotFound):
        remove(actor=make_user(make_organization("BR"), roles=("prosecutor",)), decision=appeal, reason="Wrong")
    assert CourtDecision.objects.count() == 2
    remove(actor=liaison, decision=appeal.pk, reason="Recorded on the wrong charge")
    case.refresh_from_db()
    charged.refresh_from_db()
    assert case.stage == CaseStage.TRIAL and case.concluded_on is None  # opened again
    assert charged.outcome == "convicted" and charged.convicted_on == D(2025, 9, 1)
    event = AuditEvent.objects.get(action="justice.decision.remove")
    assert event.reason == "Recorded on the wrong charge" and event.changes["is_final"] is True
    remove(actor=prosecutor, decision=first, reason="Entered twice")
    fresh = Charge.objects.get(pk=charged.pk)
    suspect = Suspect.objects.get(pk=charged.suspect_id)
    assert (fresh.outcome, fresh.convicted_on, suspect.convicted_on, suspect.sentenced_on) == ("", None, None, None)
    case.refresh_from_db()
    assert case.stage == CaseStage.PROSECUTION


def test_decision_remove_keeps_a_case_the_prosecutor_concluded(
    case: CriminalCase, prosecutor: Any, charged: Charge
) -> None:
    first = decide(prosecutor, charged)
    services.criminal_case_conclude(actor=prosecutor, criminal_case=case, concluded_on="2025-10-01")
    error = refused(services.decision_remove, actor=prosecutor, decision=first, reason="Wrong")
    assert error.status_code == 409
    assert CourtDecision.objects.filter(pk=first.pk).exists()
