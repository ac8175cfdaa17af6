"""Victims in the proceedings: linking a victim's case to a criminal case by its number, the victim's role,
protection and compensation, how defendants are related to victims, the audited reveals of a victim's name and
statement, and hearings."""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

import pycountry
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tipsom.accounts.models import User
from tipsom.audit.reveal import identifying_reveal, reveal_reason, reveal_record
from tipsom.audit.services import audit_record, describe_changes
from tipsom.cases.models import Case
from tipsom.cases.selectors import case_number_candidates
from tipsom.core import validation as check
from tipsom.core.errors import NotFound
from tipsom.justice.models import (
    CriminalCase,
    Hearing,
    HearingKind,
    ProtectionMeasure,
    Suspect,
    SuspectVictimRelation,
    TestimonyMode,
    VictimInProceedings,
    VictimRole,
)
from tipsom.justice.services.common import criminal_case_for, organization_of_country
from tipsom.people.services import person_identity_reveal

STALE_LINK = gettext_noop(
    "Someone else changed this victim's record after you opened it. Reload it and apply your change again."
)
RELATIONSHIP_LIST = "vic_RelationshipToTrafficker"
MAX_AMOUNT = Decimal("999999999999.99")
LINK_FIELDS = (
    "role",
    "protection_measures",
    "testimony_mode",
    "compensation_claimed",
    "compensation_received",
    "currency",
    "statement",
)
HEARING_FIELDS = ("kind", "starts_at", "court", "court_name", "room", "victims", "note")


def _audit(actor: User, action: str, target: Any, criminal_case: CriminalCase, changes: dict[str, Any]) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=target,
        organization=criminal_case.owner_organization_id,
        changes={"criminal_case": criminal_case.reference, **changes},
    )


# Checks of the values -------------------------------------------------------------------------------------------


def _amount(errors: check.Errors, field: str, value: Any) -> Decimal | None:
    """An amount of money: empty, or a number from 0 with at most two decimals."""
    if value in (None, ""):
        return None
    if isinstance(value, (bool, float)):
        value = str(value) if isinstance(value, float) else "x"
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        errors[field] = _("Enter an amount, e.g. 1500.00.")
        return None
    if not amount.is_finite():
        errors[field] = _("Enter an amount, e.g. 1500.00.")
        return None
    if amount < 0:
        errors[field] = _("An amount cannot be negative.")
        return None
    if amount > MAX_AMOUNT or amount != amount.quantize(Decimal("0.01")):
        errors[field] = _("Enter an amount with at most two decimals and twelve digits.")
        return None
    return amount.quantize(Decimal("0.01"))


def _currency(errors: check.Errors, field: str, value: Any) -> str:
    code = str(value or "").strip().upper()
    if code and (len(code) != 3 or pycountry.currencies.get(alpha_3=code) is None):
        errors[field] = _("Unknown currency (use an ISO 4217 code such as BRL or USD).")
        return ""
    return code


def _measures(errors: check.Errors, field: str, value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)):
        errors[field] = _("Give a list of protection measures.")
        return []
    unknown = [str(item)[:60] for item in value if item not in ProtectionMeasure.values]
    if unknown:
        errors[field] = _("Unknown values: %(values)s.") % {"values": ", ".join(unknown)}
        return []
    return list(dict.fromkeys(value))


def _link_values(errors: check.Errors, data: dict[str, Any]) -> dict[str, Any]:
    """The checked values of the fields given in `data` (a partial change checks only what it changes)."""
    values: dict[str, Any] = {}
    if "role" in data:
        values["role"] = check.choice(errors, "role", VictimRole, data["role"])
    if "protection_measures" in data:
        values["protection_measures"] = _measures(errors, "protection_measures", data["protection_measures"])
    if "testimony_mode" in data:
        values["testimony_mode"] = check.choice(errors, "testimony_mode", TestimonyMode, data["testimony_mode"])
    for name in ("compensation_claimed", "compensation_received"):
        if name in data:
            values[name] = _amount(errors, name, data[name])
    if "currency" in data:
        values["currency"] = _currency(errors, "currency", data["currency"])
    if "statement" in data:
        values["statement"] = check.text(errors, "statement", data["statement"])
    return values


def _compensation_rule(errors: check.Errors, link: VictimInProceedings) -> None:
    """An amount needs its currency."""
    amounts = (link.compensation_claimed, link.compensation_received)
    if any(amount is not None for amount in amounts) and not link.currency and "currency" not in errors:
        errors["currency"] = _("Give the currency of the amounts.")


def victim_case_by_number(errors: check.Errors, field: str, number: Any, country: str) -> Case | None:
    """The victim case a justice user names by its number, within the criminal case's country only. The year
    and serial are needed ("2026-63" or "BR-2026-000063"); a serial alone could mean several cases."""
    text = check.line(errors, field, number, required=True, max_length=40)
    if field in errors:
        return None
    candidates = [value for value in case_number_candidates(text) or [] if value.startswith(f"{country}-")]
    if len(candidates) != 1:
        errors[field] = _("Give the victim case number with its year, e.g. %(example)s.") % {
            "example": f"{country}-{timezone.localdate().year}-000063"
        }
        return None
    found = Case.objects.filter(country=country, case_number=candidates[0]).select_related("person").first()
    if found is None:
        errors[field] = _("No victim case %(number)s in this country.") % {"number": candidates[0]}
        return None
    return found


def _link_of(actor: User, victim_link: Any, action: str) -> tuple[VictimInProceedings, CriminalCase]:
    """A victim link and its criminal case as the actor may `action` it; NotFound otherwise."""
    pk = check.pk_of(victim_link)
    link = VictimInProceedings.objects.select_related("case").filter(pk=pk).first()
    if link is None:
        raise NotFound()
    criminal_case = criminal_case_for(actor, link.criminal_case_id, action)
    return link, criminal_case


# Victims in the proceedings -----------------------------------------------------------------------------------


@transaction.atomic
def victim_link_add(
    *,
    actor: User,
    criminal_case: Any,
    case_number: str,
    role: str,
    protection_measures: list[str] | None = None,
    testimony_mode: str = TestimonyMode.NOT_YET,
    compensation_claimed: Any = None,
    compensation_received: Any = None,
    currency: str = "",
    statement: str = "",
) -> VictimInProceedings:
    """Link a victim's case (named by its exact number, in the criminal case's country) to the criminal case,
    once per criminal case. The justice user sees nothing of the victim case but its number."""
    record = criminal_case_for(actor, criminal_case, "change")
    errors = check.Errors()
    case = victim_case_by_number(errors, "case_number", case_number, record.country)
    if case is not None and VictimInProceedings.objects.filter(criminal_case=record, case=case).exists():
        errors["case_number"] = _("This victim case is already linked to this criminal case.")
    values = _link_values(
        errors,
        {
            "role": role,
            "protection_measures": protection_measures,
            "testimony_mode": testimony_mode,
            "compensation_claimed": compensation_claimed,
            "compensation_received": compensation_received,
            "currency": currency,
            "statement": statement,
        },
    )
    link = VictimInProceedings(criminal_case=record, case=case, created_by=actor, **values)
    _compensation_rule(errors, link)
    errors.raise_if_any()
    link.save()
    changes = describe_changes(link, [name for name in LINK_FIELDS if name != "statement" or link.statement])
    _audit(actor, "justice.victim.add", link, record, {"case_number": case.case_number, **changes})  # type: ignore[union-attr]
    return link


@transaction.atomic
def victim_link_update(
    *, actor: User, victim_link: Any, version: int | None = None, **fields: Any
) -> VictimInProceedings:
    """Change a victim's role, protection measures, testimony, compensation or statement (only the fields
    given). The statement is stored encrypted and never copied into the audit log."""
    check.reject_unknown(fields, LINK_FIELDS)
    link, record = _link_of(actor, victim_link, "change")
    check.check_version(link, version, _(STALE_LINK))
    errors = check.Errors()
    values = _link_values(errors, fields)
    errors.raise_if_any()

    def rules(changed: VictimInProceedings) -> None:
        _compensation_rule(errors, changed)
        errors.raise_if_any()

    update = check.model_update(link, values, check=rules)
    if update:
        changes = describe_changes(link, update.fields, update.before)
        _audit(actor, "justice.victim.update", link, record, {"case_number": link.case.case_number, **changes})
    return link


@transaction.atomic
def victim_link_remove(*, actor: User, victim_link: Any) -> None:
    """Unlink a victim case linked by mistake (with its relationships and summons)."""
    link, record = _link_of(actor, victim_link, "change")
    number = link.case.case_number
    _audit(actor, "justice.victim.remove", link, record, {"case_number": number})
    link.delete()


@transaction.atomic
def suspect_victim_relation_set(
    *, actor: User, suspect: Any, victim: Any, relationship: str, detail: str = ""
) -> SuspectVictimRelation:
    """How a defendant is related to a victim of the same criminal case (an HTCDS vic_RelationshipToTrafficker
    code and a few words); set again, it replaces the earlier one."""
    link, record = _link_of(actor, victim, "change")
    errors = check.Errors()
    defendant = Suspect.objects.filter(pk=check.pk_of(suspect), criminal_case=record).first()
    if defendant is None:
        errors["suspect"] = _("Choose a suspect or defendant of this criminal case.")
    code = check.code(errors, "relationship", RELATIONSHIP_LIST, relationship)
    words = check.line(errors, "detail", detail, max_length=100)
    errors.raise_if_any()
    relation, created = SuspectVictimRelation.objects.update_or_create(
        suspect=defendant, victim=link, defaults={"relationship": code, "detail": words}
    )
    _audit(
        actor,
        "justice.victim.relation",
        relation,
        record,
        {"suspect": relation.suspect_id, "victim": link.pk, "relationship": code, "created": created},
    )
    return relation


@transaction.atomic
def suspect_victim_relation_remove(*, actor: User, relation: Any) -> None:
    found = SuspectVictimRelation.objects.select_related("victim").filter(pk=check.pk_of(relation)).first()
    if found is None:
        raise NotFound()
    record = criminal_case_for(actor, found.victim.criminal_case_id, "change")
    _audit(
        actor, "justice.victim.relation_remove", found, record, {"suspect": found.suspect_id, "victim": found.victim_id}
    )
    found.delete()


# Reveals ----------------------------------------------------------------------------------------------------------


@transaction.atomic
def victim_identity_reveal(*, actor: User, victim_link: Any, reason: str) -> dict[str, Any]:
    """The victim's names, for the criminal case's investigators and prosecutors (who may reveal the criminal
    case), audited with the reason on the link and on each name. A national rapporteur never gets here."""
    link, _record = _link_of(actor, victim_link, "reveal")
    reason = reveal_reason(reason)
    reveal_record(actor=actor, target=link, parts=["names"], reason=reason)
    identity = person_identity_reveal(actor=actor, person=link.case.person, reason=reason, parts=["names"])
    return {"case_number": link.case.case_number, "names": identity.get("names", [])}


@transaction.atomic
def victim_statement_reveal(*, actor: User, victim_link: Any, reason: str) -> str:
    """The victim's statement, after an audited reveal with the reason."""
    link, _record = _link_of(actor, victim_link, "reveal")
    return identifying_reveal(actor=actor, target=link, fields=["statement"], reason=reason)["statement"]


# Hearings ---------------------------------------------------------------------------------------------------------


def _starts_at(errors: check.Errors, value: Any) -> datetime.datetime | None:
    if value in (None, ""):
        errors["starts_at"] = _("This field is required.")
        return None
    parsed: datetime.datetime | None
    if isinstance(value, datetime.datetime):
        parsed = value
    else:
        try:
            parsed = parse_datetime(str(value).strip())
        except ValueError:
            parsed = None
    if parsed is None:
        errors["starts_at"] = _("Enter a valid date and time (YYYY-MM-DD HH:MM).")
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if not 1900 <= parsed.year <= 2999:
        errors["starts_at"] = _("Enter a valid date and time (YYYY-MM-DD HH:MM).")
        return None
    return parsed


def _summoned(errors: check.Errors, value: Any, record: CriminalCase) -> list[VictimInProceedings]:
    """The victims summoned: links of this criminal case only."""
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)):
        errors["victims"] = _("Give a list of victims of this case.")
        return []
    ids = list(dict.fromkeys(check.pk_of(item) for item in value))
    found = list(VictimInProceedings.objects.filter(criminal_case=record, pk__in=ids))
    if len(found) != len(ids):
        errors["victims"] = _("Choose victims linked to this criminal case.")
        return []
    return found


def _hearing_values(errors: check.Errors, data: dict[str, Any], record: CriminalCase) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "kind" in data:
        values["kind"] = check.choice(errors, "kind", HearingKind, data["kind"])
    if "starts_at" in data:
        values["starts_at"] = _starts_at(errors, data["starts_at"])
    if "court" in data:
        values["court"] = organization_of_country(errors, "court", data["court"], record.country)
    if "court_name" in data:
        values["court_name"] = check.line(errors, "court_name", data["court_name"], max_length=200)
    if "room" in data:
        values["room"] = check.line(errors, "room", data["room"], max_length=60)
    if "note" in data:
        values["note"] = check.line(errors, "note", data["note"], max_length=300)
    if "victims" in data:
        values["victims"] = _summoned(errors, data["victims"], record)
    return values


def _hearing_changes(hearing: Hearing, fields: list[str], before: dict[str, Any] | None = None) -> dict[str, Any]:
    plain = [name for name in fields if name != "victims"]
    changes = describe_changes(hearing, plain, before)
    if "victims" in fields:
        changes["victims"] = sorted(hearing.victims.values_list("pk", flat=True))
    return changes


@transaction.atomic
def hearing_add(
    *,
    actor: User,
    criminal_case: Any,
    kind: str,
    starts_at: Any,
    court: Any = None,
    court_name: str = "",
    room: str = "",
    victims: list[Any] | None = None,
    note: str = "",
) -> Hearing:
    """A hearing of the criminal case (past or coming), with the victims of the case summoned to it."""
    record = criminal_case_for(actor, criminal_case, "change")
    errors = check.Errors()
    data = {"kind": kind, "starts_at": starts_at, "court": court, "court_name": court_name, "room": room}
    values = _hearing_values(errors, {**data, "note": note, "victims": victims}, record)
    if values.get("court") is None and not values.get("court_name") and "court" not in errors:
        errors["court"] = _("Name the court: choose it, or write its name.")
    errors.raise_if_any()
    summoned = values.pop("victims")
    hearing = Hearing.objects.create(criminal_case=record, created_by=actor, **values)
    hearing.victims.set(summoned)
    _audit(actor, "justice.hearing.add", hearing, record, _hearing_changes(hearing, list(HEARING_FIELDS)))
    return hearing


def _hearing_of(actor: User, hearing: Any) -> tuple[Hearing, CriminalCase]:
    found = Hearing.objects.filter(pk=check.pk_of(hearing)).first()
    if found is None:
        raise NotFound()
    return found, criminal_case_for(actor, found.criminal_case_id, "change")


@transaction.atomic
def hearing_update(*, actor: User, hearing: Any, **fields: Any) -> Hearing:
    """Change a hearing: its date, court, room, note or the victims summoned (only the fields given)."""
    check.reject_unknown(fields, HEARING_FIELDS)
    found, record = _hearing_of(actor, hearing)
    errors = check.Errors()
    values = _hearing_values(errors, fields, record)
    court = values.get("court", found.court)
    name = values.get("court_name", found.court_name)
    if court is None and not name and "court" not in errors:
        errors["court"] = _("Name the court: choose it, or write its name.")
    errors.raise_if_any()
    summoned = values.pop("victims", None)
    before_victims = sorted(found.victims.values_list("pk", flat=True))
    update = check.model_update(found, values)
    changed = list(update.fields)
    if summoned is not None and sorted(link.pk for link in summoned) != before_victims:
        found.victims.set(summoned)
        changed.append("victims")
    if changed:
        changes = _hearing_changes(found, changed, {**update.before, "victims": before_victims})
        if "victims" in changes:
            changes["victims"] = [before_victims, changes["victims"]]
        _audit(actor, "justice.hearing.update", found, record, changes)
    return found


@transaction.atomic
def hearing_cancel(*, actor: User, hearing: Any, reason: str = "") -> None:
    """Cancel a hearing (it is removed from the case; the audit log keeps when it was and why it went)."""
    found, record = _hearing_of(actor, hearing)
    errors = check.Errors()
    why = check.line(errors, "reason", reason, max_length=300)
    errors.raise_if_any()
    audit_record(
        actor=actor,
        action="justice.hearing.cancel",
        target=found,
        organization=record.owner_organization_id,
        changes={"criminal_case": record.reference, "starts_at": found.starts_at.isoformat(), "kind": found.kind},
        reason=why,
    )
    found.delete()
