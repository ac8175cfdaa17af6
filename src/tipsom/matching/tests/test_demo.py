"""The matching demo: in each country a person registered twice, the pair waiting for the country's reviewer."""

from __future__ import annotations

import dataclasses

import pytest

from tipsom.audit.models import AuditEvent
from tipsom.demo.services import demo_load, demo_options
from tipsom.matching.demo import demo_duplicates, seed
from tipsom.matching.models import CandidatePair
from tipsom.matching.selectors import pair_list
from tipsom.people.models import Person


@pytest.mark.django_db
def test_every_country_has_a_pair_for_its_reviewer_and_a_second_run_adds_nothing() -> None:
    demo_load(cases_per_country=0)  # organizations and users only: the matching seeder waits for the cases
    assert not CandidatePair.objects.exists()
    options = dataclasses.replace(demo_options(), cases_per_country=None)
    report = seed(options)
    assert report.persons == 2 * len(demo_duplicates()) == 26
    assert report.pairs == CandidatePair.objects.count() == 13
    for country in report.countries:
        reviewer = options.users[f"{country.lower()}.reviewer"]
        pairs = list(pair_list(user=reviewer))
        assert len(pairs) == 1, country
        assert pairs[0].person_low.owner_organization.country == country
        assert pairs[0].person_low.owner_organization_id != pairs[0].person_high.owner_organization_id
    assert AuditEvent.objects.filter(action="demo.matching").count() == 13
    again = seed(options)
    assert (again.persons, again.pairs) == (0, 0) and Person.objects.count() == 26
