"""`tipsom demo` criminal justice: criminal cases built on the demo victim cases (the same victims are witnesses),
Brazil's forced-labour showcase with two defendants, the smuggling incidents with deaths (the Agadez route, the
sea off Egypt), all through the justice services; loaded on a small scale for three countries."""

import dataclasses
import json
from collections import Counter
from datetime import date

import pytest
from django.utils import timezone

from tipsom.audit.models import AuditEvent
from tipsom.cases.demo import cases_load
from tipsom.demo.services import demo_load, demo_options
from tipsom.justice.demo import AUDIT_ACTION, justice_load
from tipsom.justice.models import (
    CaseStage,
    Charge,
    CriminalCase,
    Hearing,
    Outcome,
    SmugglingIncident,
    Suspect,
    VictimInProceedings,
)
from tipsom.justice.selectors.stats import justice_stats
from tipsom.justice.services.brief import brief_build
from tipsom.people.models import PersonName

COUNTRIES = ("BR", "NE", "EG")
CASES = 20


def _options():
    options = demo_options(seed=2026, cases_per_country=CASES)
    return dataclasses.replace(options, countries=tuple(c for c in options.countries if c["code"] in COUNTRIES))


@pytest.mark.django_db
def test_demo_loads_the_justice_record():
    demo_load(cases_per_country=0)
    assert not CriminalCase.objects.exists()  # no victim cases yet: nothing to build on
    cases_load(_options(), service_cases=1)
    report = justice_load(_options())
    assert sorted(report.countries) == sorted(COUNTRIES)
    assert report.criminal_cases == CriminalCase.objects.count() > 0
    assert report.defendants == Suspect.objects.count()
    assert report.incidents == SmugglingIncident.objects.count() == 3  # two in Niger, one in Egypt
    _check_showcase()
    _check_victims_are_demo_cases()
    _check_incidents()
    _check_stages_and_hearings()
    _check_statistics()
    _check_second_run_adds_nothing()


def _check_showcase():
    showcase = CriminalCase.objects.filter(country="BR", created_by__username="br.investigator").order_by("pk")[0]
    assert showcase.stage == CaseStage.CONCLUDED and showcase.brief_summary
    charges = list(Charge.objects.filter(criminal_case=showcase).select_related("provision"))
    assert len(charges) == 2 and {c.provision.article for c in charges} == {"art. 149-A"}
    assert sorted(c.outcome for c in charges) == [Outcome.ACQUITTED, Outcome.CONVICTED]
    convicted = next(c for c in charges if c.outcome == Outcome.CONVICTED)
    assert convicted.decisions.get().prison_months == 72
    prosecutor = _user("br.prosecutor")
    text = json.dumps(brief_build(actor=prosecutor, criminal_case=showcase.pk), ensure_ascii=False)
    names = PersonName.objects.filter(person__in=Suspect.objects.filter(criminal_case=showcase).values("person"))
    assert names and not any(name.name in text for name in names)


def _check_victims_are_demo_cases():
    links = VictimInProceedings.objects.select_related("case", "criminal_case")
    assert links.exists()
    assert all(link.case.country == link.criminal_case.country for link in links)
    first_identified: dict[int, date] = {}
    for link in links:
        day = first_identified.get(link.criminal_case_id)
        first_identified[link.criminal_case_id] = min(day, link.case.identified_on) if day else link.case.identified_on
    opened = dict(CriminalCase.objects.values_list("pk", "investigation_opened_on"))
    assert all(day <= opened[pk] for pk, day in first_identified.items())  # the investigation follows them


def _check_incidents():
    agadez = SmugglingIncident.objects.get(country="NE", location_type="desert")
    assert agadez.dead == 7 and agadez.route.startswith("Agadez") and "death" in agadez.aggravating_circumstances
    assert sum(row.count for row in agadez.migrant_counts.all()) == agadez.migrants_total
    # Niger's smuggling law is seeded inactive until its article is confirmed: no charge can name it, so the
    # incident has no criminal case there; Egypt's Law 82/2016 is active.
    sea = SmugglingIncident.objects.get(country="EG", location_type="sea")
    assert sea.dead > 0 and "death" in sea.aggravating_circumstances
    assert sea.criminal_case is not None and sea.smugglers.count() == 2


def _check_stages_and_hearings():
    stages = Counter(CriminalCase.objects.filter(country="BR").values_list("stage", flat=True))
    assert {CaseStage.CONCLUDED, CaseStage.INVESTIGATION, CaseStage.PROSECUTION} <= set(stages)
    now = timezone.now()
    assert Hearing.objects.filter(criminal_case__country="BR", starts_at__gt=now).exists()  # a prosecutor's weeks
    assert not CriminalCase.objects.filter(concluded_on__gt=timezone.localdate()).exists()


def _check_statistics():
    year = timezone.localdate().year
    stats = justice_stats(user=_user("eg.rapporteur"), year=year)
    assert stats.national and (stats.incidents["dead"].value or 0) >= 9  # the sea off Rashid, this year


def _check_second_run_adds_nothing():
    before = (CriminalCase.objects.count(), SmugglingIncident.objects.count(), AuditEvent.objects.count())
    report = justice_load(_options())
    assert report.criminal_cases == 0
    assert (CriminalCase.objects.count(), SmugglingIncident.objects.count(), AuditEvent.objects.count()) == before
    assert AuditEvent.objects.filter(action=AUDIT_ACTION).count() == len(COUNTRIES)


def _user(username):
    from tipsom.accounts.models import User

    return User.objects.get(username=username)
