"""`tipsom demo`: the 13 countries' organizations and users, validated, audited, idempotent and deterministic."""

import io
import re
import unicodedata
from collections import Counter

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from tipsom.accounts.models import Role, User
from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError
from tipsom.core.registry import DemoSeeder, ordered, registry
from tipsom.demo.services import DEMO_PASSWORD, DemoOptions, demo_config, demo_load, demo_plan
from tipsom.organizations import geography
from tipsom.organizations.models import Organization, OrganizationFunction, OrganizationType
from tipsom.organizations.testing import make_organization

GLO_ACT = {"BY", "BR", "CO", "EG", "KG", "LA", "ML", "MA", "NP", "NE", "PK", "ZA", "UA"}
SEEDED_ROLES = {
    "system_administrator",
    "national_coordinator",
    "case_manager",
    "frontline_identifier",
    "child_protection_officer",
    "helpline_operator",
    "helpline_supervisor",
    "investigator",
    "prosecutor",
    "me_officer",
    "auditor",
    "registry_reviewer",
    "case_supervisor",
    "judiciary_liaison",
    "national_rapporteur",
    "programme_manager",
    "implementing_partner",
}
TWO_PER_COUNTRY = ("case_manager", "frontline_identifier", "case_supervisor")
E164 = re.compile(r"^\+[1-9][0-9]{6,14}$")


def _scripts(text: str) -> set[str]:
    """Unicode script of every letter and combining mark, from the character's name (LATIN, CYRILLIC, ...)."""
    return {
        unicodedata.name(char).split()[0]
        for char in text
        if char.isalpha() or unicodedata.category(char).startswith("M")
    }


def _snapshot() -> list[tuple[str, str, str, str, str]]:
    return sorted(
        (user.username, user.full_name, user.phone, user.organization.code, ",".join(user.role_slugs()))
        for user in User.objects.select_related("organization").prefetch_related("roles")
    )


# --- The plan (no database) ---------------------------------------------------------------------------------
def test_thirteen_countries_with_nine_organizations_each():
    plan = demo_plan()
    per_country = Counter(spec.country for spec in plan.organizations)
    assert set(per_country) == GLO_ACT
    assert set(per_country.values()) == {9}
    assert len({spec.code for spec in plan.organizations}) == 13 * 9
    assert "br-shelter" in {spec.code for spec in plan.organizations}
    for spec in plan.organizations:
        assert spec.type in OrganizationType.values
        assert set(spec.functions) <= set(OrganizationFunction.values)
        assert spec.name.endswith("(demo)"), spec.name
        assert spec.city and spec.street_address


def test_every_country_has_the_response_functions():
    wanted = {
        "national_coordination",
        "police",
        "prosecution",
        "judiciary",
        "labour_inspection",
        "child_protection",
        "shelter",
        "victim_assistance",
        "helpline",
    }
    for code in GLO_ACT:
        functions = {f for spec in demo_plan().organizations if spec.country == code for f in spec.functions}
        assert functions == wanted, code
        ngos = [spec for spec in demo_plan().organizations if spec.country == code and spec.type == "NGO"]
        assert sum("shelter" in spec.functions for spec in ngos) == 1
        assert len(ngos) >= 2


def test_users_per_role():
    plan = demo_plan()
    roles = Counter(spec.role for spec in plan.users)
    assert set(roles) == SEEDED_ROLES
    assert roles["case_manager"] == roles["frontline_identifier"] == roles["case_supervisor"] == 26
    assert all(roles[slug] == 13 for slug in SEEDED_ROLES - set(TWO_PER_COUNTRY))
    usernames = [spec.username for spec in plan.users]
    assert len(set(usernames)) == len(usernames)
    assert {"br.admin", "br.shelter.case", "br.ngo.case", "br.auditor", "ua.coordinator"} <= set(usernames)
    assert {"br.supervisor", "br.ngo.supervisor", "np.supervisor"} <= set(usernames)
    codes = {spec.code: spec.country for spec in plan.organizations}
    assert all(codes[spec.organization_code].lower() == spec.username[:2] for spec in plan.users)


def test_every_region_is_a_valid_iso_3166_2_code():
    for country in demo_config()["countries"]:
        assert 2 <= len(country["regions"]) <= 4, country["code"]
        for region in country["regions"]:
            assert geography.is_region(country["code"], region["code"]), region
            assert region["city"]
    for spec in demo_plan().organizations:
        assert geography.is_region(spec.country, spec.region), spec


def test_every_phone_is_e164_with_the_country_code():
    calling = {c["code"]: c["calling_code"] for c in demo_config()["countries"]}
    plan = demo_plan()
    for org_spec in plan.organizations:
        assert E164.match(org_spec.phone) and org_spec.phone.startswith("+" + calling[org_spec.country])
    for spec in plan.users:
        country = spec.username[:2].upper()
        assert E164.match(spec.phone) and spec.phone.startswith("+" + calling[country]), spec.phone


def test_staff_names_are_in_the_country_script():
    expected = {c["code"].lower(): c["script"].upper() for c in demo_config()["countries"]}
    assert expected["ua"] == expected["by"] == expected["kg"] == "CYRILLIC"
    assert expected["eg"] == expected["ma"] == expected["pk"] == "ARABIC"
    assert (expected["np"], expected["la"], expected["br"]) == ("DEVANAGARI", "LAO", "LATIN")
    for spec in demo_plan().users:
        assert _scripts(spec.full_name) == {expected[spec.username[:2]]}, (spec.username, spec.full_name)
        assert len(spec.full_name.split()) >= 2


def test_staff_names_are_unique_within_a_country():
    names = Counter((spec.username[:2], spec.full_name) for spec in demo_plan().users)
    assert max(names.values()) == 1


def test_the_plan_is_deterministic_from_the_seed():
    assert demo_plan(seed=2026) == demo_plan(seed=2026)
    other = demo_plan(seed=7)
    assert [s.username for s in other.users] == [s.username for s in demo_plan().users]
    assert [s.full_name for s in other.users] != [s.full_name for s in demo_plan().users]


def test_interface_language_is_one_tipsom_offers():
    offered = {code for code, _name in settings.LANGUAGES}
    assert {c["language"] for c in demo_config()["countries"]} <= offered
    arabic = {spec.preferred_language for spec in demo_plan().users if spec.username.startswith(("eg.", "ma."))}
    assert arabic == {"ar"}


def test_demo_password_passes_the_password_policy():
    for spec in demo_plan().users:
        validate_password(DEMO_PASSWORD, User(username=spec.username, full_name=spec.full_name, email=spec.email))


# --- Loading (database) -------------------------------------------------------------------------------------
@pytest.mark.django_db
def test_command_loads_everything_audited_as_a_command():
    out = io.StringIO()
    call_command("demo", "--cases-per-country", "0", stdout=out)
    assert Organization.objects.count() == 117
    assert User.objects.count() == 260
    for slug in SEEDED_ROLES:
        expected = 26 if slug in TWO_PER_COUNTRY else 13
        assert Role.objects.get(slug=slug).users.count() == expected, slug
    shelter = Organization.objects.get(code="br-shelter")
    assert shelter.type == "NGO" and shelter.functions == ["shelter", "victim_assistance"]
    assert shelter.country == "BR" and geography.is_region("BR", shelter.region)
    case_manager = User.objects.get(username="br.shelter.case")
    assert case_manager.organization == shelter and case_manager.role_slugs() == ["case_manager"]
    assert case_manager.check_password(DEMO_PASSWORD)
    assert case_manager.preferred_language == "pt-br"  # Brazil: Brazilian Portuguese country names
    spec = next(s for s in demo_plan().users if s.username == "br.shelter.case")
    assert (case_manager.full_name, case_manager.phone) == (spec.full_name, spec.phone)

    actions = Counter(AuditEvent.objects.values_list("action", flat=True))
    # The service directory, pathways and response times come with the organizations, written by each
    # country's system administrator (the referrals app's demo seeder, referrals/demo.py).
    assert actions == {
        "organization.create": 117,
        "user.create": 260,
        "demo.load": 1,
        "service.create": 182,
        "pathway.create": 52,
        "response_time.set": 39,
    }
    assert set(AuditEvent.objects.values_list("channel", flat=True)) == {"command"}
    setup = AuditEvent.objects.exclude(action__in=["service.create", "pathway.create", "response_time.set"])
    assert set(setup.values_list("actor_label", flat=True)) == {"system:command"}
    directory_actors = set(AuditEvent.objects.filter(action="service.create").values_list("actor_label", flat=True))
    assert directory_actors == {f"{code}.admin" for code in {u.username.split(".")[0] for u in demo_plan().users}}
    event = AuditEvent.objects.get(action="user.create", object_id=str(case_manager.pk))
    assert event.organization_id == shelter.pk and event.changes["roles"] == ["case_manager"]
    assert event.changes["phone"] == "[identifying]" and spec.phone not in str(event.changes)

    text = out.getvalue()
    assert "organizations 117 created" in text and "users 260 created" in text and "Cases: 0 created" in text
    assert "Referral mechanism: services 182 created; referrals 0 created" in text
    assert "br.shelter.case" in text and "Casa Abrigo Nova Esperança (demo)" in text
    assert DEMO_PASSWORD in text and "co.shelter.case" in text


@pytest.mark.django_db
def test_second_run_creates_nothing_and_changes_nothing():
    demo_load(cases_per_country=0)
    renamed = Organization.objects.get(code="br-police")
    Organization.objects.filter(pk=renamed.pk).update(name="Renamed by an administrator")
    mine = make_user(make_organization("BR", code="br-real-ngo"), username="real.person")
    before = (_snapshot(), Organization.objects.count(), AuditEvent.objects.count())

    out = io.StringIO()
    call_command("demo", "--cases-per-country", "0", stdout=out)

    assert (_snapshot(), Organization.objects.count(), AuditEvent.objects.count()) == before
    assert Organization.objects.get(pk=renamed.pk).name == "Renamed by an administrator"
    assert User.objects.filter(pk=mine.pk).exists()
    assert "organizations 0 created, 117 already there; users 0 created, 260 already there" in out.getvalue()


@pytest.mark.django_db
def test_fills_in_only_what_is_missing():
    taken = make_user(make_organization("BR", code="elsewhere"), username="BR.Admin")
    existing = make_organization("CO", code="co-shelter", name="Hogar real")
    report = demo_load(cases_per_country=0)
    assert (report.organizations_created, report.organizations_existing) == (116, 1)
    assert (report.users_created, report.users_existing) == (259, 1)
    assert User.objects.get(pk=taken.pk).organization.code == "elsewhere"  # a username match is left alone
    assert User.objects.get(username="co.shelter.case").organization == existing
    assert Counter(AuditEvent.objects.values_list("action", flat=True))["user.create"] == 259


@pytest.mark.django_db
def test_same_seed_gives_the_same_database():
    snapshots = []
    for _run in range(2):
        with transaction.atomic():
            demo_load(seed=99, cases_per_country=0)
            snapshots.append(_snapshot())
            transaction.set_rollback(True)
    assert User.objects.count() == 0
    assert snapshots[0] == snapshots[1]
    plan = demo_plan(seed=99)
    assert [(row[0], row[1], row[2]) for row in snapshots[0]] == sorted(
        (spec.username, spec.full_name, spec.phone) for spec in plan.users
    )


@pytest.mark.django_db
@override_settings(PRODUCTION=True)
def test_refused_in_production():
    with pytest.raises(ApplicationError) as caught:
        demo_load()
    assert caught.value.code == "demo_in_production"
    assert Organization.objects.count() == User.objects.count() == AuditEvent.objects.count() == 0


# --- The seeders ---------------------------------------------------------------------------------------------
def test_each_app_registers_its_seeder_after_what_it_builds_on():
    assert [seeder.name for seeder in ordered("demo_seeders")] == [
        "cases",
        "referrals",
        "matching",
        "justice",
        "helpline",
        "intake",
        "programme",  # before the statistics: its demo cases need their facts
        "stats",
    ]


@pytest.mark.django_db
def test_every_registered_seeder_runs_in_order_with_the_options():
    seen = []

    def probe(options):
        seen.append(options)
        return type("Report", (), {"summary": "Probe: seeded."})()

    extra = DemoSeeder("probe", probe, weight=15)  # between the cases and the referrals
    registry["demo_seeders"].append(extra)
    try:
        out = io.StringIO()
        call_command("demo", "--cases-per-country", "0", "--seed", "7", stdout=out)
    finally:
        registry["demo_seeders"].remove(extra)
    [options] = seen
    assert isinstance(options, DemoOptions)
    assert (options.seed, options.cases_per_country) == (7, 0)
    assert options.users["br.shelter.case"].organization == options.organizations["br-shelter"]
    assert len(options.organizations) == 117 and len(options.users) == 260
    lines = out.getvalue().splitlines()
    assert lines[1:4] == [lines[1], "Probe: seeded.", lines[3]]
    assert lines[1].startswith("Cases: 0 created") and lines[3].startswith("Referral mechanism:")
