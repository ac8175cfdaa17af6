"""The anonymised case brief of a concluded criminal case, in the shape of a UNODC SHERLOC case summary: the case
reference, country, crime types (ICCS), dates, the prosecutor's anonymised summary of the facts, the modus operandi
(HTCDS codes in words), charges, verdicts and sentences per defendant, defendants as "Defendant 1, 2" (sex, age
group, citizenship, roles), victims counted by sex and age group, and the international cooperation.

It holds no name and no free text but the summary (`brief_summary`): never the encrypted facts, modus operandi
text, statements, titles, file numbers or descriptions of assets. Before a brief leaves `brief_build`, the names of
every person linked to the case (the defendants' names and aliases, the victims' names through their victim
cases, each also in Latin letters) are decrypted in memory and looked for in it; one found refuses the brief
("brief_names") without saying which. That check is part of building and is not audited on its own: what is
audited is each export ("justice.brief.export", with its format) and each change of the summary."""

from __future__ import annotations

import json
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.audit.services import REDACTED, audit_record
from tipsom.cases.models import Case
from tipsom.core import validation as check
from tipsom.core.codes import code_label
from tipsom.core.errors import ApplicationError
from tipsom.justice.models import (
    ICCS_CODES,
    AgeGroup,
    CaseStage,
    Charge,
    CooperationKind,
    CooperationRequest,
    CourtDecision,
    CriminalCase,
    DecisionLevel,
    Direction,
    LegalProvision,
    Offence,
    OffenceType,
    Outcome,
    Suspect,
    SuspectRole,
    VictimInProceedings,
)
from tipsom.justice.services.common import STALE, criminal_case_for
from tipsom.organizations import geography
from tipsom.people.models import PersonName

ADULT_AGE = 18
BRIEF_FORMATS = ("json", "pdf")
# The HTCDS code lists of the offences' modus operandi, in the order a SHERLOC summary tells them.
MODUS_OPERANDI = (
    ("recruitment", "recruitment_methods", "vic_MethodOfRecruitment"),
    ("control", "means_of_control", "vic_MethodsOfControl"),
    ("exploitation", "exploitation_types", "vic_TypeOfExploitation"),
)
_ICCS: dict[str, str] = {str(offence_type): code for offence_type, code in ICCS_CODES.items()}
# Parts of a name shorter than this ("da", "el") are common words: only the whole name is looked for.
NAME_PART_MIN = 3


# Names ------------------------------------------------------------------------------------------------------------


def _fold(text: str) -> str:
    """Text compared without case or accents: "MARÍA" and "maria" are the same."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char)).casefold()


# Scripts written without spaces between words (Thai, Lao, Myanmar, Khmer, Chinese, Japanese): a name in them is
# looked for anywhere, since no word boundary marks it.
_UNSPACED = re.compile(r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u9fff]")


def _contains(folded_text: str, folded_phrase: str) -> bool:
    """Whether the phrase is in the text as whole words (not "Ana" in "banana")."""
    if _UNSPACED.search(folded_phrase):
        return folded_phrase in folded_text
    return re.search(rf"(?<!\w){re.escape(folded_phrase)}(?!\w)", folded_text) is not None


def case_person_names(criminal_case: CriminalCase) -> list[str]:
    """Every name of every person linked to the case, in its own script and in Latin letters, decrypted in memory:
    the defendants' names and aliases and the victims' (through their victim cases). Two queries. For the name check
    only: never shown, never returned to a caller outside this module's services."""
    suspects = Suspect.objects.filter(criminal_case=criminal_case).values("person_id")
    victims = Case.objects.filter(
        pk__in=VictimInProceedings.objects.filter(criminal_case=criminal_case).values("case_id")
    ).values("person_id")
    rows = PersonName.objects.filter(Q(person_id__in=suspects) | Q(person_id__in=victims)).only("name", "name_latin")
    names = {value.strip() for row in rows for value in (row.name, row.name_latin) if value and value.strip()}
    return sorted(names)


def names_in(text: str, names: Iterable[str], *, parts: bool) -> bool:
    """Whether any of `names` appears in `text` (case and accents aside): each whole name, and with `parts` each of
    its words of NAME_PART_MIN letters or more (a summary naming "Maria" of "Maria Flores Condori")."""
    folded = _fold(text)
    for name in names:
        phrases = {_fold(name)}
        if parts:
            phrases |= {word for word in re.split(r"[^\w]+", _fold(name)) if len(word) >= NAME_PART_MIN}
        if any(phrase and _contains(folded, phrase) for phrase in phrases):
            return True
    return False


def _summary_names_error() -> ApplicationError:
    message = _(
        "The summary names a person of this case (a defendant or a victim). Rewrite it without names: say "
        "“Defendant 1” or “the victim” instead."
    )
    return ApplicationError("brief_names", message, {"fields": {"brief_summary": message}})


# Building ---------------------------------------------------------------------------------------------------------


def _coded(code: str, label: Any) -> dict[str, str]:
    return {"code": code, "label": str(label)}


def _country(code: str) -> dict[str, str]:
    return {"code": code, "label": geography.country_name(code) if code else ""}


def _choice(choices: Any, code: str) -> dict[str, str]:
    try:
        return _coded(code, choices(code).label)
    except ValueError:
        return _coded(code, code)


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _age_group(age: int | None, presumed_minor: bool = False) -> dict[str, str]:
    if age is None:
        group = AgeGroup.CHILD if presumed_minor else AgeGroup.UNKNOWN
    else:
        group = AgeGroup.CHILD if age < ADULT_AGE else AgeGroup.ADULT
    return _coded(group, group.label)


def _provision(provision: LegalProvision | None) -> dict[str, Any] | None:
    if provision is None:
        return None
    return {
        "law": provision.law,
        "article": provision.article,
        "title": provision.title,
        "offence_type": _choice(OffenceType, provision.offence_type),
        "iccs_code": provision.iccs_code or _ICCS.get(provision.offence_type, ""),
    }


def _crime_types(offences: list[Offence], charges: list[Charge]) -> list[dict[str, str]]:
    """The offence types of the case's offences and charges, each with its ICCS code (a provision's own code, else
    the type's), once each."""
    found: dict[tuple[str, str], dict[str, str]] = {}
    for offence_type, provision in [(o.offence_type, o.provision) for o in offences] + [
        (c.offence_type or c.provision.offence_type, c.provision) for c in charges
    ]:
        iccs = (provision.iccs_code if provision is not None else "") or _ICCS.get(offence_type, "")
        found.setdefault((offence_type, iccs), {**_choice(OffenceType, offence_type), "iccs_code": iccs})
    return list(found.values())


def _modus_operandi(offences: list[Offence]) -> dict[str, list[dict[str, str]]]:
    result: dict[str, list[dict[str, str]]] = {}
    for key, field, list_name in MODUS_OPERANDI:
        codes = list(dict.fromkeys(code for offence in offences for code in getattr(offence, field) or []))
        result[key] = [_coded(code, code_label(list_name, code)) for code in codes]
    return result


def _sentence(decision: CourtDecision) -> dict[str, Any] | None:
    if not decision.has_sentence and not decision.prison_suspended:
        return None
    return {
        "prison_months": decision.prison_months,
        "prison_suspended": decision.prison_suspended,
        "fine": _money(decision.fine_amount),
        "confiscated_assets_value": _money(decision.confiscated_assets_value),
        "compensation_ordered": _money(decision.compensation_ordered),
        "currency": decision.currency,
    }


def _decision(decision: CourtDecision) -> dict[str, Any]:
    # A court is an institution, not a person: its name stays.
    court = decision.court.name if decision.court is not None else decision.court_name
    return {
        "level": _choice(DecisionLevel, decision.level),
        "court": court,
        "decided_on": _iso(decision.decided_on),
        "outcome": _choice(Outcome, decision.outcome),
        "convicted_under": _provision(decision.convicted_provision),
        "sentence": _sentence(decision),
        "is_final": decision.is_final,
    }


def _defendants(suspects: list[Suspect], charges: list[Charge], decisions: list[CourtDecision]) -> list[dict[str, Any]]:
    decisions_of: dict[int, list[CourtDecision]] = {}
    for decision in decisions:
        decisions_of.setdefault(decision.charge_id, []).append(decision)
    charges_of: dict[int, list[Charge]] = {}
    for charge in charges:
        charges_of.setdefault(charge.suspect_id, []).append(charge)
    defendants = []
    for number, suspect in enumerate(suspects, start=1):
        person = suspect.person
        defendants.append(
            {
                "label": _("Defendant %(number)s") % {"number": number},
                "sex": _coded(person.gender, code_label("prs_Gender", person.gender)),
                "age_group": _age_group(suspect.age_at_offence),
                "citizenships": [_country(code) for code in person.citizenships or []],
                "roles": [_choice(SuspectRole, role) for role in suspect.roles or []],
                "charges": [
                    {
                        "provision": _provision(charge.provision),
                        "charged_on": _iso(charge.charged_on),
                        "withdrawn_on": _iso(charge.withdrawn_on),
                        "outcome": _choice(Outcome, charge.outcome) if charge.outcome else None,
                        "decisions": [_decision(d) for d in decisions_of.get(charge.pk, [])],
                    }
                    for charge in charges_of.get(suspect.pk, [])
                ],
            }
        )
    return defendants


def _victims(links: list[VictimInProceedings]) -> dict[str, Any]:
    """The victims counted by sex and age group: nothing else of them."""
    counted: Counter[tuple[str, str]] = Counter()
    for link in links:
        person = link.case.person
        # A victim case is a child's when the person was under 18 at identification or is presumed a minor.
        if link.case.is_child or person.is_presumed_minor:
            group = AgeGroup.CHILD
        else:
            group = AgeGroup.ADULT if person.birth_year is not None else AgeGroup.UNKNOWN
        counted[(person.gender, group)] += 1
    return {
        "total": len(links),
        "by_sex_and_age": [
            {
                "sex": _coded(sex, code_label("prs_Gender", sex)),
                "age_group": _coded(group, AgeGroup(group).label),
                "count": count,
            }
            for (sex, group), count in sorted(counted.items())
        ],
    }


def _cooperation(requests: list[CooperationRequest]) -> list[dict[str, Any]]:
    """The requests counted by kind and direction, with the countries they went to or came from."""
    grouped: dict[tuple[str, str], dict[str, Any]] = {}
    for request in requests:
        entry = grouped.setdefault(
            (request.kind, request.direction),
            {
                "kind": _choice(CooperationKind, request.kind),
                "direction": _choice(Direction, request.direction),
                "count": 0,
                "countries": [],
            },
        )
        entry["count"] += 1
        for code in request.countries or []:
            if code not in [c["code"] for c in entry["countries"]]:
                entry["countries"].append(_country(code))
    return list(grouped.values())


def _brief_of(criminal_case: CriminalCase) -> dict[str, Any]:
    offences = list(criminal_case.offences.select_related("provision").order_by("date_from", "pk"))
    suspects = list(
        Suspect.objects.filter(criminal_case=criminal_case)
        .select_related("person")
        .only("id", "roles", "age_at_offence", "person__id", "person__gender", "person__citizenships")
        .order_by("pk")
    )
    charges = list(
        Charge.objects.filter(criminal_case=criminal_case).select_related("provision").order_by("charged_on", "pk")
    )
    decisions = list(
        CourtDecision.objects.filter(criminal_case=criminal_case)
        .select_related("court", "convicted_provision")
        .order_by("decided_on", "pk")
    )
    victims = list(
        VictimInProceedings.objects.filter(criminal_case=criminal_case)
        .select_related("case__person")
        .only(
            "id",
            "case__id",
            "case__is_child",
            "case__person__id",
            "case__person__gender",
            "case__person__birth_year",
            "case__person__is_presumed_minor",
        )
        .order_by("pk")
    )
    cooperation = list(CooperationRequest.objects.filter(criminal_case=criminal_case).order_by("pk"))
    countries = list(
        dict.fromkeys([*criminal_case.countries_involved, *(c for o in offences for c in o.countries_involved)])
    )
    return {
        "reference": criminal_case.reference,
        "country": _country(criminal_case.country),
        "crime_types": _crime_types(offences, charges),
        "transnational": criminal_case.is_transnational or any(o.is_transnational for o in offences),
        "countries_involved": [_country(code) for code in countries],
        "dates": {
            "offences_from": _iso(min((o.date_from for o in offences), default=None)),
            "investigation_opened_on": _iso(criminal_case.investigation_opened_on),
            "investigation_closed_on": _iso(criminal_case.investigation_closed_on),
            "concluded_on": _iso(criminal_case.concluded_on),
        },
        "facts": criminal_case.brief_summary,
        "modus_operandi": _modus_operandi(offences),
        "defendants": _defendants(suspects, charges, decisions),
        "victims": _victims(victims),
        "cooperation": _cooperation(cooperation),
        "prepared_on": timezone.localdate().isoformat(),
    }


def brief_text(brief: dict[str, Any]) -> str:
    """Every word of the brief as one text (what the name check reads, and what tests search)."""
    return json.dumps(brief, ensure_ascii=False)


def _checked_brief(actor: User, criminal_case: Any) -> tuple[CriminalCase, dict[str, Any]]:
    criminal_case = criminal_case_for(actor, criminal_case, "export")
    if criminal_case.stage != CaseStage.CONCLUDED:
        raise ApplicationError(
            "brief_not_concluded",
            _("A case brief is made only for a concluded case. Record the decisions and conclude the case first."),
        )
    brief = _brief_of(criminal_case)
    names = case_person_names(criminal_case)
    if names_in(brief["facts"], names, parts=True):
        raise _summary_names_error()
    if names_in(brief_text({**brief, "facts": ""}), names, parts=False):
        raise ApplicationError(
            "brief_names",
            _(
                "A name of a person of this case appears in the brief outside the summary (in a court's name or a "
                "law's title). Ask an administrator to check the case's courts and laws."
            ),
        )
    return criminal_case, brief


def brief_build(*, actor: User, criminal_case: Any) -> dict[str, Any]:
    """The anonymised brief of a concluded case the actor may export (a record or its id), as a dict of plain
    values with every code also in words (the active language). NotFound out of scope; "brief_not_concluded" for a
    case not concluded; "brief_names" when a linked person's name appears in it."""
    return _checked_brief(actor, criminal_case)[1]


@transaction.atomic
def brief_export(*, actor: User, criminal_case: Any, export_format: str) -> dict[str, Any]:
    """The brief for an export as JSON or PDF (the caller renders it), audited with its format. The same refusals as
    brief_build, and nothing audited then."""
    if export_format not in BRIEF_FORMATS:
        raise ApplicationError("invalid", _("Choose the format JSON or PDF."))
    case, brief = _checked_brief(actor, criminal_case)
    audit_record(actor=actor, action="justice.brief.export", target=case, changes={"format": export_format})
    return brief


@transaction.atomic
def criminal_case_brief_summary_set(
    *, actor: User, criminal_case: Any, brief_summary: Any, version: Any = None
) -> CriminalCase:
    """Write the anonymised summary of the facts for the brief (any stage). Refused when it names a person of the
    case ("brief_names"), or breaks the text rule; a stale version is a 409. Audited without the text."""
    criminal_case = criminal_case_for(actor, criminal_case, "change")
    check.check_version(criminal_case, version, _(STALE))
    errors = check.Errors()
    summary = check.text(errors, "brief_summary", brief_summary)
    errors.raise_if_any()
    if summary and names_in(summary, case_person_names(criminal_case), parts=True):
        raise _summary_names_error()
    changed = check.model_update(criminal_case, {"brief_summary": summary})
    if changed:
        audit_record(
            actor=actor,
            action="justice.brief.summary",
            target=criminal_case,
            changes={"brief_summary": REDACTED},
        )
    return criminal_case
