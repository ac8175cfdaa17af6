"""`tipsom demo`, the programme: the seeds' activities with their figures, synthetic activities in every country,
the results framework in every review state, grants, and the Colombian cases in which the ICBF workshops' effect is
there to find; idempotent, and nothing when the demo is loaded without cases."""

import dataclasses
from collections import Counter
from datetime import date

import pytest
from django.utils import timezone

from tipsom.audit.models import AuditEvent
from tipsom.cases.models import Case
from tipsom.demo.services import demo_load, demo_options
from tipsom.programme.demo import COVERAGE, effect_plan, programme_config, programme_load, seed, workshop_months
from tipsom.programme.models import (
    Activity,
    ActivityType,
    Attendance,
    FollowUpAction,
    Grant,
    GrantReport,
    GrantTransaction,
    Indicator,
    IndicatorBaseline,
    IndicatorPeriod,
    Participant,
    Pillar,
    ResultNode,
    Tranche,
)
from tipsom.stats.facts import engine
from tipsom.stats.models import VictimFact

GLO_ACT = {"BY", "BR", "CO", "EG", "KG", "LA", "ML", "MA", "NP", "NE", "PK", "ZA", "UA"}
ICBF_REGIONS = {"CO-ANT", "CO-VAC", "CO-BOL", "CO-NSA", "CO-RIS"}


def _counts() -> tuple[int, ...]:
    models = (Activity, Attendance, Participant, FollowUpAction, ResultNode, Indicator, IndicatorBaseline)
    more = (IndicatorPeriod, Grant, Tranche, GrantReport, GrantTransaction, Case, AuditEvent)
    return tuple(model.objects.count() for model in (*models, *more))


@pytest.mark.django_db
def test_the_programme_demo():
    demo_load(cases_per_country=0)
    assert not Activity.objects.exists()  # organizations and users only: the programme seeds nothing
    options = demo_options(cases_per_country=2)
    report = programme_load(options)
    assert report.rows["activities"] == Activity.objects.count() and "Programme: activities" in report.summary
    _check_caceres()
    _check_icbf()
    _check_other_seeds()
    _check_cartagena()
    _check_every_country()
    _check_framework()
    _check_grants()
    _check_effect()
    before = _counts()
    again = seed(options)
    assert _counts() == before
    assert again.summary == "Programme: nothing new."


def _check_caceres():
    course = Activity.objects.get(country="BR", title__startswith="Approaches to Trafficking in Persons")
    assert (course.kind, course.start_date, course.end_date) == ("training", date(2017, 7, 5), date(2017, 7, 6))
    assert course.regions == ["BR-MT"] and "Cáceres" in course.places
    attendees = Participant.objects.filter(attendances__activity=course)
    assert attendees.count() == 132
    sectors = Counter(attendees.values_list("sector", flat=True))
    assert sectors == {
        "health": 14,
        "psychologists": 10,
        "social_workers": 22,
        "education": 18,
        "police": 30,
        "border_immigration": 10,
        "civil_society": 16,
        "child_protection": 12,
    }
    assert {"Polícia Militar de Mato Grosso", "Polícia Federal", "Polícia Rodoviária Federal"} <= set(
        attendees.values_list("organization_name", flat=True)
    )
    assert set(attendees.values_list("region", flat=True)) == {"BR-MT", "BR-GO"}
    names = [participant.name for participant in attendees]
    assert len(set(names)) == 132 and all(" " in name for name in names)


def _check_icbf():
    workshops = Activity.objects.filter(country="CO", title__startswith="Workshop for family defenders of the ICBF")
    assert workshops.count() == 5
    assert {region for workshop in workshops for region in workshop.regions} == ICBF_REGIONS
    assert all(date(2018, 9, 1) <= w.start_date and w.end_date <= date(2018, 11, 30) for w in workshops)
    assert {w.pillar for w in workshops} == {Pillar.CHILDREN}
    defenders = Participant.objects.filter(attendances__activity__in=workshops)
    assert defenders.count() == 125
    assert Counter(defenders.values_list("sex", flat=True)) == {"female": 102, "male": 23}
    assert set(defenders.values_list("sector", flat=True)) == {"family_defenders"}
    assert set(defenders.values_list("region", flat=True)) == ICBF_REGIONS
    assert set(defenders.values_list("organization__code", flat=True)) == {"co-child"}
    linked = defenders.get(user__isnull=False)  # the demo's family defender took the Medellín workshop
    assert linked.user is not None and (linked.user.username, linked.region) == ("co.child", "CO-ANT")


def _check_other_seeds():
    nepal = Activity.objects.get(country="NP", title__icontains="organ removal")
    assert nepal.participants_total == 45 and sum(nepal.participants_by_sector.values()) == 45
    assert (nepal.start_date.year, nepal.start_date.month) == (2017, 8)
    mali = Activity.objects.get(country="ML", title__startswith="Joint training workshop")
    assert mali.participants_total == 28 and set(mali.participants_by_sector) == {"government", "civil_society"}
    morocco = Activity.objects.get(country="MA", title__contains="Law 27-14")
    assert (morocco.participants_total or 0) > 100 and morocco.pillar == Pillar.LEGISLATION
    campaign = Activity.objects.get(country="KG", title="100 Days against Trafficking in Persons")
    assert campaign.kind == ActivityType.CAMPAIGN and campaign.start_date == date(2017, 7, 30)
    assert (campaign.end_date - campaign.start_date).days == 99
    assert sorted(campaign.regions) == ["KG-B", "KG-C", "KG-J", "KG-N", "KG-O", "KG-T", "KG-Y"]
    assert campaign.people_reached and len(campaign.channels) >= 3


def _check_cartagena():
    meeting = Activity.objects.get(country="CO", title__startswith="Third meeting of the Ibero-American network")
    assert (meeting.start_date, meeting.end_date) == (date(2017, 9, 19), date(2017, 9, 21))
    assert meeting.pillar == Pillar.COOPERATION and {"CO", "BO", "BR"} <= set(meeting.countries)
    assert "smuggling of migrants" in meeting.agreements
    actions = list(meeting.follow_ups.all())
    assert len(actions) == 4 and all(action.owner_name and action.due_on for action in actions)
    overdue = [a for a in actions if a.status == "open" and a.due_on < timezone.localdate()]
    assert len(overdue) == 1


def _check_every_country():
    for code in GLO_ACT:
        activities = Activity.objects.filter(country=code)
        assert activities.count() >= len(COVERAGE), code  # a small demo: one of each type and pillar
        assert set(activities.values_list("kind", flat=True)) == set(ActivityType.values), code
        assert set(activities.values_list("pillar", flat=True)) == set(Pillar.values), code
        # 2017-2020, but for Pakistan's awareness week of the helpline's demo, a few weeks ago
        starts = activities.exclude(title__startswith="Awareness week").values_list("start_date", flat=True)
        years = {day.year for day in starts}
        assert years <= {2017, 2018, 2019, 2020} and len(years) >= 2, code
        assert Attendance.objects.filter(activity__country=code).exists(), code
    week = Activity.objects.get(country="PK", title__startswith="Awareness week")
    assert week.kind == ActivityType.CAMPAIGN and (week.end_date - week.start_date).days == 6
    # A person on several rosters is one participant.
    several = Counter(Attendance.objects.values_list("participant_id", flat=True))
    assert max(several.values()) >= 2
    # Some activities are reported by the implementing partner (the NGO).
    assert Activity.objects.filter(owner_organization__code__endswith="-ngo", created_by__username__endswith=".partner")


def _check_framework():
    config = programme_config()["framework"]
    assert ResultNode.objects.count() == len(config["nodes"])
    assert set(ResultNode.objects.values_list("level", flat=True)) == {"impact", "outcome", "output"}
    keys = set(Indicator.objects.exclude(source="manual").values_list("source_key", flat=True))
    assert keys == {
        "practitioners_trained",
        "activities_held",
        "campaign_reach",
        "victims_identified",
        "child_victims_identified",
        "referrals_within_time",
        "persons_prosecuted",
        "helpline_contacts",
    }
    assert Indicator.objects.filter(source="manual").count() >= 3
    assert IndicatorBaseline.objects.count() == Indicator.objects.count() * 13
    manual = IndicatorPeriod.objects.filter(indicator__source="manual", actual__isnull=False)
    assert set(manual.values_list("status", flat=True)) == {"approved", "submitted", "returned", "draft"}
    assert all(period.locked for period in manual.filter(status="approved"))
    targets = IndicatorPeriod.objects.exclude(indicator__source="manual")
    assert targets.filter(target__isnull=False).count() == targets.count() > 0
    assert set(targets.values_list("country", flat=True)) == GLO_ACT


def _check_grants():
    today = timezone.localdate()
    grants = Grant.objects.all()
    assert grants.count() == len(programme_config()["grants"]) and grants.values("country").distinct().count() >= 3
    reports = GrantReport.objects.all()
    assert reports.filter(status="draft", due_on__lt=today).exists()  # overdue
    assert reports.filter(status="submitted").exists()
    approved = reports.filter(status="approved").first()
    assert approved is not None
    assert Tranche.objects.get(grant=approved.grant, number=approved.number + 1).released_on is not None
    kinds = set(GrantTransaction.objects.values_list("transaction_type", flat=True))
    assert kinds == {"2", "3", "4"}
    assert GrantTransaction.objects.filter(created_by__username="co.partner", transaction_type="4").exists()


def _monthly(rows, units, months):
    """The mean count per unit and month."""
    return sum(rows[unit, month] for unit in units for month in months) / (len(units) * len(months))


def _check_effect():
    engine.rebuild()
    facts = VictimFact.objects.filter(country="CO", counted=True, identified_on__lt=date(2020, 1, 1))
    assert facts.count() == Case.objects.filter(country="CO").count() == len(effect_plan(2026))
    assert all(fact.is_child for fact in facts) and not facts.filter(identified_by__isnull=True).exists()
    by_region: Counter = Counter()
    by_organization: Counter = Counter()
    for region, code, day in facts.values_list("region", "organization__code", "identified_on"):
        by_region[region, day.replace(day=1)] += 1
        by_organization[code, day.replace(day=1)] += 1
    before = [date(2017 + (8 + i) // 12, (8 + i) % 12 + 1, 1) for i in range(12)]  # 2017-09 .. 2018-08
    after = [date(2019, month, 1) for month in range(1, 13)]
    assert set(workshop_months()) == ICBF_REGIONS
    comparison = programme_config()["effect"]["comparison_regions"]
    assert _monthly(by_region, ICBF_REGIONS, after) > 2 * _monthly(by_region, ICBF_REGIONS, before)
    assert abs(_monthly(by_region, comparison, after) - _monthly(by_region, comparison, before)) < 0.5
    # The extra identifications are the family defenders' (the child protection organization, its user).
    assert _monthly(by_organization, ["co-child"], after) > 2 * _monthly(by_organization, ["co-child"], before)
    for untrained in ("co-ngo", "co-police"):
        ratio = _monthly(by_organization, [untrained], after) / _monthly(by_organization, [untrained], before)
        assert 0.6 < ratio < 1.5, untrained
    # Nothing of the programme trained the comparison regions or organizations.
    learning = Activity.objects.filter(country="CO", kind__in=["training", "workshop", "study_visit"])
    assert not {region for regions in learning.values_list("regions", flat=True) for region in regions} & set(
        comparison
    )
    trained = set(Participant.objects.filter(country="CO").values_list("organization__code", flat=True))
    trained |= set(learning.values_list("implementing_organizations__code", flat=True))
    assert not trained & {"co-ngo", "co-police"}


@pytest.mark.django_db
def test_nothing_without_cases_and_nothing_for_a_country_without_its_staff():
    demo_load(cases_per_country=0)
    options = demo_options(cases_per_country=0)
    assert seed(options).summary == "Programme: nothing new."
    assert not Activity.objects.exists()
    only = demo_options(cases_per_country=1)
    users = {name: user for name, user in only.users.items() if not name.startswith("np.")}
    countries = tuple(c for c in only.countries if c["code"] in ("NP", "ML"))
    report = programme_load(dataclasses.replace(only, users=users, countries=countries))
    assert report.skipped_countries == ("NP",)
    assert set(Activity.objects.values_list("country", flat=True)) == {"ML"}
