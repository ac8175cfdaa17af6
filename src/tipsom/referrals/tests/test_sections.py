"""What a referral shares: the sections, normalised, and built from the case with nothing else read."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tipsom.referrals.models import Section, ServiceType
from tipsom.referrals.sections import age_range, build_sections, minimum_sections, normalise_sections
from tipsom.referrals.tests.factories import adult_person, make_case, make_world


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ([], ["profile"]),
        (("needs",), ["profile", "needs"]),
        ("identity", ["profile", "identity"]),
        (["child", "plan", "profile", "plan"], ["profile", "plan", "child"]),
        ([s.value for s in reversed(Section)], [s.value for s in Section]),
    ],
)
def test_normalise_orders_and_adds_the_profile(given: Any, expected: list[str]) -> None:
    assert normalise_sections(given) == expected


@pytest.mark.parametrize("given", [None, ["identity", "passport"], [""], "", [None], {"identity"}, 3])
def test_normalise_refuses_what_is_not_a_list_of_sections(given: Any) -> None:
    assert normalise_sections(given) is None


def test_minimum_sections_start_with_the_profile() -> None:
    for service_type in ServiceType.values:
        assert minimum_sections(service_type)[0] == "profile"
    assert minimum_sections("legal_aid") == ["profile", "identity", "exploitation"]
    assert minimum_sections("child_protection") == ["profile", "identity", "child"]
    assert minimum_sections("interpretation") == ["profile"]
    assert minimum_sections("unknown") == ["profile"]


@pytest.mark.django_db
def test_build_reads_only_the_chosen_sections() -> None:
    world = make_world()
    person = adult_person(contacts=[{"kind": "phone", "value": "+5565988112233"}])
    case = make_case(world.identifier, person=person)
    profile_only = build_sections(case, ["profile"])
    assert list(profile_only) == ["profile"]
    assert profile_only["profile"]["citizenships"] == ["BO"] and profile_only["profile"]["case_type"] == "tip"
    assert "+5565988112233" not in str(profile_only) and "Rosa" not in str(profile_only)

    identity = build_sections(case, ["profile", "identity"])
    assert [n["name"] for n in identity["identity"]["names"]] == ["Rosa Condori Huanca"]
    assert "contact" not in identity and "+5565988112233" not in str(identity)

    contact = build_sections(case, ["profile", "contact"])
    assert contact["contact"] == {"contacts": [{"kind": "phone", "value": "+5565988112233"}]}
    assert "identity" not in contact and "Rosa" not in str(contact)


@pytest.mark.django_db
def test_build_every_section_in_few_queries() -> None:
    world = make_world(child=True)
    case = type(world.case).objects.select_related("person").get(pk=world.case.pk)
    with CaptureQueriesContext(connection) as queries:
        sections = build_sections(case, [s.value for s in Section])
    assert set(sections) == {s.value for s in Section}
    assert len(queries) <= 10
    assert sections["exploitation"]["exploitation_types"] == ["ForcedLabour"]
    assert sections["plan"] == {"plan": [], "services": []}
    assert sections["child"]["age_assessment"]
    assert sections["profile"]["is_child"] is True


@pytest.mark.django_db
def test_child_section_of_an_adult_is_empty() -> None:
    world = make_world()
    assert build_sections(world.case, ["child"]) == {"child": {}}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("birth", "expected"),
    [
        ({"birth_date": "1990-06-15", "birth_date_precision": "exact"}, "exact"),
        ({"birth_date": "", "birth_date_precision": ""}, (None, None)),
    ],
)
def test_age_range_from_what_is_known(birth: dict[str, str], expected: Any) -> None:
    world = make_world()
    case = make_case(world.identifier, person=adult_person(**birth))
    if expected == "exact":
        today = timezone.localdate()
        age = today.year - 1990 - ((today.month, today.day) < (6, 15))
        expected = (age, age)
    assert age_range(case) == expected
    assert build_sections(case, ["profile"])["profile"]["age_min"] == expected[0]


@pytest.mark.django_db
def test_presumed_minor_without_a_birth_date_is_shared_as_a_child() -> None:
    world = make_world()
    person = adult_person(birth_date="", birth_date_precision="", is_presumed_minor=True)
    case = make_case(world.identifier, person=person)
    profile = build_sections(case, ["profile"])["profile"]
    assert (profile["age_min"], profile["age_max"]) == (0, 17)
