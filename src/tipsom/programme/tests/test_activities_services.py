"""Recording activities and follow-up actions: references, every rule refused with a clear error and nothing saved,
the stale version, the audit, who may record what; and the participant counts (roster or aggregate)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.organizations.testing import make_organization
from tipsom.programme.models import ActionStatus, Activity, ActivityType, FollowUpAction, Sector
from tipsom.programme.selectors.activities import (
    activity_totals,
    follow_ups_due,
    participant_counts,
)
from tipsom.programme.services.activities import (
    activity_create,
    activity_update,
    follow_up_add,
    follow_up_update,
)
from tipsom.programme.testing import make_activity, make_attendance, make_participant

pytestmark = pytest.mark.django_db


@pytest.fixture
def icbf() -> Any:
    return make_organization("CO", name="ICBF", type="GOV")


@pytest.fixture
def officer(icbf: Any) -> Any:
    return make_user(icbf, roles=("me_officer",))


def icbf_workshop(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "kind": "workshop",
        "title": "Family defenders: approach and referral of child victims",
        "pillar": 6,
        "four_ps": ["protection"],
        "start_date": "2018-05-14",
        "end_date": "2018-05-16",
        "regions": ["CO-ANT", "CO-VAC"],
        "target_groups": ["family_defenders"],
        "topics": ["child_victims", "referral"],
        "participants_total": 125,
        "participants_women": 102,
        "participants_men": 23,
        "participants_by_sector": {"family_defenders": 125},
        "budget": "12000",
        "cost": "11500.50",
        "currency": "usd",
    }
    data.update(extra)
    return data


def _refused(call: Any, field: str) -> ApplicationError:
    before = (Activity.objects.count(), FollowUpAction.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ApplicationError) as caught:
        call()
    assert caught.value.code == "invalid", caught.value.as_dict()
    assert field in caught.value.extra["fields"], caught.value.extra
    assert (Activity.objects.count(), FollowUpAction.objects.count(), AuditEvent.objects.count()) == before
    return caught.value


def test_the_icbf_workshops_are_recorded_with_their_counts_and_reference(officer: Any, icbf: Any) -> None:
    other = make_organization("CO", name="UNODC Colombia")
    activity = activity_create(
        actor=officer, organization=icbf, data=icbf_workshop(implementing_organizations=[other.pk])
    )
    assert activity.reference == "CO-ACT-2018-000001"
    assert activity.country == "CO" and activity.owner_organization == icbf and activity.created_by == officer
    assert (activity.participants_total, activity.participants_women, activity.participants_men) == (125, 102, 23)
    assert activity.currency == "USD" and activity.cost == Decimal("11500.50")
    assert list(activity.implementing_organizations.all()) == [other]
    second = activity_create(actor=officer, organization=icbf, data=icbf_workshop(start_date="2018-06-01", end_date=""))
    assert second.reference == "CO-ACT-2018-000002"
    assert second.end_date == datetime.date(2018, 6, 1)
    assert (
        activity_create(
            actor=officer, organization=icbf, data=icbf_workshop(start_date="2019-01-10", end_date=None)
        ).reference
        == "CO-ACT-2019-000001"
    )
    event = AuditEvent.objects.get(action="programme.activity.create", object_id=str(activity.pk))
    assert event.changes["reference"] == "CO-ACT-2018-000001"
    assert event.changes["implementing_organizations"] == [other.pk]
    counts = participant_counts(activity)
    assert (counts.total, counts.women, counts.men, counts.other, counts.from_roster) == (125, 102, 23, 0, False)
    assert counts.by_sector == {"family_defenders": 125}


@pytest.mark.parametrize(
    ("extra", "field"),
    [
        ({"participants_women": 110, "participants_men": 23}, "participants_women"),
        ({"participants_by_sector": {"family_defenders": 100, "police": 30}}, "participants_by_sector"),
        ({"participants_by_sector": {"astronauts": 3}}, "participants_by_sector"),
        ({"participants_total": None}, "participants_total"),
        ({"end_date": "2018-05-10"}, "end_date"),
        ({"budget": "-1"}, "budget"),
        ({"cost": "-0.01"}, "cost"),
        ({"cost": "lots"}, "cost"),
        ({"regions": ["BR-SP"]}, "regions"),
        ({"topics": ["astrology"]}, "topics"),
        ({"four_ps": ["prediction"]}, "four_ps"),
        ({"target_groups": ["wizards"]}, "target_groups"),
        ({"kind": "party"}, "kind"),
        ({"pillar": 7}, "pillar"),
        ({"currency": "XXY"}, "currency"),
        ({"start_date": "14/05/2018"}, "start_date"),
        ({"title": ""}, "title"),
        ({"channels": ["radio"]}, "channels"),
        ({"people_reached": 5000}, "people_reached"),
        ({"countries": ["PE", "EC"]}, "countries"),
        ({"agreements": "A joint investigation team."}, "agreements"),
        ({"participants_total": -5}, "participants_total"),
    ],
)
def test_bad_input_is_refused_on_its_field_and_saves_nothing(
    officer: Any, icbf: Any, extra: dict[str, Any], field: str
) -> None:
    _refused(lambda: activity_create(actor=officer, organization=icbf, data=icbf_workshop(**extra)), field)


def test_the_messages_say_what_is_wrong(officer: Any, icbf: Any) -> None:
    error = _refused(
        lambda: activity_create(
            actor=officer, organization=icbf, data=icbf_workshop(participants_women=110, participants_men=23)
        ),
        "participants_women",
    )
    assert "133" in error.extra["fields"]["participants_women"] and "125" in error.extra["fields"]["participants_women"]
    error = _refused(
        lambda: activity_create(actor=officer, organization=icbf, data=icbf_workshop(regions=["BR-SP", "CO-ANT"])),
        "regions",
    )
    assert "BR-SP" in error.extra["fields"]["regions"] and "CO-ANT" not in error.extra["fields"]["regions"]


def test_unknown_fields_are_refused(officer: Any, icbf: Any) -> None:
    _refused(lambda: activity_create(actor=officer, organization=icbf, data=icbf_workshop(colour="blue")), "colour")


def test_campaign_and_cooperation_fields_belong_to_their_types(officer: Any, icbf: Any) -> None:
    campaign = activity_create(
        actor=officer,
        organization=icbf,
        data=icbf_workshop(
            kind="campaign",
            title="Blue Heart",
            channels=["radio", "social_media"],
            people_reached=250_000,
            materials="Posters",
            materials_count=4000,
        ),
    )
    assert campaign.channels == ["radio", "social_media"] and campaign.people_reached == 250_000
    # Turning the campaign into a training keeps its reach: refused until the campaign fields are cleared.
    _refused(
        lambda: activity_update(actor=officer, activity_id=campaign.pk, version=1, data={"kind": "training"}),
        "channels",
    )
    meeting = activity_create(
        actor=officer,
        organization=icbf,
        data=icbf_workshop(kind="meeting", title="Cartagena prosecutors", countries=["PE", "EC"], agreements="JIT"),
    )
    assert meeting.countries == ["PE", "EC"]
    # Empty campaign fields on another type are no values: accepted.
    training = activity_create(
        actor=officer, organization=icbf, data=icbf_workshop(channels=[], people_reached=None, materials="")
    )
    assert training.channels == []


def test_update_checks_the_version_and_audits_the_change(officer: Any, icbf: Any) -> None:
    activity = activity_create(actor=officer, organization=icbf, data=icbf_workshop())
    activity_update(actor=officer, activity_id=activity.pk, version=1, data={"title": "New title", "budget": "100"})
    activity.refresh_from_db()
    assert activity.title == "New title" and activity.version == 2 and activity.budget == Decimal("100.00")
    event = AuditEvent.objects.get(action="programme.activity.update", object_id=str(activity.pk))
    assert event.changes["title"] == ["Family defenders: approach and referral of child victims", "New title"]
    with pytest.raises(ApplicationError) as caught:
        activity_update(actor=officer, activity_id=activity.pk, version=1, data={"title": "Stale"})
    assert caught.value.status_code == 409
    activity.refresh_from_db()
    assert activity.title == "New title" and activity.version == 2
    # The rules apply to the activity as it would be saved: fewer participants than the women recorded.
    _refused(
        lambda: activity_update(actor=officer, activity_id=activity.pk, version=2, data={"participants_total": 100}),
        "participants_women",
    )
    # The reference stays when the year changes.
    activity_update(actor=officer, activity_id=activity.pk, version=2, data={"start_date": "2017-05-14"})
    activity.refresh_from_db()
    assert activity.reference == "CO-ACT-2018-000001" and activity.start_date.year == 2017


def test_who_may_record_for_which_organization(icbf: Any) -> None:
    partner_org = make_organization("CO", name="Fundación Renacer")
    partner = make_user(partner_org, roles=("implementing_partner",))
    activity = activity_create(actor=partner, organization=partner_org, data=icbf_workshop())
    assert activity.owner_organization == partner_org
    with pytest.raises(NotFound):
        activity_create(actor=partner, organization=icbf, data=icbf_workshop())
    manager = make_user(make_organization("AT"), roles=("programme_manager",))
    with pytest.raises(NotFound):
        activity_create(actor=manager, organization=icbf, data=icbf_workshop())
    with pytest.raises(NotFound):
        activity_update(actor=manager, activity_id=activity.pk, version=None, data={"title": "x"})
    officer_br = make_user(make_organization("BR"), roles=("me_officer",))
    with pytest.raises(NotFound):
        activity_create(actor=officer_br, organization=icbf, data=icbf_workshop())
    # A national M&E officer records for any organization of the country.
    officer_co = make_user(make_organization("CO"), roles=("me_officer",))
    assert activity_create(actor=officer_co, organization=partner_org, data=icbf_workshop()).owner_organization == (
        partner_org
    )


def test_implementing_organizations_are_of_the_country(officer: Any, icbf: Any) -> None:
    brazilian = make_organization("BR")
    _refused(
        lambda: activity_create(
            actor=officer, organization=icbf, data=icbf_workshop(implementing_organizations=[brazilian.pk])
        ),
        "implementing_organizations",
    )
    _refused(
        lambda: activity_create(actor=officer, organization=icbf, data=icbf_workshop(implementing_organizations=["x"])),
        "implementing_organizations",
    )


def test_participant_counts_come_from_the_roster_where_there_is_one(icbf: Any) -> None:
    activity = make_activity(icbf, participants_total=10, participants_women=4, participants_men=6)
    for sex, sector in (("female", "police"), ("female", "police"), ("male", "judges"), ("other", "police")):
        make_attendance(activity, make_participant("CO", sex=sex, sector=sector))
    counts = participant_counts(activity)
    assert (counts.total, counts.women, counts.men, counts.other, counts.from_roster) == (4, 2, 1, 1, True)
    assert counts.by_sector == {Sector.POLICE: 3, Sector.JUDGES: 1}
    without = make_activity(icbf, participants_total=20)
    totals = activity_totals(Activity.objects.filter(pk__in=[activity.pk, without.pk]))
    assert totals == {"activities": 2, "participants": 24}


def test_follow_up_actions_of_a_cooperation_meeting(officer: Any, icbf: Any) -> None:
    meeting = make_activity(icbf, kind=ActivityType.MEETING, title="Cartagena")
    action = follow_up_add(
        actor=officer,
        activity_id=meeting.pk,
        data={
            "description": "Share the list of contact points",
            "owner_name": "Fiscalía",
            "owner_country": "pe",
            "due_on": "2030-01-31",
        },
    )
    assert action.status == ActionStatus.OPEN and action.owner_country == "PE"
    assert AuditEvent.objects.filter(action="programme.followup.create", object_id=str(action.pk)).exists()
    follow_up_update(actor=officer, follow_up_id=action.pk, data={"status": "done"})
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.done_on == timezone.localdate()
    assert AuditEvent.objects.filter(action="programme.followup.update", object_id=str(action.pk)).exists()
    follow_up_update(actor=officer, follow_up_id=action.pk, data={"status": "open"})
    action.refresh_from_db()
    assert action.done_on is None
    _refused(lambda: follow_up_update(actor=officer, follow_up_id=action.pk, data={"status": "forgotten"}), "status")
    _refused(
        lambda: follow_up_update(
            actor=officer, follow_up_id=action.pk, data={"status": "done", "done_on": "2999-01-01"}
        ),
        "done_on",
    )
    _refused(
        lambda: follow_up_add(actor=officer, activity_id=meeting.pk, data={"description": "x", "owner_name": "y"}),
        "due_on",
    )
    training = make_activity(icbf)
    _refused(
        lambda: follow_up_add(
            actor=officer,
            activity_id=training.pk,
            data={"description": "x", "owner_name": "y", "due_on": "2030-01-01"},
        ),
        "activity",
    )
    manager = make_user(make_organization("AT"), roles=("programme_manager",))
    with pytest.raises(NotFound):
        follow_up_update(actor=manager, follow_up_id=action.pk, data={"status": "dropped"})


def test_follow_ups_due_within_a_month_or_overdue(officer: Any, icbf: Any) -> None:
    meeting = make_activity(icbf, kind=ActivityType.CONFERENCE)
    today = timezone.localdate()
    due = {}
    for name, days, status in (
        ("overdue", -3, ActionStatus.OPEN),
        ("soon", 10, ActionStatus.OPEN),
        ("later", 60, ActionStatus.OPEN),
        ("done", -3, ActionStatus.DONE),
    ):
        due[name] = FollowUpAction.objects.create(
            activity=meeting,
            description=name,
            owner_name="x",
            due_on=today + datetime.timedelta(days=days),
            status=status,
        )
    assert [action.description for action in follow_ups_due(user=officer)] == ["overdue", "soon"]
    other_country = make_user(make_organization("BR"), roles=("me_officer",))
    assert follow_ups_due(user=other_country) == []
