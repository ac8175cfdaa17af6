"""`tipsom demo` cases: ~2,000 synthetic cases, realistic routes and distributions, names in five scripts, valid,
encrypted, deterministic and idempotent. The plan is checked in full (no database); loading on a small scale."""

from collections import Counter
from datetime import date

import pytest
from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.audit.models import AuditEvent
from tipsom.cases.demo import cases_config, cases_load, cases_plan, loaded_counts, plan_case
from tipsom.cases.models import (
    CLOSED_STATUSES,
    Case,
    ChildProtection,
    Consent,
    Screening,
    SomVulnerability,
    StatusDecision,
    TraffickingAct,
)
from tipsom.cases.selectors import pending_approvals
from tipsom.cases.services import child_closure_problems, decision_review
from tipsom.cases.services.case import CASE_LIST_FIELDS
from tipsom.core.codes import is_code
from tipsom.core.testing import database_bytes
from tipsom.demo.services import demo_config, demo_load, demo_options
from tipsom.organizations import geography
from tipsom.people.keys import detect_script
from tipsom.people.models import BirthDatePrecision, Person, PersonName

GULF = {"QA", "SA", "AE", "KW", "OM", "BH"}
EU = {"PL", "DE", "CZ", "IT", "ES", "PT", "LT"}
SMUGGLING_COUNTRIES = {"NE", "ML", "MA", "EG", "PK", "CO", "BR"}
SCRIPTS = {
    "EG": "Arab",
    "MA": "Arab",
    "PK": "Arab",
    "BY": "Cyrl",
    "KG": "Cyrl",
    "UA": "Cyrl",
    "NP": "Deva",
    "LA": "Laoo",
    "BR": "Latn",
    "CO": "Latn",
    "ML": "Latn",
    "NE": "Latn",
    "ZA": "Latn",
}
SMALL = 6  # cases per country in the database tests
THROUGH_SERVICES = 1  # of which the first go through the services


@pytest.fixture(scope="module")
def plan():
    return cases_plan(demo_config()["countries"], seed=2026)


def _countries():
    return demo_config()["countries"]


# --- The full plan (no database) -----------------------------------------------------------------------------
def test_about_two_thousand_cases_across_the_thirteen_countries(plan):
    per_country = Counter(spec.country for spec in plan)
    assert set(per_country) == set(SCRIPTS)
    assert 1900 <= len(plan) <= 2100
    assert min(per_country.values()) >= 80


def test_the_plan_is_deterministic_and_stable_per_case():
    country = next(c for c in _countries() if c["code"] == "BR")
    assert plan_case(country, 7, 2026) == plan_case(country, 7, 2026)
    assert plan_case(country, 7, 2026) != plan_case(country, 7, 99)
    small = cases_plan([country], seed=2026, cases_per_country=5)
    large = cases_plan([country], seed=2026, cases_per_country=20)
    assert small == large[:5], "the first cases of a country do not depend on how many are loaded"
    assert cases_plan([country], seed=2026, cases_per_country=20, start={"BR": 5}) == large[5:]


def test_sex_age_and_form_distributions_are_glotip_like(plan):
    total = len(plan)
    female = sum(spec.sex == "f" for spec in plan) / total
    children = sum(spec.is_child for spec in plan) / total
    assert 0.55 <= female <= 0.65, female
    assert 0.33 <= children <= 0.42, children
    trafficking = [spec for spec in plan if spec.form]
    forms = Counter(spec.form for spec in trafficking)
    share = {form: count / len(trafficking) for form, count in forms.items()}
    assert 0.30 <= share["SexualExploitation"] <= 0.42, share
    assert 0.33 <= share["ForcedLabour"] + share.get("ChildLabour", 0) <= 0.45, share
    assert 0.05 <= share["ForcedCriminality"] <= 0.13, share
    assert 0 < share["OrganRemoval"] <= 0.01, share
    assert {"ForcedBegging", "ForcedMarriage", "Servitude"} <= set(share)
    girls = Counter(spec.form for spec in trafficking if spec.group == "girl")
    boys = Counter(spec.form for spec in trafficking if spec.group == "boy")
    assert girls.most_common(1)[0][0] == "SexualExploitation"
    assert boys.most_common(1)[0][0] == "ForcedLabour"
    assert girls["ForcedMarriage"] > 5 * boys["ForcedMarriage"]
    assert boys["ForcedCriminality"] > girls["ForcedCriminality"]
    assert sum(spec.case["exploitation_types"] != [spec.form] for spec in trafficking) > 20  # mixed forms


def test_smuggled_migrants_only_on_smuggling_routes(plan):
    som = [spec for spec in plan if spec.case["case_type"] in ("som", "both")]
    assert 0.05 <= len(som) / len(plan) <= 0.2
    assert {spec.country for spec in som} <= SMUGGLING_COUNTRIES
    assert {"NE", "ML", "MA", "EG"} <= {spec.country for spec in som}
    for spec in som:
        assert spec.screening and spec.screening["som_vulnerabilities"], spec.route


def test_realistic_routes(plan):
    routes = Counter((spec.country, spec.case["origin_country"], spec.case["destination_country"]) for spec in plan)
    assert routes[("BR", "BO", "BR")] >= 20  # Bolivian garment workers in São Paulo
    assert sum(n for (country, _o, dest), n in routes.items() if country == "NP" and dest in GULF) >= 40
    assert sum(n for (country, _o, dest), n in routes.items() if country == "UA" and dest in EU) >= 40
    assert routes[("NE", "NE", "NE")] >= 30  # within Niger: gold mining, begging, wahaya
    assert routes[("KG", "KG", "RU")] and routes[("KG", "KG", "KZ")]
    assert routes[("LA", "LA", "TH")] and routes[("LA", "LA", "CN")]
    assert routes[("CO", "CO", "MX")] and routes[("CO", "CO", "ES")]
    assert routes[("BY", "BY", "RU")] and routes[("BY", "BY", "PL")]
    assert routes[("ML", "ML", "CI")] and any(dest == "DZ" for (c, _o, dest) in routes if c == "ML")
    assert routes[("PK", "AF", "PK")] or routes[("PK", "AF", "IR")]
    assert routes[("MA", "MA", "ES")]


def test_events_follow_the_route(plan):
    for spec in plan:
        countries = [event["country"] for event in spec.events]
        assert countries, spec.route
        recruitment = [e["country"] for e in spec.events if e["event_type"] == "Recruitment"]
        exploitation = [e["country"] for e in spec.events if e["event_type"] == "Exploitation"]
        assert not recruitment or recruitment[0] == spec.case["origin_country"], spec.route
        assert not exploitation or exploitation[-1] == spec.case["destination_country"], spec.route
        assert set(spec.case["transit_countries"]) <= set(countries)
        for event in spec.events:
            assert event["start_date"] <= spec.case["identified_on"]
            assert event["end_date"] is None or event["start_date"] <= event["end_date"] <= spec.case["identified_on"]


def test_every_code_date_and_country_is_valid(plan):  # noqa: C901 (the bulk rows rely on it)
    as_of = cases_config()["as_of"]
    for spec in plan:
        case = spec.case
        assert is_code("vic_TraffickingStatus", (spec.decision or {}).get("status", "PossibleVictimOfTrafficking"))
        for name, list_name in CASE_LIST_FIELDS.items():
            assert all(is_code(list_name, code) for code in case.get(name, [])), (name, case.get(name))
        assert geography.is_region(spec.country, case["region"]), case["region"]
        for code in [case["origin_country"], case["destination_country"], *case["transit_countries"]]:
            assert geography.is_country(code), code
        assert all(geography.is_country(code) for code in spec.person["citizenships"])
        assert all(is_code("hte_Type", event["event_type"]) for event in spec.events)
        for consent in spec.consents:
            assert consent["purpose"] in Consent.Purpose.values
            assert all(is_code("spl_Type", kind) for kind in consent.get("service_types", []))
            assert consent["given_by"] != "person" or not spec.is_child
        if spec.screening:
            assert set(spec.screening["acts"]) <= set(TraffickingAct.values)
            assert set(spec.screening["som_vulnerabilities"]) <= set(SomVulnerability.values)
        for item in (*spec.services, *spec.plan_items):
            assert is_code("spl_Type", item["support_type"])
        dates = [case["identified_on"], *(c["recorded_on"] for c in spec.consents)]
        dates += [s["delivered_on"] for s in spec.services] + [a["assessed_on"] for a in spec.assessments]
        if spec.closure:
            dates.append(spec.closure["closed_on"])
            assert all(s["delivered_on"] <= spec.closure["closed_on"] for s in spec.services)
        assert all(case["identified_on"] <= day <= as_of for day in dates), spec.route
    assert date.fromisoformat(as_of) <= timezone.localdate(), "the services refuse dates in the future"


def test_names_in_the_countries_scripts_with_latin_forms(plan):
    precision = Counter(spec.person.get("birth_date_precision", "") for spec in plan)
    assert set(precision) == {*BirthDatePrecision.values, ""}
    presumed = [spec for spec in plan if spec.person.get("is_presumed_minor")]
    assert presumed and all("birth_date" not in spec.person and spec.is_child for spec in presumed)
    for spec in plan:
        for entry in spec.person["names"]:
            script = detect_script(entry["name"])
            if spec.person["citizenships"] == [spec.country]:
                assert script == SCRIPTS[spec.country], entry["name"]
            if script != "Latn":
                assert entry["name_latin"] and detect_script(entry["name_latin"]) == "Latn", entry


def test_case_mix(plan):
    closed = [spec for spec in plan if spec.closure]
    assert 0.2 <= len(closed) / len(plan) <= 0.3
    assert {spec.closure["status"] for spec in closed} == set(CLOSED_STATUSES)
    decisions = Counter((spec.decision or {}).get("status") for spec in plan)
    assert decisions["ActualVictimOfTrafficking"] > 500 and decisions["NotAVictimOfTrafficking"] > 50
    actual = [spec for spec in plan if (spec.decision or {}).get("status") == "ActualVictimOfTrafficking"]
    assert 50 < sum(not spec.decision_approved for spec in actual) < len(actual) / 3  # the supervisors' queue
    withdrawn = [spec for spec in plan if any(not consent["given"] for consent in spec.consents)]
    assert 20 <= len(withdrawn) <= 150
    for spec in closed:
        if spec.is_child:
            assert spec.child_notify and spec.extra["tracing"] not in ("not_started", "in_progress")


# --- Loading (database, small scale) ------------------------------------------------------------------------
def _load(cases=SMALL):
    return cases_load(demo_options(seed=2026, cases_per_country=cases), service_cases=THROUGH_SERVICES)


@pytest.mark.django_db
def test_load_is_valid_idempotent_and_usable():
    """One load checked from every side (loading is the slow part of these tests)."""
    demo_load(cases_per_country=0)
    report = _load()
    assert (report.created, report.existing, report.skipped_countries) == (13 * SMALL, 0, ())
    _check_matches_the_plan()
    _check_names_in_five_scripts()
    _check_closed_child_cases_have_a_complete_child_track()
    _check_second_run_creates_no_case_and_a_larger_scale_continues()
    _check_the_supervisor_queue_has_items_a_supervisor_can_approve()


def _check_matches_the_plan():
    assert Case.objects.count() == Person.objects.count() == 13 * SMALL
    actions = Counter(AuditEvent.objects.values_list("action", flat=True))
    assert actions["case.create"] == actions["person.create"] == 13 * THROUGH_SERVICES
    assert actions["demo.cases"] == 13
    summary = AuditEvent.objects.get(action="demo.cases", object_id="BR").changes
    first, last = summary.pop("cases")
    assert list(Case.objects.filter(country="BR").order_by("pk").values_list("pk", flat=True)) == list(
        range(first, last + 1)
    )
    assert summary == {
        "seed": 2026,
        "from": 0,
        "to": SMALL,
        "created": SMALL,
        "through_services": THROUGH_SERVICES,
        "in_bulk": SMALL - THROUGH_SERVICES,
    }
    planned = {
        (spec.country, spec.case["identified_on"], spec.case["origin_country"], spec.case["destination_country"])
        for spec in cases_plan(_countries(), seed=2026, cases_per_country=SMALL)
    }
    stored = {
        (case.country, case.identified_on.isoformat(), case.origin_country, case.destination_country)
        for case in Case.objects.all()
    }
    assert stored == planned
    assert Case.objects.filter(country="BR", origin_country="BO", destination_country="BR").exists()
    assert Case.objects.filter(country="NP", destination_country__in=GULF).exists()
    numbers = list(Case.objects.filter(country="BR").values_list("case_number", flat=True))
    assert all(number.startswith("BR-202") and len(number) == 14 for number in numbers)
    assert len(set(numbers)) == len(numbers)
    for case in Case.objects.select_related("owner_organization"):
        case.full_clean(exclude=["person", "owner_organization", "case_owner"])  # raises when a field is invalid
        assert case.owner_organization.code.startswith(case.country.lower() + "-")
        assert case.decisions.exists() and case.events.exists()
    assert Screening.objects.exists()


def _check_names_in_five_scripts():
    scripts = set(PersonName.objects.values_list("script", flat=True))
    assert {"Arab", "Cyrl", "Deva", "Laoo", "Latn"} <= scripts
    lao = PersonName.objects.filter(script="Laoo").first()
    assert lao is not None
    assert detect_script(lao.name_latin) == "Latn" and lao.key_exact and lao.key_latin


def _check_closed_child_cases_have_a_complete_child_track():
    closed_children = Case.objects.filter(is_child=True, status__in=CLOSED_STATUSES)
    assert closed_children.count() >= 3
    for case in closed_children:
        track = ChildProtection.objects.get(case=case)
        assert child_closure_problems(case) == [], case.case_number
        assert track.notified_at and track.has_guardian and track.tracing_concluded
        assert track.best_interests == ChildProtection.Assessment.COMPLETED
        assert case.organizations.filter(organization__code=f"{case.country.lower()}-child").exists()


def _check_second_run_creates_no_case_and_a_larger_scale_continues():
    before = (Case.objects.count(), Person.objects.count(), AuditEvent.objects.count())
    again = _load()
    assert (again.created, again.existing) == (0, 13 * SMALL)
    assert (Case.objects.count(), Person.objects.count(), AuditEvent.objects.count()) == before
    more = _load(SMALL + 1)
    assert (more.created, more.existing) == (13, 13 * SMALL)
    assert Case.objects.count() == 13 * (SMALL + 1)
    assert loaded_counts() == dict.fromkeys(SCRIPTS, SMALL + 1)
    report = demo_load(cases_per_country=SMALL + 1)
    assert (report.seeded["cases"].created, report.seeded["cases"].existing) == (0, 13 * (SMALL + 1))


def _check_the_supervisor_queue_has_items_a_supervisor_can_approve():
    pending = StatusDecision.objects.filter(approval="pending", status="ActualVictimOfTrafficking")
    assert pending.exists()
    decision = pending.select_related("case__owner_organization").first()
    assert decision is not None
    org = decision.case.owner_organization
    supervisor = User.objects.get(organization=org, roles__slug="case_supervisor")
    assert decision in pending_approvals(user=supervisor)["decisions"]
    decision_review(actor=supervisor, decision_id=decision.pk, approve=True)
    assert Case.objects.get(pk=decision.case_id).trafficking_status == "ActualVictimOfTrafficking"


@pytest.mark.django_db(transaction=True)
def test_no_plaintext_victim_name_in_the_database(tmp_path):
    demo_load(cases_per_country=0)
    _load(4)
    staff = set(User.objects.values_list("full_name", flat=True))  # staff names are not victims' data
    names = [(row.name, row.name_latin) for row in PersonName.objects.all()]
    guardians = [name for name in ChildProtection.objects.values_list("guardian_name", flat=True) if name]
    raw = database_bytes(tmp_path)
    assert "Casa Abrigo Nova Esperança (demo)".encode() in raw, "the scan must see plain columns"
    assert len(names) >= 13 * 4 and guardians
    checked = 0
    for value in [value for pair in names for value in pair] + guardians:
        if value and value not in staff:
            assert value.encode("utf-8") not in raw, value
            checked += 1
    assert checked >= 13 * 4
