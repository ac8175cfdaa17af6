"""Reads of victims in the proceedings and hearings: for the criminal case's Victims tab and API (never a name or
a statement), for the victim case's Proceedings tab, and for the home page's coming hearings."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.cases.models import Case
from tipsom.justice.models import CriminalCase, Hearing, Suspect, SuspectVictimRelation, VictimInProceedings

HEARING_DAYS = 14
WIDGET_LIMIT = 10
# What a row of victims shows of the victim case and its person: statistical values only.
_LINK_COLUMNS = (
    "case__id",
    "case__case_number",
    "case__person__id",
    "case__person__gender",
    "case__person__birth_year",
    "case__person__is_presumed_minor",
)


def cases_of_user(user: User, action: str = "view") -> QuerySet[CriminalCase]:
    """The criminal cases the user may `action` (a sub-query for the records of those cases)."""
    return CriminalCase.objects.restrict(user, action)


def victim_links(criminal_case: CriminalCase) -> QuerySet[VictimInProceedings]:
    """The victims of a criminal case with the victim case number, the person's sex and birth year (never a name
    or the statement, which stay deferred), and the defendants they are related to: three queries."""
    relations = SuspectVictimRelation.objects.select_related("suspect").only(
        "id", "suspect_id", "victim_id", "relationship", "detail", "suspect__id", "suspect__criminal_case_id"
    )
    return (
        VictimInProceedings.objects.filter(criminal_case=criminal_case)
        .select_related("case__person")
        .defer("statement")
        .only(*(f.name for f in VictimInProceedings._meta.concrete_fields if f.name != "statement"), *_LINK_COLUMNS)
        .prefetch_related(Prefetch("suspect_relations", queryset=relations.order_by("suspect_id")))
        .order_by("pk")
    )


def victim_list(*, user: User, criminal_case: int | None = None) -> QuerySet[VictimInProceedings]:
    """The victims in the proceedings of the cases the user may see (the API's list), optionally of one case."""
    rows = VictimInProceedings.objects.filter(criminal_case__in=cases_of_user(user))
    if criminal_case is not None:
        rows = rows.filter(criminal_case_id=criminal_case)
    return rows.select_related("case__person").only(
        *(f.name for f in VictimInProceedings._meta.concrete_fields if f.name != "statement"), *_LINK_COLUMNS
    )


def access_victim_link(user: User, pk: Any, action: str = "view") -> VictimInProceedings:
    from tipsom.core.errors import NotFound

    found = victim_list(user=user).filter(criminal_case__in=cases_of_user(user, action)).filter(pk=_int(pk)).first()
    if found is None:
        raise NotFound()
    return found


def hearings_of(criminal_case: CriminalCase) -> QuerySet[Hearing]:
    """The hearings of a case, in date order, with the court and the victims summoned (two queries)."""
    summoned = VictimInProceedings.objects.select_related("case").only("id", "case__id", "case__case_number")
    return (
        Hearing.objects.filter(criminal_case=criminal_case)
        .select_related("court")
        .prefetch_related(Prefetch("victims", queryset=summoned.order_by("pk")))
        .order_by("starts_at", "pk")
    )


def hearing_list(*, user: User, criminal_case: int | None = None) -> QuerySet[Hearing]:
    rows = Hearing.objects.filter(criminal_case__in=cases_of_user(user))
    if criminal_case is not None:
        rows = rows.filter(criminal_case_id=criminal_case)
    return rows.prefetch_related(Prefetch("victims", queryset=VictimInProceedings.objects.only("id")))


def access_hearing(user: User, pk: Any, action: str = "view") -> Hearing:
    from tipsom.core.errors import NotFound

    found = hearing_list(user=user).filter(criminal_case__in=cases_of_user(user, action)).filter(pk=_int(pk)).first()
    if found is None:
        raise NotFound()
    return found


def suspects_for_choice(criminal_case: CriminalCase) -> list[Suspect]:
    """The suspects of the case, for the relationship form (by number, never a name)."""
    return list(Suspect.objects.filter(criminal_case=criminal_case).only("id", "criminal_case_id").order_by("pk"))


def hearings_coming(*, user: User, days: int = HEARING_DAYS, limit: int = WIDGET_LIMIT) -> list[Hearing]:
    """The hearings of the user's criminal cases in the next `days` days (the home page), soonest first."""
    now = timezone.now()
    return list(
        Hearing.objects.filter(
            criminal_case__in=cases_of_user(user),
            starts_at__gte=now,
            starts_at__lt=now + datetime.timedelta(days=days),
        )
        .select_related("criminal_case")
        .only("id", "kind", "starts_at", "court_name", "room", "criminal_case__id", "criminal_case__reference")
        .order_by("starts_at", "pk")[:limit]
    )


# The victim case page's Proceedings tab ---------------------------------------------------------------------------


@dataclass
class Proceeding:
    """One criminal case a victim is linked to, as the victim's case manager sees it: its reference and stage (not
    its facts), the victim's role, measures, testimony and compensation, and hearing dates."""

    link: VictimInProceedings
    hearings: list[Hearing] = field(default_factory=list)
    summoned_only: bool = True  # the hearings listed are those the victim is summoned to (else all the case's)


def proceedings_of_case(case: Case) -> list[Proceeding]:
    """The criminal cases a victim case is linked to. The caller has fetched the case as the user may see it; the
    criminal cases are not the user's to browse, so only their reference and stage are read. Upcoming hearings
    come first (soonest first), then past ones (latest first). Three queries however many cases."""
    links = list(
        VictimInProceedings.objects.filter(case=case)
        .select_related("criminal_case")
        .defer("statement")
        .only(
            *(f.name for f in VictimInProceedings._meta.concrete_fields if f.name != "statement"),
            "criminal_case__id",
            "criminal_case__reference",
            "criminal_case__stage",
            "criminal_case__country",
        )
        .order_by("-criminal_case_id")
    )
    if not links:
        return []
    summons = dict.fromkeys((link.pk for link in links), None)
    hearings = list(
        Hearing.objects.filter(Q(criminal_case_id__in=[link.criminal_case_id for link in links]))
        .only("id", "criminal_case_id", "kind", "starts_at", "court_name", "room", "court__id", "court__name")
        .select_related("court")
        .prefetch_related(Prefetch("victims", queryset=VictimInProceedings.objects.filter(pk__in=summons).only("id")))
    )
    now = timezone.now()
    proceedings = []
    for link in links:
        of_case = [hearing for hearing in hearings if hearing.criminal_case_id == link.criminal_case_id]
        mine = [hearing for hearing in of_case if any(v.pk == link.pk for v in hearing.victims.all())]
        chosen = mine if mine else of_case
        coming = sorted((h for h in chosen if h.starts_at >= now), key=lambda h: (h.starts_at, h.pk))
        past = sorted((h for h in chosen if h.starts_at < now), key=lambda h: (h.starts_at, h.pk), reverse=True)
        for hearing in coming:
            hearing.is_coming = True  # type: ignore[attr-defined]
        proceedings.append(Proceeding(link=link, hearings=coming + past, summoned_only=bool(mine)))
    return proceedings


def _int(value: Any) -> int:
    from tipsom.core.validation import pk_of

    return pk_of(value)
