"""Reading the programme's activities: the list the user may see and its totals, one activity, who took part in it
(from the roster where there is one, else the aggregate counts), and the follow-up actions of cooperation meetings
(those due soon, for the M&E officer's home page)."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.core.permissions import SCOPE_GLOBAL, SCOPE_NATIONAL, access_by_id, user_scopes
from tipsom.organizations.models import Organization
from tipsom.programme.models import ActionStatus, Activity, Attendance, FollowUpAction, ParticipantSex

DUE_DAYS = 30  # "due soon": within a month
LATEST = 5  # the activities on a partner's home page
IDS_PER_QUERY = 2000  # activity ids in one IN list (under SQLite's and PostgreSQL's limits on parameters)


@dataclass(frozen=True)
class ParticipantCounts:
    """Who took part: `from_roster` says whether the numbers count the roster's people (else they are the
    aggregate counts recorded on the activity; `other` is then the total less the women and men)."""

    total: int
    women: int
    men: int
    other: int
    by_sector: dict[str, int] = field(default_factory=dict)
    from_roster: bool = False


def activity_list(*, user: User) -> QuerySet[Activity]:
    """The activities the user may see (the list's filters are ActivityFilterSet's)."""
    return Activity.objects.restrict(user, "view")


def activity_detail(*, user: User, activity_id: Any, action: str = "view") -> Activity:
    """One activity the user may `action` (NotFound otherwise), with its organizations."""
    queryset = Activity.objects.select_related("owner_organization").prefetch_related("implementing_organizations")
    return access_by_id(Activity, user, activity_id, action, queryset=queryset)


def activity_totals(queryset: QuerySet[Activity]) -> dict[str, int]:
    """How many activities, and how many participants in them: the roster's people where an activity has a roster,
    its aggregate total otherwise (three queries whatever the number)."""
    base = queryset.order_by()
    activities = base.count()
    on_rosters = Attendance.objects.filter(activity__in=base.values("pk")).count()
    without_roster = base.exclude(Exists(Attendance.objects.filter(activity=OuterRef("pk"))))
    aggregate = without_roster.aggregate(total=Sum("participants_total"))["total"] or 0
    return {"activities": activities, "participants": int(on_rosters + aggregate)}


def participants_of(activities: list[Activity]) -> dict[int, int | None]:
    """{activity id: its participants}: the roster's people where it has a roster, its aggregate total otherwise
    (None when neither is recorded); counted as participant_counts_many counts them, in one query for a page."""
    counts = participant_counts_many(activities)
    return {
        activity.pk: counts[activity.pk].total
        if counts[activity.pk].from_roster or activity.participants_total is not None
        else None
        for activity in activities
    }


def participant_counts(activity: Activity) -> ParticipantCounts:
    """Who took part in `activity`: counted from its roster (Attendance rows, by sex and sector) where it has
    one, else its aggregate counts."""
    return participant_counts_many([activity])[activity.pk]


def participant_counts_many(activities: Iterable[Activity]) -> dict[int, ParticipantCounts]:
    """{activity id: who took part}, for each of `activities`: counted from its roster (Attendance rows, by sex and
    sector) where it has one, else from the aggregate counts recorded on it. One GROUP BY query per
    IDS_PER_QUERY activities, whatever the number of attendances."""
    activities = list(activities)
    rows: dict[int, list[tuple[str, str, int]]] = defaultdict(list)
    ids = [activity.pk for activity in activities]
    for start in range(0, len(ids), IDS_PER_QUERY):
        grouped = (
            Attendance.objects.filter(activity__in=ids[start : start + IDS_PER_QUERY])
            .values_list("activity", "participant__sex", "participant__sector")
            .annotate(count=Count("pk"))
            .order_by()
        )
        for activity_id, sex, sector, count in grouped:
            rows[activity_id].append((sex, sector, count))
    return {activity.pk: _counts(activity, rows.get(activity.pk, [])) for activity in activities}


def _counts(activity: Activity, rows: list[tuple[str, str, int]]) -> ParticipantCounts:
    if rows:
        by_sex: dict[str, int] = {}
        by_sector: dict[str, int] = {}
        for sex, sector, count in rows:
            by_sex[sex] = by_sex.get(sex, 0) + count
            by_sector[sector] = by_sector.get(sector, 0) + count
        total = sum(by_sex.values())
        women, men = by_sex.get(ParticipantSex.FEMALE, 0), by_sex.get(ParticipantSex.MALE, 0)
        return ParticipantCounts(
            total=total,
            women=women,
            men=men,
            other=total - women - men,
            by_sector=dict(sorted(by_sector.items(), key=lambda item: (-item[1], item[0]))),
            from_roster=True,
        )
    total = activity.participants_total or 0
    women, men = activity.participants_women or 0, activity.participants_men or 0
    return ParticipantCounts(
        total=total,
        women=women,
        men=men,
        other=max(total - women - men, 0),
        by_sector=dict(activity.participants_by_sector or {}),
        from_roster=False,
    )


def follow_up_list(*, user: User, activity: Activity) -> list[FollowUpAction]:
    """The follow-up actions of an activity the user may see, by due date."""
    return list(FollowUpAction.objects.restrict(user, "view").filter(activity=activity).order_by("due_on", "pk"))


def follow_up_detail(*, user: User, follow_up_id: Any, action: str = "view") -> FollowUpAction:
    return access_by_id(
        FollowUpAction, user, follow_up_id, action, queryset=FollowUpAction.objects.select_related("activity")
    )


def is_overdue(action: FollowUpAction, today: datetime.date | None = None) -> bool:
    """Open and past its due date."""
    return action.status == ActionStatus.OPEN and action.due_on < (today or timezone.localdate())


def follow_ups_due(*, user: User, days: int = DUE_DAYS, limit: int = 10) -> list[FollowUpAction]:
    """The open follow-up actions the user may change that are overdue or due within `days`, the earliest first
    (one indexed query: status and due date)."""
    until = timezone.localdate() + datetime.timedelta(days=days)
    return list(
        FollowUpAction.objects.restrict(user, "change")
        .filter(status=ActionStatus.OPEN, due_on__lte=until)
        .select_related("activity")
        .only("pk", "description", "owner_name", "owner_country", "due_on", "status", "activity__reference")
        .order_by("due_on", "pk")[:limit]
    )


def organization_activities(*, user: User, limit: int = LATEST) -> list[Activity]:
    """The latest activities reported by the user's organization (for an implementing partner's home page)."""
    if user.organization_id is None:
        return []
    return list(
        Activity.objects.restrict(user, "view")
        .filter(owner_organization_id=user.organization_id)
        .only("pk", "reference", "title", "kind", "start_date", "participants_total")
        .order_by("-start_date", "-pk")[:limit]
    )


def reporting_organizations(*, user: User) -> QuerySet[Organization]:
    """The organizations the user may record an activity for: the country's for a national scope, else their own."""
    organization = user.organization
    if organization is None:
        return Organization.objects.none()
    if SCOPE_NATIONAL in user_scopes(user, "add", Activity):
        return Organization.objects.filter(country=organization.country, is_active=True).order_by("name")
    return Organization.objects.filter(pk=organization.pk)


def filter_organizations(*, user: User) -> QuerySet[Organization]:
    """The organizations the list may be filtered by: those of the user's country, every country's for a user who
    reads every country."""
    scopes = user_scopes(user, "view", Activity)
    if SCOPE_GLOBAL in scopes:
        return Organization.objects.order_by("country", "name")
    if user.organization is None:
        return Organization.objects.none()
    if SCOPE_NATIONAL in scopes:
        return Organization.objects.filter(country=user.organization.country).order_by("name")
    return Organization.objects.filter(pk=user.organization.pk)
