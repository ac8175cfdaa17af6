"""Victim facts: one row per victim case (presumed or confirmed victims of trafficking and vulnerable smuggled
migrants; a case decided "not a victim" gives none), with coded categories only.

The person cluster: after the matching merges two registrations of one person, their cases point to the surviving
person; two persons the reviewers confirmed to be one (a pair marked "same person", not merged yet) share the
cluster of the smaller id. The victim is counted once per year in which they were identified (`counted`), on the
first case identified that year, which carries the union of the cluster's forms of exploitation, industries, means
of control and recruiter relations that year, the sum of its referrals, and "both" as its case type when the
cases of the year are of trafficking and of smuggling.

The GLOTIP form of exploitation (docs/user-guide/statistics-glotip.md): the HTCDS forms are grouped into sexual
exploitation, forced labour (forced labour, child labour, servitude), forced criminal activity, begging, forced
marriage, organ removal and other forms; a victim exploited both sexually and for labour is "mixed"; a victim with
several forms in other groups is counted under "other"."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db.models import Count, Q

from tipsom.cases.models import Case, TraffickingEvent
from tipsom.cases.models.choices import NOT_A_VICTIM
from tipsom.helpline.models import Contact
from tipsom.intake.models import Submission
from tipsom.matching.models import CandidatePair
from tipsom.people.models import Person
from tipsom.referrals.models import Referral, State, Transfer
from tipsom.stats.facts import cube
from tipsom.stats.facts.engine import FactKind, all_ids, count_first, ids_of, register_kind, same_ids
from tipsom.stats.models import (
    SEX_FEMALE,
    SEX_MALE,
    SEX_OTHER,
    SEX_UNKNOWN,
    UNKNOWN_COUNTRY,
    DataSource,
    ExploitationForm,
    VictimFact,
)

ADULT_AGE = 18
SEX_OF_GENDER = {
    "Feminine": SEX_FEMALE,
    "Masculine": SEX_MALE,
    "TransgenderFeminine": SEX_OTHER,
    "TransgenderMasculine": SEX_OTHER,
    "NonConforming": SEX_OTHER,
}
FORM_GROUPS = {
    "SexualExploitation": ExploitationForm.SEXUAL,
    "ForcedLabour": ExploitationForm.LABOUR,
    "ChildLabour": ExploitationForm.LABOUR,
    "Servitude": ExploitationForm.LABOUR,
    "ForcedCriminality": ExploitationForm.CRIMINAL,
    "ForcedBegging": ExploitationForm.BEGGING,
    "ForcedMarriage": ExploitationForm.MARRIAGE,
    "OrganRemoval": ExploitationForm.ORGANS,
}
# CTDC's ageBroad bins (lower bounds).
AGE_BANDS = ((0, "0--8"), (9, "9--17"), (18, "18--20"), (21, "21--23"), (24, "24--26"), (27, "27--29"))
AGE_BANDS_LATER = ((30, "30--38"), (39, "39--47"), (48, "48+"))
ACCEPTED_STATES = (State.ACCEPTED, State.IN_PROGRESS, State.COMPLETED)
UNIONS = ("exploitation_types", "industries", "sex_exploitation_types", "means_of_control", "recruiter_relations")


def exploitation_form(types: Iterable[str]) -> str:
    groups = {FORM_GROUPS.get(code, ExploitationForm.OTHER) for code in types}
    if not groups:
        return ExploitationForm.UNKNOWN
    if {ExploitationForm.SEXUAL, ExploitationForm.LABOUR} <= groups:
        return ExploitationForm.MIXED
    if len(groups) == 1:
        return str(groups.pop())
    return ExploitationForm.OTHER


def age_band(age: int | None) -> str:
    if age is None:
        return ""
    band = ""
    for low, name in AGE_BANDS + AGE_BANDS_LATER:
        if age >= low:
            band = name
    return band


def _months(start: date, end: date) -> int:
    return max(0, (end.year - start.year) * 12 + end.month - start.month)


def person_clusters(person_ids: Iterable[int]) -> dict[int, int]:
    """Each person's cluster: the smallest id among the persons confirmed to be the same (pairs marked "same
    person"), followed through every confirmed pair (merged persons already share one person)."""
    cluster = {pid: pid for pid in person_ids}
    frontier = set(cluster)
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    seen: set[int] = set()
    while frontier:
        batch = list(frontier)
        seen |= frontier
        frontier = set()
        for start in range(0, len(batch), 900):
            part = batch[start : start + 900]
            for low, high in CandidatePair.objects.filter(
                Q(person_low_id__in=part) | Q(person_high_id__in=part), status=CandidatePair.Status.CONFIRMED
            ).values_list("person_low_id", "person_high_id"):
                a, b = find(low), find(high)
                if a != b:
                    parent[max(a, b)] = min(a, b)
                frontier |= {low, high} - seen
    return {pid: find(pid) for pid in cluster}


def build(case_ids: Sequence[int]) -> list[VictimFact]:
    cases = list(
        Case.objects.filter(pk__in=case_ids)
        .exclude(trafficking_status=NOT_A_VICTIM)
        .values(
            "pk",
            "person_id",
            "created_by_id",
            "owner_organization_id",
            "owner_organization__type",
            "country",
            "case_type",
            "status",
            "trafficking_status",
            "identified_on",
            "region",
            "origin_country",
            "destination_country",
            "exploitation_types",
            "industries",
            "sex_exploitation_types",
            "means_of_control",
            "relationship_to_recruiter",
            "is_child",
        )
    )
    if not cases:
        return []
    ids = [case["pk"] for case in cases]
    persons: dict[int, dict[str, Any]] = {
        row["pk"]: dict(row)
        for row in Person.objects.filter(pk__in={case["person_id"] for case in cases}).values(
            "pk", "gender", "citizenships", "birth_year", "merged_into_id"
        )
    }
    survivors = {pk: row["merged_into_id"] or pk for pk, row in persons.items()}
    clusters = person_clusters(set(survivors.values()))
    events: dict[int, list[tuple[str, str, date | None, date | None]]] = defaultdict(list)
    for case_id, kind, country, start, end in TraffickingEvent.objects.filter(case_id__in=ids).values_list(
        "case_id", "event_type", "country", "start_date", "end_date"
    ):
        events[case_id].append((kind, country, start, end))
    referrals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for case_id, state, count in (
        Referral.objects.filter(case_id__in=ids).values_list("case_id", "state").annotate(n=Count("pk"))
    ):
        referrals[case_id][0] += count
        if state in ACCEPTED_STATES:
            referrals[case_id][1] += count
    from_helpline = set(Contact.objects.filter(case_id__in=ids).values_list("case_id", flat=True))
    from_field = set(Submission.objects.filter(case_id__in=ids).values_list("case_id", flat=True))
    facts = []
    for case in cases:
        person = persons.get(case["person_id"], {})
        identified: date = case["identified_on"]
        birth_year = person.get("birth_year")
        age = identified.year - birth_year if birth_year and birth_year <= identified.year else None
        exploitation = [event for event in events.get(case["pk"], []) if event[0] == "Exploitation"]
        starts = [event[2] for event in exploitation if event[2]]
        exploitation_country = case["destination_country"] or next((event[1] for event in exploitation if event[1]), "")
        months = None
        if starts:
            ends = [event[3] or identified for event in exploitation if event[2]]
            months = min(_months(min(starts), max(ends)), 32767)
        child_then = None
        if birth_year and starts:
            child_then = min(starts).year - birth_year < ADULT_AGE
        elif case["is_child"]:
            child_then = True
        citizenships = person.get("citizenships") or []
        survivor = survivors.get(case["person_id"], case["person_id"])
        source = (
            DataSource.HELPLINE
            if case["pk"] in from_helpline
            else DataSource.FIELD
            if case["pk"] in from_field
            else DataSource.CASE_MANAGEMENT
        )
        sent, accepted = referrals.get(case["pk"], (0, 0))
        facts.append(
            VictimFact(
                source_id=case["pk"],
                country=case["country"],
                organization_id=case["owner_organization_id"],
                organization_type=case["owner_organization__type"] or "",
                year=identified.year,
                person_cluster=clusters.get(survivor, survivor),
                counted=True,
                identified_on=identified,
                identified_by=case["created_by_id"],
                case_type=case["case_type"],
                trafficking_status=case["trafficking_status"] or "",
                case_status=case["status"] or "",
                sex=SEX_OF_GENDER.get(person.get("gender") or "", SEX_UNKNOWN),
                age=age,
                age_band=age_band(age),
                is_child=bool(case["is_child"]),
                child_at_exploitation=child_then,
                citizenship=(citizenships[0] if citizenships else UNKNOWN_COUNTRY)[:2].upper(),
                origin_country=case["origin_country"] or "",
                exploitation_country=exploitation_country or "",
                region=case["region"] or "",
                exploitation_form=exploitation_form(case["exploitation_types"] or []),
                exploitation_types=sorted(set(case["exploitation_types"] or [])),
                industries=sorted(set(case["industries"] or [])),
                sex_exploitation_types=sorted(set(case["sex_exploitation_types"] or [])),
                means_of_control=sorted(set(case["means_of_control"] or [])),
                recruiter_relations=sorted(set(case["relationship_to_recruiter"] or [])),
                exploitation_months=months,
                data_source=source,
                referrals=min(sent, 32767),
                referrals_accepted=min(accepted, 32767),
            )
        )
    return facts


def settle(members: list[Any]) -> None:
    """The first case of the person's year is counted, carrying what the unit's cases say together."""
    first = count_first(members, lambda row: (row.identified_on, row.source_id))
    if len(members) == 1:
        return
    # A victim of trafficking and a smuggled migrant in the same year (two cases) is counted under both.
    types = {row.case_type for row in members}
    if "both" in types or {"tip", "som"} <= types:
        first.case_type = "both"
    for name in UNIONS:
        setattr(first, name, sorted({code for row in members for code in getattr(row, name)}))
    first.exploitation_form = exploitation_form(first.exploitation_types)
    first.referrals = min(sum(row.referrals for row in members), 32767)
    first.referrals_accepted = min(sum(row.referrals_accepted for row in members), 32767)


# --- What a change touches -----------------------------------------------------------------------------------------
def _cases_of_persons(object_ids: list[str]) -> set[int]:
    persons = ids_of(object_ids)
    found = set(Case.objects.filter(person_id__in=persons).values_list("pk", flat=True))
    found |= set(VictimFact.objects.filter(person_cluster__in=persons).values_list("source_id", flat=True))
    # Persons confirmed to be these: their clusters may change.
    related = set()
    for low, high in CandidatePair.objects.filter(
        Q(person_low_id__in=persons) | Q(person_high_id__in=persons)
    ).values_list("person_low_id", "person_high_id"):
        related |= {low, high}
    if related:
        found |= set(Case.objects.filter(person_id__in=related).values_list("pk", flat=True))
    return found


def _cases_of_pairs(object_ids: list[str]) -> set[int]:
    persons = set()
    for low, high in CandidatePair.objects.filter(pk__in=ids_of(object_ids)).values_list(
        "person_low_id", "person_high_id"
    ):
        persons |= {low, high}
    return _cases_of_persons([str(pk) for pk in persons])


def _cases_of_merges(object_ids: list[str]) -> set[int]:
    from tipsom.matching.models import PersonMerge

    persons = set()
    for survivor, merged in PersonMerge.objects.filter(pk__in=ids_of(object_ids)).values_list(
        "survivor_id", "merged_id"
    ):
        persons |= {survivor, merged}
    return _cases_of_persons([str(pk) for pk in persons])


def _case_field(model: Any) -> Any:
    def touched(object_ids: list[str]) -> set[int]:
        return set(model.objects.filter(pk__in=ids_of(object_ids)).values_list("case_id", flat=True)) - {None}

    return touched


def _cases_of_organizations(object_ids: list[str]) -> set[int]:
    """An organization's type changed: its cases' facts carry it."""
    return set(Case.objects.filter(owner_organization_id__in=ids_of(object_ids)).values_list("pk", flat=True))


def _watches() -> dict[str, Any]:
    from tipsom.cases.models import (
        Assessment,
        ClosureRequest,
        Consent,
        Screening,
        ServiceDelivery,
        StatusDecision,
    )

    watches: dict[str, Any] = {
        "cases.case": same_ids,
        "people.person": _cases_of_persons,
        "matching.candidatepair": _cases_of_pairs,
        "matching.personmerge": _cases_of_merges,
        "cases.traffickingevent": _case_field(TraffickingEvent),
        "referrals.referral": _case_field(Referral),
        "referrals.transfer": _case_field(Transfer),
        "organizations.organization": _cases_of_organizations,
        "helpline.contact": _case_field(Contact),
        "intake.submission": _case_field(Submission),
    }
    for model in (Assessment, ClosureRequest, Consent, Screening, ServiceDelivery, StatusDecision):
        watches[model._meta.label_lower] = _case_field(model)
    return watches


KIND = register_kind(
    FactKind(
        name="victims",
        model=VictimFact,
        all_sources=all_ids(Case),
        build=build,
        watches=_watches(),
        unit_fields=("country", "person_cluster", "year"),
        settle=settle,
        kept=cube.FACT_FIELDS,
        after_write=cube.cube_apply,
        after_rebuild=cube.cube_rebuild,
        summary_differences=cube.cube_differences,
    )
)
