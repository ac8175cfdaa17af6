"""Justice facts: the persons at each stage of the criminal justice process (JusticeFact), the offences recorded
(OffenceFact) and the smuggling of migrants incidents (IncidentFact), with coded categories only.

The GLOTIP counting rules are those of justice.selectors.stats (its docstring), applied here to each defendant
(a suspect of one criminal case):
- formal contact: the defendant's `formal_contact_on` year; offence type: the criminal case's;
- prosecuted: the year of each charge's `charged_on` (withdrawn or not); offence type: the charge's;
- convicted: the year of each charge's `convicted_on` (set only while a conviction stands); offence type: the
  type convicted of (`convicted_type`).
A defendant gives one row per (stage, year, offence type) reached. Sex is the registry person's gender, the
citizenship the person's first; minor is the age reached in the stage's year from the person's birth year, else
the defendant's age at the offence, else unknown.

Counted once: a person (their person cluster, as for the victims: merged registrations point to the survivor,
persons confirmed to be the same share the smallest id) is counted once per stage and year, on one row of the unit
(`counted`), whatever the number of cases, charges and offence types. That row carries the unit's adult or minor
as justice.selectors.stats decides it when the person's records disagree: adult if any record says adult, else
minor if any says minor, else unknown. A breakdown by offence type counts distinct person clusters per type (a
person once under each type they reached the stage for).

Offences: one row per offence, in the year it was recorded (`recorded_on`), with the GLOTIP form of exploitation of
its forms (victims.exploitation_form). Incidents: one row per incident, in the year it occurred. The country and
organization of a justice fact are its criminal case's (the country and the recording organization)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db.models import Q

from tipsom.audit.models import AuditEvent
from tipsom.justice.models import Charge, CourtDecision, Offence, SmugglingIncident, Suspect
from tipsom.matching.models import CandidatePair, PersonMerge
from tipsom.people.models import Person
from tipsom.stats.facts.engine import FactKind, all_ids, count_first, ids_of, register_kind, same_ids
from tipsom.stats.facts.victims import ADULT_AGE, SEX_OF_GENDER, exploitation_form, person_clusters
from tipsom.stats.models import (
    SEX_UNKNOWN,
    UNKNOWN_COUNTRY,
    FactStage,
    IncidentFact,
    JusticeFact,
    OffenceFact,
)


def minor_in(year: int, birth_year: int | None, age_at_offence: int | None) -> bool | None:
    """Whether the person was a minor in `year`: from the birth year, else from the age at the offence."""
    if birth_year is not None:
        return year - birth_year < ADULT_AGE
    if age_at_offence is not None:
        return age_at_offence < ADULT_AGE
    return None


def _citizenship(citizenships: list[str] | None) -> str:
    return (citizenships[0] if citizenships else UNKNOWN_COUNTRY)[:2].upper()


# --- Persons at each stage -----------------------------------------------------------------------------------------
def build_justice(suspect_ids: Sequence[int]) -> list[JusticeFact]:
    suspects = list(
        Suspect.objects.filter(pk__in=suspect_ids).values(
            "pk",
            "person_id",
            "age_at_offence",
            "formal_contact_on",
            "criminal_case__country",
            "criminal_case__owner_organization_id",
            "criminal_case__owner_organization__type",
            "criminal_case__offence_type",
        )
    )
    if not suspects:
        return []
    ids = [suspect["pk"] for suspect in suspects]
    stages: dict[int, set[tuple[str, int, str]]] = defaultdict(set)
    for suspect in suspects:
        contact: date | None = suspect["formal_contact_on"]
        if contact is not None:
            stages[suspect["pk"]].add(
                (FactStage.FORMAL_CONTACT, contact.year, suspect["criminal_case__offence_type"] or "")
            )
    for suspect_id, charged_on, offence_type, convicted_on, convicted_type in Charge.objects.filter(
        suspect_id__in=ids
    ).values_list("suspect_id", "charged_on", "offence_type", "convicted_on", "convicted_type"):
        stages[suspect_id].add((FactStage.PROSECUTED, charged_on.year, offence_type or ""))
        if convicted_on is not None:
            stages[suspect_id].add((FactStage.CONVICTED, convicted_on.year, convicted_type or ""))
    persons: dict[int, dict[str, Any]] = {
        row["pk"]: dict(row)
        for row in Person.objects.filter(pk__in={suspect["person_id"] for suspect in suspects}).values(
            "pk", "gender", "citizenships", "birth_year", "merged_into_id"
        )
    }
    survivors = {pk: row["merged_into_id"] or pk for pk, row in persons.items()}
    clusters = person_clusters(set(survivors.values()))
    facts = []
    for suspect in suspects:
        person = persons.get(suspect["person_id"], {})
        survivor = survivors.get(suspect["person_id"], suspect["person_id"])
        for stage, year, offence_type in sorted(stages.get(suspect["pk"], ())):
            facts.append(
                JusticeFact(
                    source_id=suspect["pk"],
                    country=suspect["criminal_case__country"],
                    organization_id=suspect["criminal_case__owner_organization_id"],
                    organization_type=suspect["criminal_case__owner_organization__type"] or "",
                    year=year,
                    person_cluster=clusters.get(survivor, survivor),
                    counted=True,
                    stage=stage,
                    offence_type=offence_type,
                    sex=SEX_OF_GENDER.get(person.get("gender") or "", SEX_UNKNOWN),
                    minor=minor_in(year, person.get("birth_year"), suspect["age_at_offence"]),
                    citizenship=_citizenship(person.get("citizenships")),
                )
            )
    return facts


def settle_justice(members: list[Any]) -> None:
    """One row of the person's stage and year is counted; it carries the unit's adult or minor (adult if any record
    says adult, else minor if any says minor, else unknown: justice.selectors.stats' rule)."""
    first = count_first(members, lambda row: (row.source_id, row.offence_type))
    ages = {row.minor for row in members}
    first.minor = False if False in ages else True if True in ages else None


# --- What a change touches -----------------------------------------------------------------------------------------
def _cases_in_audit(object_type: str, object_ids: list[str]) -> set[int]:
    """The criminal cases the audit events of these objects name (`changes.criminal_case`): what a record that was
    removed since belonged to."""
    found: set[int] = set()
    for changes in AuditEvent.objects.filter(object_type=object_type, object_id__in=object_ids).values_list(
        "changes", flat=True
    ):
        value = changes.get("criminal_case") if isinstance(changes, dict) else None
        if isinstance(value, int) or (isinstance(value, str) and value.isdigit()):
            found.add(int(value))
    return found


def _suspects_of_cases(case_ids: Iterable[int]) -> set[int]:
    return set(Suspect.objects.filter(criminal_case_id__in=list(case_ids)).values_list("pk", flat=True))


def _suspects_of_charges(object_ids: list[str]) -> set[int]:
    return set(Charge.objects.filter(pk__in=ids_of(object_ids)).values_list("suspect_id", flat=True))


def _suspects_of_decisions(object_ids: list[str]) -> set[int]:
    ids = ids_of(object_ids)
    found = dict(CourtDecision.objects.filter(pk__in=ids).values_list("pk", "suspect_id"))
    removed = [str(pk) for pk in ids if pk not in found]
    suspects = set(found.values())
    if removed:
        suspects |= _suspects_of_cases(_cases_in_audit(CourtDecision._meta.label_lower, removed))
    return suspects


def _suspects_of_criminal_cases(object_ids: list[str]) -> set[int]:
    return _suspects_of_cases(ids_of(object_ids))


def _suspects_of_offences(object_ids: list[str]) -> set[int]:
    """An offence added, changed or removed may change its case's offence type (the first offence's)."""
    ids = ids_of(object_ids)
    found = dict(Offence.objects.filter(pk__in=ids).values_list("pk", "criminal_case_id"))
    cases = set(found.values())
    removed = [str(pk) for pk in ids if pk not in found]
    if removed:
        cases |= _cases_in_audit(Offence._meta.label_lower, removed)
    return _suspects_of_cases(cases)


def _suspects_of_persons(object_ids: list[str]) -> set[int]:
    """The defendants of these persons (gender, birth year, citizenship; a merge or its undoing names the
    survivor), the facts of their clusters, and the defendants of the persons confirmed to be them."""
    persons = ids_of(object_ids)
    found = set(Suspect.objects.filter(person_id__in=persons).values_list("pk", flat=True))
    found |= set(JusticeFact.objects.filter(person_cluster__in=persons).values_list("source_id", flat=True))
    related: set[int] = set()
    for low, high in CandidatePair.objects.filter(
        Q(person_low_id__in=persons) | Q(person_high_id__in=persons)
    ).values_list("person_low_id", "person_high_id"):
        related |= {low, high}
    merged = PersonMerge.objects.filter(Q(survivor_id__in=persons) | Q(merged_id__in=persons))
    for survivor, merged_id in merged.values_list("survivor_id", "merged_id"):
        related |= {survivor, merged_id}
    if related:
        found |= set(Suspect.objects.filter(person_id__in=related).values_list("pk", flat=True))
        found |= set(JusticeFact.objects.filter(person_cluster__in=related).values_list("source_id", flat=True))
    return found


def _suspects_of_pairs(object_ids: list[str]) -> set[int]:
    persons: set[int] = set()
    for low, high in CandidatePair.objects.filter(pk__in=ids_of(object_ids)).values_list(
        "person_low_id", "person_high_id"
    ):
        persons |= {low, high}
    return _suspects_of_persons([str(pk) for pk in persons])


def _suspects_of_merges(object_ids: list[str]) -> set[int]:
    persons: set[int] = set()
    for survivor, merged in PersonMerge.objects.filter(pk__in=ids_of(object_ids)).values_list(
        "survivor_id", "merged_id"
    ):
        persons |= {survivor, merged}
    return _suspects_of_persons([str(pk) for pk in persons])


JUSTICE = register_kind(
    FactKind(
        name="justice",
        model=JusticeFact,
        all_sources=all_ids(Suspect),
        build=build_justice,
        watches={
            "justice.suspect": same_ids,
            "justice.charge": _suspects_of_charges,
            "justice.courtdecision": _suspects_of_decisions,
            "justice.criminalcase": _suspects_of_criminal_cases,
            "justice.offence": _suspects_of_offences,
            "people.person": _suspects_of_persons,
            "matching.candidatepair": _suspects_of_pairs,
            "matching.personmerge": _suspects_of_merges,
        },
        unit_fields=("country", "person_cluster", "stage", "year"),
        settle=settle_justice,
    )
)


# --- Offences ------------------------------------------------------------------------------------------------------
def build_offences(offence_ids: Sequence[int]) -> list[OffenceFact]:
    return [
        OffenceFact(
            source_id=row["pk"],
            country=row["criminal_case__country"],
            organization_id=row["criminal_case__owner_organization_id"],
            organization_type=row["criminal_case__owner_organization__type"] or "",
            year=row["recorded_on"].year,
            offence_type=row["offence_type"] or "",
            region=row["region"] or "",
            exploitation_form=exploitation_form(row["exploitation_types"] or []),
            is_transnational=bool(row["is_transnational"]),
        )
        for row in Offence.objects.filter(pk__in=offence_ids).values(
            "pk",
            "criminal_case__country",
            "criminal_case__owner_organization_id",
            "criminal_case__owner_organization__type",
            "recorded_on",
            "offence_type",
            "region",
            "exploitation_types",
            "is_transnational",
        )
    ]


def _offences_of_criminal_cases(object_ids: list[str]) -> set[int]:
    return set(Offence.objects.filter(criminal_case_id__in=ids_of(object_ids)).values_list("pk", flat=True))


OFFENCES = register_kind(
    FactKind(
        name="offences",
        model=OffenceFact,
        all_sources=all_ids(Offence),
        build=build_offences,
        watches={"justice.offence": same_ids, "justice.criminalcase": _offences_of_criminal_cases},
    )
)


# --- Smuggling of migrants incidents -------------------------------------------------------------------------------
def build_incidents(incident_ids: Sequence[int]) -> list[IncidentFact]:
    return [
        IncidentFact(
            source_id=row["pk"],
            country=row["country"],
            organization_id=row["owner_organization_id"],
            organization_type=row["owner_organization__type"] or "",
            year=row["occurred_on"].year,
            incident_country=row["incident_country"] or "",
            region=row["region"] or "",
            location_type=row["location_type"] or "",
            migrants=row["migrants_total"] or 0,
            dead=row["dead"] or 0,
            missing=row["missing"] or 0,
            injured=row["injured"] or 0,
        )
        for row in SmugglingIncident.objects.filter(pk__in=incident_ids).values(
            "pk",
            "country",
            "owner_organization_id",
            "owner_organization__type",
            "occurred_on",
            "incident_country",
            "region",
            "location_type",
            "migrants_total",
            "dead",
            "missing",
            "injured",
        )
    ]


INCIDENTS = register_kind(
    FactKind(
        name="incidents",
        model=IncidentFact,
        all_sources=all_ids(SmugglingIncident),
        build=build_incidents,
        watches={"justice.smugglingincident": same_ids},
    )
)
