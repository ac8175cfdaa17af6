"""The criminal process per defendant and per charge: formal contact, charges, court decisions with their sentences
and appeals, the closing of the investigation and the conclusion of the case.

What the statistics count is kept in step here, in the same transaction as the change: Charge.outcome,
convicted_on and convicted_type from the charge's chain of decisions; Suspect.prosecuted_on, convicted_on and
sentenced_on from the suspect's charges; CriminalCase.stage from the whole case (`criminal_case_stage_sync`).

The case's stage: investigation until the first charge; prosecution from it; trial from the first court decision
(hearings belong to the victims' part and may be scheduled and cancelled, a decision is what the court did);
appeal once an appeal decision is recorded; concluded when every charge still standing has a final decision, or
when a prosecutor concludes the case (closed without charges if nobody was ever charged)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, cast

from django.db import transaction
from django.db.models import Min, Q, QuerySet
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record, describe_changes
from tipsom.core import validation as check
from tipsom.core.date_formats import format_date
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.permissions import scope_filter
from tipsom.justice.models import (
    CONVICTIONS,
    CaseStage,
    Charge,
    ContactType,
    CourtDecision,
    CriminalCase,
    DecisionLevel,
    Offence,
    Outcome,
    Suspect,
)
from tipsom.justice.services.common import (
    STALE,
    criminal_case_for,
    organization_of_country,
    provision_of_country,
)

CURRENCY = re.compile(r"[A-Z]{3}")
MAX_AMOUNT = Decimal("999999999999.99")  # max_digits=14, decimal_places=2
MAX_PRISON_MONTHS = 12 * 100
AMOUNT_FIELDS = ("fine_amount", "confiscated_assets_value", "compensation_ordered")
SENTENCE_FIELDS = ("prison_months", "prison_suspended", *AMOUNT_FIELDS, "confiscated_assets")


# --- Fetching what the actor may work on ------------------------------------------------------------------------


def _locked_case(actor: User, criminal_case: Any, action: str = "change") -> CriminalCase:
    """The case as the actor may `action` it, then locked: the stage and the denormalised dates of one case are
    written by one transaction at a time."""
    allowed = criminal_case_for(actor, criminal_case, action)
    return CriminalCase.objects.select_for_update().get(pk=allowed.pk)


def _open(criminal_case: CriminalCase) -> None:
    if criminal_case.is_closed:
        raise ApplicationError(
            "closed", _("This criminal case is concluded: nothing more can be recorded in it."), status=409
        )


def _suspect_for(actor: User, suspect: Any) -> tuple[CriminalCase, Suspect]:
    """(the locked case, the suspect) for a change; NotFound when either is missing or out of scope."""
    pk = check.pk_of(suspect)
    case_id = Suspect.objects.filter(pk=pk).values_list("criminal_case_id", flat=True).first()
    if case_id is None:
        raise NotFound()
    criminal_case = _locked_case(actor, case_id)
    return criminal_case, Suspect.objects.select_for_update().get(pk=pk)


def _charge_for(actor: User, charge: Any) -> tuple[CriminalCase, Charge]:
    pk = check.pk_of(charge)
    case_id = Charge.objects.filter(pk=pk).values_list("criminal_case_id", flat=True).first()
    if case_id is None:
        raise NotFound()
    criminal_case = _locked_case(actor, case_id)
    return criminal_case, Charge.objects.select_related("provision").get(pk=pk)


def _earliest_offence(criminal_case: CriminalCase) -> date | None:
    return Offence.objects.filter(criminal_case=criminal_case).aggregate(first=Min("date_from"))["first"]


def _audit(actor: User, action: str, target: Any, criminal_case: CriminalCase, changes: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=target,
        changes={"criminal_case": criminal_case.pk, **changes},
    )


# --- Keeping the counted dates and the stage in step --------------------------------------------------------------


def decision_chain(decisions: list[CourtDecision]) -> list[CourtDecision]:
    """A charge's decisions in the order of the chain: the first-instance decision, then each appeal of the one
    before. The last one stands."""
    by_appealed = {decision.appeal_of_id: decision for decision in decisions if decision.appeal_of_id}
    first = next((decision for decision in decisions if decision.appeal_of_id is None), None)
    chain: list[CourtDecision] = []
    while first is not None and len(chain) <= len(decisions):
        chain.append(first)
        first = by_appealed.get(first.pk)
    return chain


def _conviction_stands(chain: list[CourtDecision]) -> bool:
    return bool(chain) and chain[-1].outcome in CONVICTIONS


def charge_outcome_sync(charge: Charge) -> None:
    """Charge.outcome, convicted_on and convicted_type from the charge's chain of decisions."""
    chain = decision_chain(list(charge.decisions.select_related("convicted_provision").order_by("decided_on", "pk")))
    standing = chain[-1] if chain else None
    charge.outcome = standing.outcome if standing else ""
    if standing is not None and _conviction_stands(chain):
        charge.convicted_on = next(d.decided_on for d in chain if d.outcome in CONVICTIONS)
        provision = standing.convicted_provision if standing.outcome == Outcome.CONVICTED_OTHER else None
        charge.convicted_type = provision.offence_type if provision is not None else charge.offence_type
    else:
        charge.convicted_on = None
        charge.convicted_type = ""
    charge.save(update_fields=["outcome", "convicted_on", "convicted_type"])


def suspect_stages_sync(suspect: Suspect) -> None:
    """Suspect.prosecuted_on (the first charge, withdrawn or not: the person was prosecuted), convicted_on (the
    first conviction still standing) and sentenced_on (the first standing conviction that carries a sentence)."""
    charges = list(suspect.charges.all())
    decisions = list(CourtDecision.objects.filter(suspect=suspect).order_by("decided_on", "pk"))
    prosecuted = min((charge.charged_on for charge in charges), default=None)
    convicted = min((charge.convicted_on for charge in charges if charge.convicted_on), default=None)
    sentenced: date | None = None
    for charge in charges:
        chain = decision_chain([decision for decision in decisions if decision.charge_id == charge.pk])
        if not _conviction_stands(chain) or not chain[-1].has_sentence:
            continue
        first = next(d.decided_on for d in chain if d.outcome in CONVICTIONS and d.has_sentence)
        sentenced = first if sentenced is None else min(sentenced, first)
    check.model_update(suspect, {"prosecuted_on": prosecuted, "convicted_on": convicted, "sentenced_on": sentenced})


def _derived_stage(criminal_case: CriminalCase) -> tuple[str, date | None]:
    """(the stage, the conclusion date) the case's charges and decisions put it in (see the module's text)."""
    charges = list(criminal_case.charges.all())
    active = [charge for charge in charges if charge.withdrawn_on is None]
    decisions = list(CourtDecision.objects.filter(criminal_case=criminal_case))
    standing = {charge.pk: decision_chain([d for d in decisions if d.charge_id == charge.pk]) for charge in active}
    if not charges:
        return CaseStage.INVESTIGATION, None
    if not decisions:
        return CaseStage.PROSECUTION, None
    if active and all(chain and chain[-1].is_final for chain in standing.values()):
        return CaseStage.CONCLUDED, max(chain[-1].decided_on for chain in standing.values() if chain)
    if any(decision.appeal_of_id for decision in decisions):
        return CaseStage.APPEAL, None
    return CaseStage.TRIAL, None


def criminal_case_stage_sync(criminal_case: CriminalCase, *, reopen: bool = False) -> list[str]:
    """The case's stage from its charges and decisions; returns the changed fields. A case a prosecutor concluded,
    or closed without charges, stays so (unless `reopen`: a final decision removed as a mistake)."""
    if criminal_case.is_closed and not reopen:
        return []
    stage, concluded_on = _derived_stage(criminal_case)
    return check.model_update(criminal_case, {"stage": stage, "concluded_on": concluded_on}).fields


def _version(record: Any, version: Any) -> None:
    check.check_version(record, version, _(STALE))


# --- Formal contact, the investigation, the case's conclusion ------------------------------------------------------


@transaction.atomic
def suspect_formal_contact(
    *, actor: User, suspect: Any, contact_type: str, formal_contact_on: Any, version: Any = None
) -> Suspect:
    """The suspect's formal contact with the criminal justice system: suspected, arrested or cautioned, and when
    (GLOTIP's "brought into formal contact"). Not before the earliest offence, not after the first charge."""
    criminal_case, record = _suspect_for(actor, suspect)
    _open(criminal_case)
    _version(record, version)
    errors = check.Errors()
    kind = check.choice(errors, "contact_type", ContactType, contact_type)
    earliest = _earliest_offence(criminal_case)
    on = check.a_date(
        errors,
        "formal_contact_on",
        formal_contact_on,
        not_before=earliest,
        not_before_message=_("The formal contact cannot be dated before the offence (%(date)s).")
        % {"date": format_date(earliest)},
    )
    if on is not None and record.prosecuted_on is not None and on > record.prosecuted_on and not errors:
        errors["formal_contact_on"] = _("The formal contact cannot come after the first charge (%(date)s).") % {
            "date": format_date(record.prosecuted_on)
        }
    errors.raise_if_any()
    changed = check.model_update(record, {"contact_type": kind, "formal_contact_on": on})
    if changed:
        _audit(
            actor,
            "justice.suspect.formal_contact",
            record,
            criminal_case,
            describe_changes(record, changed.fields, changed.before),
        )
    return record


@transaction.atomic
def investigation_close(*, actor: User, criminal_case: Any, closed_on: Any, version: Any = None) -> CriminalCase:
    """The investigation is closed (the case goes on with its charges, or a prosecutor concludes it)."""
    record = _locked_case(actor, criminal_case)
    _open(record)
    _version(record, version)
    if record.investigation_closed_on is not None:
        raise ApplicationError(
            "invalid",
            _("The investigation is already closed."),
            {"fields": {"closed_on": _("The investigation is already closed.")}},
        )
    errors = check.Errors()
    on = check.a_date(
        errors,
        "closed_on",
        closed_on,
        not_before=record.investigation_opened_on,
        not_before_message=_("The investigation cannot close before it opened (%(date)s).")
        % {"date": format_date(record.investigation_opened_on)},
    )
    errors.raise_if_any()
    changed = check.model_update(record, {"investigation_closed_on": on})
    _audit(actor, "justice.case.investigation_close", record, record, describe_changes(record, changed.fields))
    return record


@transaction.atomic
def criminal_case_conclude(*, actor: User, criminal_case: Any, concluded_on: Any, version: Any = None) -> CriminalCase:
    """A prosecutor concludes the case: concluded if anyone was charged, closed without charges otherwise. The
    investigation closes the same day if it was still open. Nothing more is recorded in it afterwards.

    Concluding is the prosecution's act: the actor may change the case and record its decisions (a prosecutor;
    not an investigator, who records no decisions, nor a judiciary liaison, who does not change the case)."""
    if not decision_cases(actor).filter(pk=check.pk_of(criminal_case)).exists():
        raise NotFound()
    record = _locked_case(actor, criminal_case)
    _open(record)
    _version(record, version)
    charges = list(record.charges.all())
    latest = max(
        [
            record.investigation_opened_on,
            *(c.charged_on for c in charges),
            *(c.withdrawn_on or c.charged_on for c in charges),
        ]
    )
    latest_decision = CourtDecision.objects.filter(criminal_case=record).order_by("-decided_on").first()
    if latest_decision is not None:
        latest = max(latest, latest_decision.decided_on)
    errors = check.Errors()
    on = check.a_date(
        errors,
        "concluded_on",
        concluded_on,
        not_before=latest,
        not_before_message=_("The case cannot be concluded before what is recorded in it (%(date)s).")
        % {"date": format_date(latest)},
    )
    errors.raise_if_any()
    data: dict[str, Any] = {
        "stage": CaseStage.CONCLUDED if charges else CaseStage.CLOSED,
        "concluded_on": on,
    }
    if record.investigation_closed_on is None:
        data["investigation_closed_on"] = on
    changed = check.model_update(record, data)
    _audit(actor, "justice.case.conclude", record, record, describe_changes(record, changed.fields, changed.before))
    return record


# --- Charges ---------------------------------------------------------------------------------------------------


@transaction.atomic
def charge_add(*, actor: User, suspect: Any, provision: Any, charged_on: Any, offence: Any = None) -> Charge:
    """Charge a suspect under a legal provision of the case's country, for an offence of the case (optional).
    Not before the offence (the one named, else the case's earliest) nor before the suspect's formal contact; the
    same provision for the same offence only once. The suspect counts as prosecuted from the first charge."""
    criminal_case, record = _suspect_for(actor, suspect)
    _open(criminal_case)
    errors = check.Errors()
    law = provision_of_country(errors, "provision", provision, criminal_case.country)
    linked: Offence | None = None
    if offence not in (None, ""):
        linked = Offence.objects.filter(pk=check.pk_of(offence), criminal_case=criminal_case).first()
        if linked is None:
            errors["offence"] = _("Choose an offence of this criminal case.")
    earliest = linked.date_from if linked is not None else _earliest_offence(criminal_case)
    on = check.a_date(
        errors,
        "charged_on",
        charged_on,
        not_before=earliest,
        not_before_message=_("A charge cannot be dated before the offence (%(date)s).")
        % {"date": format_date(earliest)},
    )
    contact = record.formal_contact_on
    if on is not None and "charged_on" not in errors and contact is not None and on < contact:
        errors["charged_on"] = _("A charge cannot be dated before the suspect's formal contact (%(date)s).") % {
            "date": format_date(contact)
        }
    if law is not None and "offence" not in errors:
        twice = Charge.objects.filter(suspect=record, provision=law, offence=linked)
        if twice.exists():
            errors["provision"] = _("This suspect is already charged under this provision for this offence.")
    errors.raise_if_any()
    assert law is not None and on is not None
    charge = Charge.objects.create(
        criminal_case=criminal_case,
        suspect=record,
        provision=law,
        offence=linked,
        offence_type=law.offence_type,
        charged_on=on,
        created_by=actor,
    )
    suspect_stages_sync(record)
    criminal_case_stage_sync(criminal_case)
    _audit(
        actor,
        "justice.charge.add",
        charge,
        criminal_case,
        describe_changes(charge, ["suspect", "provision", "offence", "offence_type", "charged_on"]),
    )
    return charge


@transaction.atomic
def charge_withdraw(*, actor: User, charge: Any, withdrawn_on: Any) -> Charge:
    """The prosecution withdraws a charge that no court has decided yet. The suspect stays counted as prosecuted
    (they were charged); the case's stage follows the charges left."""
    criminal_case, record = _charge_for(actor, charge)
    _open(criminal_case)
    if record.withdrawn_on is not None:
        raise ApplicationError("invalid", _("This charge is already withdrawn."))
    if record.decisions.exists():
        raise ApplicationError("invalid", _("A court has decided on this charge: it can no longer be withdrawn."))
    errors = check.Errors()
    on = check.a_date(
        errors,
        "withdrawn_on",
        withdrawn_on,
        not_before=record.charged_on,
        not_before_message=_("A charge cannot be withdrawn before it was brought (%(date)s).")
        % {"date": format_date(record.charged_on)},
    )
    errors.raise_if_any()
    record.withdrawn_on = on
    record.save(update_fields=["withdrawn_on"])
    criminal_case_stage_sync(criminal_case)
    _audit(actor, "justice.charge.withdraw", record, criminal_case, describe_changes(record, ["withdrawn_on"]))
    return record


# --- Court decisions -------------------------------------------------------------------------------------------


def _amount(errors: check.Errors, field: str, value: Any) -> Decimal | None:
    """A non-negative amount with at most two decimals, or None when not given."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        errors[field] = _("Enter an amount of zero or more.")
        return None
    try:
        amount = Decimal(str(value).strip())
    except InvalidOperation:
        errors[field] = _("Enter an amount of zero or more.")
        return None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        errors[field] = _("Enter an amount of zero or more.")
        return None
    return amount.quantize(Decimal("0.01"))


def _on_case(condition: Q) -> Q:
    """A scope condition written for a record of a case (`criminal_case__...`, CRIMINAL_RECORD_SCOPES) read on the
    case itself: the same organizations, country or author reach both."""
    rewritten = Q()
    rewritten.connector, rewritten.negated = condition.connector, condition.negated
    for child in condition.children:
        if isinstance(child, Q):
            rewritten.children.append(_on_case(child))
            continue
        lookup, value = cast(tuple[str, Any], child)
        rest = lookup.removeprefix("criminal_case")
        rewritten.children.append(
            (rest.removeprefix("__") if rest.startswith("__") and rest != "__in" else f"pk{rest}", value)
        )
    return rewritten


def decision_cases(actor: User, action: str = "add") -> QuerySet[CriminalCase]:
    """The criminal cases in which the actor may record ("add") or correct ("change") court decisions."""
    condition = scope_filter(actor, action, CourtDecision)
    if condition is None:
        return CriminalCase.objects.none()
    return CriminalCase.objects.filter(_on_case(condition))


def _decision_charge(actor: User, criminal_case: Any, charge: Any) -> tuple[CriminalCase, Charge | None]:
    """(the locked case, the charge) for recording a decision: NotFound unless the actor may record decisions in
    the case. The charge is None when none is named or it is not one of the case's: refused later."""
    case_id = check.pk_of(criminal_case)
    if not decision_cases(actor).filter(pk=case_id).exists():
        raise NotFound()
    record = None
    if charge not in (None, ""):
        record = Charge.objects.filter(pk=check.pk_of(charge), criminal_case_id=case_id).first()
    return CriminalCase.objects.select_for_update().get(pk=case_id), record


@transaction.atomic
def decision_record(
    *,
    actor: User,
    criminal_case: Any,
    charge: Any,
    level: str,
    decided_on: Any,
    outcome: str,
    court: Any = None,
    court_name: str = "",
    convicted_provision: Any = None,
    prison_months: Any = None,
    prison_suspended: bool = False,
    fine_amount: Any = None,
    currency: str = "",
    confiscated_assets: str = "",
    confiscated_assets_value: Any = None,
    compensation_ordered: Any = None,
    is_final: bool = False,
    appeal_of: Any = None,
) -> CourtDecision:
    """A court's decision on one charge of one defendant: at first instance (one per charge), or on appeal of the
    standing decision (`appeal_of`), which it replaces. A conviction may carry a sentence; an acquittal or a
    dismissal carries none. Keeps the charge's outcome, the suspect's dates and the case's stage in step."""
    case, record = _decision_charge(actor, criminal_case, charge)
    _open(case)
    errors = check.Errors()
    if record is None:
        errors["charge"] = (
            _("A decision needs a charge: choose the charge it decides.")
            if charge in (None, "")
            else _("Choose a charge of this criminal case.")
        )
    elif record.withdrawn_on is not None:
        errors["charge"] = _("This charge was withdrawn: no court decides on it.")
    level_value = check.choice(errors, "level", DecisionLevel, level)
    outcome_value = check.choice(errors, "outcome", Outcome, outcome)
    earlier = record.charged_on if record is not None and "charge" not in errors else None
    on = check.a_date(
        errors,
        "decided_on",
        decided_on,
        not_before=earlier,
        not_before_message=_("A decision cannot be dated before its charge (%(date)s).")
        % {"date": format_date(earlier)},
    )
    appealed = _appealed(errors, record if "charge" not in errors else None, level_value, appeal_of, on)
    court_org = organization_of_country(errors, "court", court, case.country)
    name = check.line(errors, "court_name", court_name, max_length=200)
    if court_org is None and not name and "court" not in errors:
        errors["court_name"] = _("Name the court, or choose it.")
    law = None
    if outcome_value == Outcome.CONVICTED_OTHER:
        law = provision_of_country(errors, "convicted_provision", convicted_provision, case.country)
    elif convicted_provision not in (None, ""):
        errors["convicted_provision"] = _("Only a conviction of another offence names the provision applied.")
    months = check.whole_number(errors, "prison_months", prison_months, maximum=MAX_PRISON_MONTHS)
    amounts = {
        field: _amount(errors, field, value)
        for field, value in (
            ("fine_amount", fine_amount),
            ("confiscated_assets_value", confiscated_assets_value),
            ("compensation_ordered", compensation_ordered),
        )
    }
    assets = check.line(errors, "confiscated_assets", confiscated_assets)
    if not isinstance(prison_suspended, bool):
        errors["prison_suspended"] = _("Say yes or no.")
    if not isinstance(is_final, bool):
        errors["is_final"] = _("Say yes or no.")
    if prison_suspended is True and not months:
        errors["prison_suspended"] = _("Only a prison term can be suspended: give the term.")
    currency_value = str(currency or "").strip().upper()
    if currency_value and not CURRENCY.fullmatch(currency_value):
        errors["currency"] = _("Give the currency as three letters (ISO 4217, e.g. BRL).")
    elif not currency_value and any(amount is not None for amount in amounts.values()):
        errors["currency"] = _("Give the currency of the amounts (ISO 4217, e.g. BRL).")
    if outcome_value and outcome_value not in CONVICTIONS:
        given = {
            "prison_months": months,
            "prison_suspended": prison_suspended is True,
            **amounts,
            "confiscated_assets": assets,
        }
        for field, value in given.items():
            if value not in (None, "", False):
                errors[field] = _("An acquittal or a dismissal carries no sentence.")
    errors.raise_if_any()
    assert record is not None and on is not None
    decision = CourtDecision.objects.create(
        criminal_case=case,
        charge=record,
        suspect_id=record.suspect_id,
        level=level_value,
        appeal_of=appealed,
        court=court_org,
        court_name=name,
        decided_on=on,
        outcome=outcome_value,
        convicted_provision=law,
        prison_months=months,
        prison_suspended=prison_suspended is True,
        currency=currency_value,
        confiscated_assets=assets,
        is_final=is_final is True,
        created_by=actor,
        **amounts,
    )
    charge_outcome_sync(record)
    suspect_stages_sync(Suspect.objects.select_for_update().get(pk=record.suspect_id))
    criminal_case_stage_sync(case)
    _audit(
        actor,
        "justice.decision.record",
        decision,
        case,
        describe_changes(
            decision,
            [
                "charge",
                "suspect",
                "level",
                "appeal_of",
                "court",
                "court_name",
                "decided_on",
                "outcome",
                "convicted_provision",
                *SENTENCE_FIELDS,
                "currency",
                "is_final",
            ],
        ),
    )
    return decision


def _appealed(
    errors: check.Errors, charge: Charge | None, level: str, appeal_of: Any, decided_on: date | None
) -> CourtDecision | None:
    """The decision an appeal decision replaces, checked: of the same charge, standing (not already appealed),
    not final, and decided before. A first-instance decision appeals nothing and comes once per charge."""
    if level == DecisionLevel.FIRST_INSTANCE:
        if appeal_of not in (None, ""):
            errors["appeal_of"] = _("A first-instance decision appeals nothing: choose the appeal level.")
        elif charge is not None and charge.decisions.exists():
            errors["level"] = _(
                "A first-instance decision already stands for this charge: record an appeal of it instead."
            )
        return None
    if not level:
        return None
    if appeal_of in (None, ""):
        errors["appeal_of"] = _("An appeal decision names the decision it appeals.")
        return None
    if charge is None:
        return None
    appealed = CourtDecision.objects.filter(pk=check.pk_of(appeal_of)).first()
    if appealed is None or appealed.charge_id != charge.pk:
        errors["appeal_of"] = _("Choose a decision on this charge.")
        return None
    if CourtDecision.objects.filter(appeal_of=appealed).exists():
        errors["appeal_of"] = _("This decision has already been appealed: appeal the latest decision.")
    elif appealed.is_final:
        errors["appeal_of"] = _("This decision is final: it cannot be appealed.")
    elif decided_on is not None and decided_on < appealed.decided_on and "decided_on" not in errors:
        errors["decided_on"] = _("An appeal cannot be decided before the decision it appeals (%(date)s).") % {
            "date": format_date(appealed.decided_on)
        }
    return appealed


@transaction.atomic
def decision_remove(*, actor: User, decision: Any, reason: str) -> None:
    """Correct a decision recorded by mistake: the standing one (the last of its chain) is removed, with a reason,
    and may then be recorded again. Its values stay in the audit. A case that was concluded only because every
    charge had a final decision opens again; one a prosecutor concluded stays closed."""
    pk = check.pk_of(decision)
    case_id = CourtDecision.objects.filter(pk=pk).values_list("criminal_case_id", flat=True).first()
    if case_id is None or not decision_cases(actor, "change").filter(pk=case_id).exists():
        raise NotFound()
    case = CriminalCase.objects.select_for_update().get(pk=case_id)
    record = CourtDecision.objects.select_related("charge").get(pk=pk)
    if case.is_closed and _derived_stage(case)[0] != CaseStage.CONCLUDED:
        _open(case)
    if CourtDecision.objects.filter(appeal_of=record).exists():
        raise ApplicationError(
            "invalid", _("An appeal decision replaced this decision: remove the appeal decision first.")
        )
    errors = check.Errors()
    why = check.text(errors, "reason", reason, required=True, max_length=500)
    errors.raise_if_any()
    changes = describe_changes(
        record, ["charge", "suspect", "level", "appeal_of", "decided_on", "outcome", *SENTENCE_FIELDS, "is_final"]
    )
    charge = record.charge
    record.delete()
    charge_outcome_sync(charge)
    suspect_stages_sync(Suspect.objects.select_for_update().get(pk=charge.suspect_id))
    criminal_case_stage_sync(case, reopen=True)
    audit_record(
        actor=actor,
        action="justice.decision.remove",
        object_type=CourtDecision._meta.label_lower,
        object_id=pk,
        changes={"criminal_case": case.pk, **changes},
        reason=why,
    )
