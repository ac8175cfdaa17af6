"""Activity screens: who reaches each (AccessCase for every URL), the list's filters, totals and scopes (a programme
manager reads every country and records nothing; an implementing partner sees only its own), recording the ICBF
workshops through the form, bad input shown on the form with nothing saved, a stale edit, the detail page and the
follow-up actions."""

from __future__ import annotations

import datetime
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tipsom.accounts.testing import AccessCase, make_user, organization_of, sign_in
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.programme.models import ActionStatus, Activity, ActivityType, FollowUpAction
from tipsom.programme.testing import make_activity, make_attendance, make_participant


def _meeting(organization: Organization) -> Activity:
    return make_activity(organization, kind=ActivityType.MEETING, title="Meeting of specialised prosecutors")


def _follow_up(organization: Organization) -> FollowUpAction:
    return FollowUpAction.objects.create(
        activity=_meeting(organization), description="Share contact points", owner_name="Fiscalía", due_on="2030-01-31"
    )


# --- who reaches each screen ------------------------------------------------------------------------------------------
class ProgrammeScreenCase(AccessCase):
    permitted_role = "me_officer"
    unpermitted_role = "frontline_identifier"
    scope = "national"


class TestActivityList(ProgrammeScreenCase):
    url_name = "programme:activities"
    model = Activity

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert b"Record an activity" in response.content


class TestActivityCreate(ProgrammeScreenCase):
    url_name = "programme:activity_create"


class TestActivityDetail(ProgrammeScreenCase):
    url_name = "programme:activity"
    model = Activity

    def make_object(self, organization: Organization) -> Activity:
        return make_activity(organization, title="Course in Cáceres")

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert obj.reference.encode() in response.content


class TestActivityEdit(TestActivityDetail):
    url_name = "programme:activity_edit"


class TestFollowUpAdd(ProgrammeScreenCase):
    url_name = "programme:follow_up_add"
    model = FollowUpAction
    method = "post"
    permitted_status = 302

    def make_object(self, organization: Organization) -> Activity:
        return _meeting(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {"description": "Draft a protocol", "owner_name": "Ministry", "due_on": "2030-06-30"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert FollowUpAction.objects.filter(activity=obj, description="Draft a protocol").exists()


class TestFollowUpUpdate(ProgrammeScreenCase):
    url_name = "programme:follow_up_update"
    model = FollowUpAction
    method = "post"
    permitted_status = 302

    def make_object(self, organization: Organization) -> FollowUpAction:
        return _follow_up(organization)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def payload(self, obj: Any) -> dict[str, Any]:
        return {f"followup-{obj.pk}-status": "dropped"}

    def check_permitted(self, response: Any, obj: Any) -> None:
        obj.refresh_from_db()
        assert obj.status == ActionStatus.DROPPED


class TestPartnerActivityDetail(TestActivityDetail):
    """An implementing partner reaches its own organization's activity, not another organization's of its country."""

    permitted_role = "implementing_partner"
    scope = "organization"


# --- the list -------------------------------------------------------------------------------------------------------
pytestmark = pytest.mark.django_db


def _client(user: Any) -> Client:
    return sign_in(Client(), user)


def _references(html: str) -> set[str]:
    return set(re.findall(r"[A-Z]{2}-ACT-\d{6}|[A-Z]{2}-ACT-\d{4}-\d{6}", html))


def test_the_list_filters_and_totals() -> None:
    org = make_organization("CO", name="ICBF")
    other = make_organization("CO", name="Fundación Renacer")
    workshop = make_activity(
        org,
        kind=ActivityType.WORKSHOP,
        regions=["CO-ANT"],
        participants_total=125,
        start_date=datetime.date(2018, 5, 1),
    )
    campaign = make_activity(
        other,
        kind=ActivityType.CAMPAIGN,
        pillar=1,
        regions=["CO-VAC"],
        start_date=datetime.date(2019, 3, 1),
        end_date=datetime.date(2019, 3, 2),
    )
    rostered = make_activity(org, regions=["CO-ANT", "CO-VAC"], participants_total=99)
    for _number in range(3):
        make_attendance(rostered, make_participant("CO"))
    officer = make_user(make_organization("CO"), roles=("me_officer",))
    client = _client(officer)
    response = client.get(reverse("programme:activities"))
    html = response.content.decode()
    assert response.status_code == 200
    assert _references(html) == {workshop.reference, campaign.reference, rostered.reference}
    assert 'data-total="activities">3<' in html and 'data-total="participants">128<' in html
    # The rostered activity counts its 3 people on the roster, not the 99 recorded.
    assert re.search(rf"{rostered.reference}</a>.*?data-label=\"Participants\">3</td>", html, re.S)
    for query, expected in (
        ({"kind": "campaign"}, {campaign.reference}),
        ({"year": "2018"}, {workshop.reference, rostered.reference}),
        ({"region": "co-vac"}, {campaign.reference, rostered.reference}),
        ({"pillar": "1"}, {campaign.reference}),
        ({"organization": str(other.pk)}, {campaign.reference}),
    ):
        html = client.get(reverse("programme:activities"), query).content.decode()
        assert _references(html) == expected, query
    assert client.get(reverse("programme:activities"), {"year": "ninety"}).status_code == 400
    # A national reader has no country filter; an organization of another country is no choice.
    assert 'name="country"' not in html
    assert (
        client.get(reverse("programme:activities"), {"organization": str(make_organization("BR").pk)}).status_code
        == 400
    )


def test_a_programme_manager_reads_every_country_and_records_nothing() -> None:
    colombian = make_activity(make_organization("CO"), title="ICBF workshop")
    kyrgyz = make_activity(make_organization("KG"), kind=ActivityType.CAMPAIGN, title="100 Days")
    manager = make_user(make_organization("AT"), roles=("programme_manager",))
    client = _client(manager)
    html = client.get(reverse("programme:activities")).content.decode()
    assert {colombian.reference, kyrgyz.reference} <= _references(html)
    assert "Record an activity" not in html and 'name="country"' in html
    html = client.get(reverse("programme:activities"), {"country": "KG"}).content.decode()
    assert _references(html) == {kyrgyz.reference}
    assert client.get(reverse("programme:activity", args=[colombian.pk])).status_code == 200
    assert client.get(reverse("programme:activity_create")).status_code == 404
    assert client.get(reverse("programme:activity_edit", args=[colombian.pk])).status_code == 404


def test_an_implementing_partner_sees_only_its_organization_activities() -> None:
    ngo = make_organization("CO", name="Fundación Renacer")
    own = make_activity(ngo)
    other = make_activity(make_organization("CO"))
    partner = make_user(ngo, roles=("implementing_partner",))
    client = _client(partner)
    html = client.get(reverse("programme:activities")).content.decode()
    assert _references(html) == {own.reference} and "Record an activity" in html
    assert client.get(reverse("programme:activity", args=[other.pk])).status_code == 404
    # The partner's form has no choice of reporting organization: it reports its own.
    html = client.get(reverse("programme:activity_create")).content.decode()
    assert 'name="owner_organization"' not in html
    response = client.post(
        reverse("programme:activity_create"),
        {"kind": "training", "title": "Shelter staff training", "pillar": "5", "start_date": "2019-02-01"},
    )
    assert response.status_code == 302
    assert Activity.objects.get(title="Shelter staff training").owner_organization == ngo


# --- recording and changing ------------------------------------------------------------------------------------------
def _icbf_form(**extra: Any) -> dict[str, Any]:
    data = {
        "kind": "workshop",
        "title": "Family defenders: approach and referral of child victims",
        "pillar": "6",
        "four_ps": ["protection"],
        "start_date": "2018-05-14",
        "end_date": "2018-05-16",
        "regions": ["CO-ANT", "CO-VAC"],
        "currency": "USD",
        "budget": "12000",
        "participants_total": "125",
        "participants_women": "102",
        "participants_men": "23",
        "sector_family_defenders": "125",
    }
    data.update(extra)
    return data


def test_an_me_officer_records_the_icbf_workshops_for_an_organization_of_the_country() -> None:
    icbf = make_organization("CO", name="ICBF")
    officer = make_user(make_organization("CO"), roles=("me_officer",))
    client = _client(officer)
    html = client.get(reverse("programme:activity_create")).content.decode()
    assert 'name="owner_organization"' in html and "ICBF" in html
    response = client.post(reverse("programme:activity_create"), _icbf_form(owner_organization=str(icbf.pk)))
    assert response.status_code == 302, response.content.decode()[:2000]
    activity = Activity.objects.get()
    assert activity.owner_organization == icbf and activity.reference == "CO-ACT-2018-000001"
    assert activity.participants_by_sector == {"family_defenders": 125}
    page = client.get(response["Location"]).content.decode()
    assert "125 participants (counts recorded, no roster): 102 women, 23 men." in page
    assert "Family defenders" in page
    assert f'href="{reverse("programme:impact")}?activities={activity.pk}"' in page
    assert reverse("programme:roster", kwargs={"pk": activity.pk}) in page
    assert "around the campaign" not in page


@pytest.mark.parametrize(
    ("extra", "field", "words"),
    [
        ({"participants_women": "110"}, "participants_women", "more than the 125 participants"),
        ({"sector_police": "10"}, "participants_by_sector", "more than the 125 participants"),
        ({"end_date": "2018-05-01"}, "end_date", "before the start date"),
        ({"budget": "-5"}, "budget", "cannot be negative"),
        ({"people_reached": "5000"}, "people_reached", "Only an awareness campaign"),
        ({"countries": ["PE"]}, "countries", "Only a meeting"),
    ],
)
def test_bad_input_is_shown_on_the_form_and_nothing_is_saved(extra: dict[str, Any], field: str, words: str) -> None:
    officer = make_user(make_organization("CO"), roles=("me_officer",))
    response = _client(officer).post(reverse("programme:activity_create"), _icbf_form(**extra))
    assert response.status_code == 400
    assert words in response.content.decode()
    assert not Activity.objects.exists()


def test_a_stale_edit_is_refused_and_says_so() -> None:
    org = make_organization("CO")
    activity = make_activity(org, participants_total=10)
    officer = make_user(org, roles=("me_officer",))
    client = _client(officer)
    form = {**_icbf_form(), "version": "1", "title": "Changed"}
    response = client.post(reverse("programme:activity_edit", args=[activity.pk]), form)
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.title == "Changed" and activity.version == 2
    response = client.post(reverse("programme:activity_edit", args=[activity.pk]), {**form, "title": "Again"})
    assert response.status_code == 409 and "Open the current version" in response.content.decode()
    activity.refresh_from_db()
    assert activity.title == "Changed"


def test_the_detail_counts_the_roster_and_flags_overdue_follow_ups() -> None:
    org = make_organization("CO")
    meeting = make_activity(org, kind=ActivityType.MEETING, countries=["PE", "EC"], agreements="A joint team.")
    make_attendance(meeting, make_participant("CO", sex="female"))
    make_attendance(meeting, make_participant("CO", sex="male", sector="prosecutors"))
    today = timezone.localdate()
    late = FollowUpAction.objects.create(
        activity=meeting, description="Late one", owner_name="Fiscalía", due_on=today - datetime.timedelta(days=2)
    )
    FollowUpAction.objects.create(
        activity=meeting, description="Future one", owner_name="Policía", due_on=today + datetime.timedelta(days=5)
    )
    officer = make_user(org, roles=("me_officer",))
    client = _client(officer)
    html = client.get(reverse("programme:activity", args=[meeting.pk])).content.decode()
    assert "2 participants on the roster: 1 women, 1 men." in html
    assert 'data-from-roster="yes"' in html
    assert f'data-follow-up="{late.pk}" class="follow-up-overdue"' in html and "overdue" in html
    assert "Add a follow-up action" in html and "A joint team." in html
    assert reverse("programme:roster", kwargs={"pk": meeting.pk}) in html
    assert "Impact on detection" not in html
    # Bad input on the follow-up form: shown, nothing saved.
    response = client.post(
        reverse("programme:follow_up_add", args=[meeting.pk]), {"description": "x", "owner_name": ""}
    )
    assert response.status_code == 400 and FollowUpAction.objects.count() == 2
    # The programme manager reads the table without the forms.
    manager = make_user(make_organization("AT"), roles=("programme_manager",))
    html = _client(manager).get(reverse("programme:activity", args=[meeting.pk])).content.decode()
    assert "Late one" in html and "Add a follow-up action" not in html
    assert client.post(reverse("programme:follow_up_add", args=[make_activity(org).pk]), {}).status_code == 400


def test_home_widgets_for_the_me_officer_and_the_partner() -> None:
    ngo = make_organization("CO", name="Fundación Renacer")
    meeting = _meeting(ngo)
    FollowUpAction.objects.create(
        activity=meeting,
        description="Due soon",
        owner_name="x",
        due_on=timezone.localdate() + datetime.timedelta(days=3),
    )
    officer = make_user(make_organization("CO"), roles=("me_officer",))
    html = _client(officer).get(reverse("home")).content.decode()
    assert 'data-widget="programme_follow_ups_due"' in html and "Due soon" in html
    assert 'data-widget="programme_my_activities"' not in html
    partner = make_user(ngo, roles=("implementing_partner",))
    html = _client(partner).get(reverse("home")).content.decode()
    assert 'data-widget="programme_my_activities"' in html and meeting.reference in html
    assert 'data-widget="programme_follow_ups_due"' not in html
    assert organization_of(partner) == ngo


def test_a_campaign_links_to_its_effect_on_contacts_and_identifications() -> None:
    org = make_organization("KG")
    campaign = make_activity(org, kind=ActivityType.CAMPAIGN, title="100 Days", channels=["radio"], people_reached=9000)
    html = _client(make_user(org, roles=("me_officer",))).get(reverse("programme:activity", args=[campaign.pk]))
    page = html.content.decode()
    assert reverse("programme:campaign_effect", kwargs={"pk": campaign.pk}) in page
    assert "Helpline contacts and identifications around the campaign" in page and "Radio" in page
    assert "Impact on detection" not in page and "Follow-up actions" not in page
