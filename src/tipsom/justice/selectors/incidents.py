"""Reading smuggling incidents: the list the user may see, its totals, one incident with its breakdown and links,
and the rows in the columns of IOM's Missing Migrants Project (MMP) for comparison and export.

No incident field is identifying (the place is a town, a crossing or a sea area); the smugglers are named by their
defendant label only, the migrants' victim cases by their case number."""

from __future__ import annotations

import calendar
from typing import Any

from django.db.models import Count, Prefetch, QuerySet, Sum
from django.utils import translation

from tipsom.accounts.models import User
from tipsom.cases.models import Case
from tipsom.core.permissions import access_by_id
from tipsom.justice.models import AgeGroup, IncidentMigrants, MigrantSex, SmugglingIncident, Suspect
from tipsom.justice.models.incidents import CauseOfDeath
from tipsom.organizations import geography

TOTAL_FIELDS = ("migrants_total", "dead", "missing", "injured", "survivors")
# MMP's column names (its "Global Figures" download), in its order, and two of ours it has no column for.
MMP_COLUMNS = (
    "Incident ID",
    "Incident Type",
    "Region of Incident",
    "Incident Date",
    "Incident Year",
    "Month",
    "Number of Dead",
    "Minimum Estimated Number of Missing",
    "Total Number of Dead and Missing",
    "Number of Survivors",
    "Number of Females",
    "Number of Males",
    "Number of Children",
    "Country of Origin",
    "Cause of Death",
    "Country of Incident",
    "Migration Route",
    "Location of Incident",
    "Coordinates",
    "Information Source",
    "Number of Injured",
    "Number of Migrants Involved",
)


def incident_list(*, user: User) -> QuerySet[SmugglingIncident]:
    """The incidents the user may see (the list's filters are IncidentFilterSet's)."""
    return SmugglingIncident.objects.restrict(user, "view")


def incident_totals(queryset: QuerySet[SmugglingIncident]) -> dict[str, int]:
    """How many incidents, and the migrants involved, dead, missing, injured and survivors in them: one query."""
    sums = queryset.order_by().aggregate(incidents=Count("pk"), **{name: Sum(name) for name in TOTAL_FIELDS})
    return {name: int(value or 0) for name, value in sums.items()}


def incident_detail(*, user: User, incident_id: Any, action: str = "view") -> SmugglingIncident:
    """One incident the user may `action` (NotFound otherwise), with its breakdown, smugglers and cases."""
    queryset = (
        SmugglingIncident.objects.select_related("owner_organization", "criminal_case")
        .prefetch_related(Prefetch("migrant_counts", queryset=IncidentMigrants.objects.order_by("pk")))
        .prefetch_related(Prefetch("smugglers", queryset=Suspect.objects.order_by("pk")))
        .prefetch_related(
            Prefetch("cases", queryset=Case.objects.only("pk", "case_number", "case_type").order_by("case_number"))
        )
    )
    return access_by_id(SmugglingIncident, user, incident_id, action, queryset=queryset)


def breakdown_totals(rows: Any) -> dict[str, int]:
    """Females, males and children among the migrants counted (the breakdown rows of one incident)."""
    totals = {"females": 0, "males": 0, "children": 0, "counted": 0}
    for row in rows:
        totals["counted"] += row.count
        if row.sex == MigrantSex.FEMALE:
            totals["females"] += row.count
        elif row.sex == MigrantSex.MALE:
            totals["males"] += row.count
        if row.age_group == AgeGroup.CHILD:
            totals["children"] += row.count
    return totals


def _names(codes: list[str]) -> str:
    return ", ".join(geography.country_name(code) for code in codes if code)


def mmp_row(incident: SmugglingIncident) -> dict[str, Any]:
    """One incident in MMP's columns (names in English, as MMP writes them). Unlike MMP, whose sex and age counts
    are of the dead and missing, the females, males and children here are of all the migrants involved (the
    breakdown); the injured and the migrants involved are columns MMP does not have."""
    rows = list(incident.migrant_counts.all())
    totals = breakdown_totals(rows)
    dead_or_missing = incident.dead + incident.missing
    cause = incident.cause_of_death or (CauseOfDeath.MIXED_UNKNOWN if dead_or_missing else "")
    with translation.override("en"):
        cause_label = str(CauseOfDeath(cause).label) if cause else ""
        region = geography.region_name(incident.incident_country, incident.region) if incident.region else ""
        values: list[Any] = [
            incident.reference,
            "Incident",
            region,
            incident.occurred_on.isoformat(),
            incident.occurred_on.year,
            calendar.month_name[incident.occurred_on.month],
            incident.dead,
            incident.missing,
            dead_or_missing,
            incident.survivors,
            totals["females"] if rows else None,
            totals["males"] if rows else None,
            totals["children"] if rows else None,
            _names(list(incident.origin_countries)),
            cause_label,
            _names([incident.incident_country]),
            incident.route,
            incident.place,
            f"{incident.latitude}, {incident.longitude}" if incident.latitude is not None else "",
            incident.information_source,
            incident.injured,
            incident.migrants_total,
        ]
    return dict(zip(MMP_COLUMNS, values, strict=True))


def incident_mmp_rows(
    *, user: User, year: int, queryset: QuerySet[SmugglingIncident] | None = None
) -> list[dict[str, Any]]:
    """The incidents of `year` the user may see (or of `queryset`, already narrowed to them), oldest first, as
    MMP rows: two queries whatever their number."""
    base = queryset if queryset is not None else incident_list(user=user)
    incidents = (
        base.filter(occurred_on__year=year)
        .prefetch_related(Prefetch("migrant_counts", queryset=IncidentMigrants.objects.order_by("pk")))
        .order_by("occurred_on", "pk")
    )
    return [mmp_row(incident) for incident in incidents]
