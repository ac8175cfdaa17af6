"""Reading rosters and participants: an activity's roster within the user's scope, its summary (by sex and sector,
mean scores, gain and satisfaction), a participant and the activities they attended. Names stay encrypted here;
screens and the API mask them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, F, QuerySet

from tipsom.accounts.models import User
from tipsom.core.permissions import access_by_id
from tipsom.programme.models import Activity, Attendance, Participant, ParticipantSex, Sector


@dataclass(frozen=True)
class RosterSummary:
    """An activity's roster in numbers. Means are of the people with a value (None when nobody has one); the gain
    is the mean of post-test minus pre-test over the people with both."""

    total: int
    by_sex: dict[str, int]
    by_sector: dict[str, int]
    mean_pre: Decimal | None
    mean_post: Decimal | None
    mean_gain: Decimal | None
    mean_satisfaction: Decimal | None
    mean_attendance: Decimal | None
    certificates: int

    def sex_rows(self) -> list[tuple[str, int]]:
        """(label, count) of each sex on the roster, in the code list's order."""
        return [(str(label), self.by_sex[code]) for code, label in ParticipantSex.choices if self.by_sex.get(code)]

    def sector_rows(self) -> list[tuple[str, int]]:
        """(label, count) of each sector on the roster, largest first."""
        labels = dict(Sector.choices)
        rows = [(str(labels.get(code, code)), count) for code, count in self.by_sector.items()]
        return sorted(rows, key=lambda row: (-row[1], row[0]))


def _mean(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value)).quantize(Decimal("0.1"))


def roster_summary(activity: Activity) -> RosterSummary:
    """The roster of `activity` counted (the caller has fetched the activity within the user's scope)."""
    attendances = Attendance.objects.filter(activity=activity)
    by_sex = dict(attendances.values_list("participant__sex").annotate(n=Count("pk")).order_by())
    by_sector = dict(attendances.values_list("participant__sector").annotate(n=Count("pk")).order_by())
    means = attendances.aggregate(
        pre=Avg("pre_score"),
        post=Avg("post_score"),
        satisfaction=Avg("satisfaction"),
        attendance=Avg("attendance_percent"),
    )
    gain = (
        attendances.filter(pre_score__isnull=False, post_score__isnull=False)
        .annotate(gain=F("post_score") - F("pre_score"))
        .aggregate(mean=Avg("gain"))["mean"]
    )
    return RosterSummary(
        total=sum(by_sex.values()),
        by_sex=by_sex,
        by_sector=by_sector,
        mean_pre=_mean(means["pre"]),
        mean_post=_mean(means["post"]),
        mean_gain=_mean(gain),
        mean_satisfaction=_mean(means["satisfaction"]),
        mean_attendance=_mean(means["attendance"]),
        certificates=attendances.exclude(certificate_number="").count(),
    )


def roster_activity(*, user: User, activity_id: Any, action: str = "view") -> Activity:
    """The activity of a roster, within the user's scope for `action` (NotFound otherwise)."""
    return access_by_id(Activity, user, activity_id, action, Activity.objects.select_related("owner_organization"))


def roster_list(*, user: User, activity: Activity) -> QuerySet[Attendance]:
    """The attendances of `activity` the user may see, in the order they were added, with their participants."""
    return (
        Attendance.objects.restrict(user, "view")
        .filter(activity=activity)
        .select_related("participant", "participant__organization")
        .order_by("pk")
    )


def participant_detail(*, user: User, participant_id: Any, action: str = "view") -> Participant:
    return access_by_id(Participant, user, participant_id, action, Participant.objects.select_related("organization"))


def participant_attendances(*, user: User, participant: Participant) -> QuerySet[Attendance]:
    """The activities the participant attended that the user may see, the latest first."""
    return (
        Attendance.objects.restrict(user, "view")
        .filter(participant=participant)
        .select_related("activity")
        .order_by("-activity__start_date", "-pk")
    )


def attendance_detail(*, user: User, attendance_id: Any, action: str = "view") -> Attendance:
    return access_by_id(
        Attendance, user, attendance_id, action, Attendance.objects.select_related("activity", "participant")
    )


def can_reveal(user: User, participant_ids: list[int]) -> set[int]:
    """The ids among `participant_ids` whose names the user may reveal."""
    if not participant_ids:
        return set()
    return set(Participant.objects.restrict(user, "reveal").filter(pk__in=participant_ids).values_list("pk", flat=True))


def can_change_roster(user: User, activity: Activity) -> bool:
    return Activity.objects.restrict(user, "change").filter(pk=activity.pk).exists()
