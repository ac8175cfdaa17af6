"""`tipsom demo` referral mechanism: a service directory, pathways and response times in all 13 countries, referrals
of the demo cases in every state (some expired or overdue), the transnational pair, all deterministic from the
seed. The plan is checked in full without the database; loading on a small scale."""

from collections import Counter

import pytest

from tipsom.audit.models import AuditEvent
from tipsom.cases.demo import cases_load, cases_plan
from tipsom.cases.services import consent_allows
from tipsom.demo.services import demo_config, demo_load, demo_options
from tipsom.organizations import geography
from tipsom.referrals.demo import (
    AUDIT_ACTION,
    pathway_plan,
    plan_case_referrals,
    referrals_config,
    referrals_load,
    referrals_plan,
    response_plan,
    service_plan,
)
from tipsom.referrals.models import (
    SUPPORT_TYPE,
    Channel,
    Pathway,
    Referral,
    ResponseTime,
    Service,
    ServiceType,
    State,
)
from tipsom.referrals.services.directory import is_language

CASES = 20  # per country in the database test


def _countries():
    return demo_config()["countries"]


def _kinds():
    return demo_config()["organization_kinds"]


# --- The plan (no database) ------------------------------------------------------------------------------------
def test_every_country_has_a_plausible_directory():
    for country in _countries():
        code = country["code"]
        specs = service_plan(country, 2026, _kinds())
        per_org = Counter(spec.organization for spec in specs)
        assert all(1 <= n <= 4 for n in per_org.values()), code
        types = {spec.fields["service_type"] for spec in specs}
        assert {
            "shelter",
            "child_protection",
            "legal_aid",
            "interpretation",
            "consular",
            "helpline",
            "return_reintegration",
            "medical",
            "psychosocial",
            "education",
            "livelihood",
        } <= types
        for spec in specs:
            fields = spec.fields
            assert all(geography.is_region(code, region) for region in fields["regions"]), (code, fields)
            assert fields["phone"].startswith("+" + country["calling_code"]) and fields["phone"][1:].isdigit()
            assert all(is_language(language) for language in fields.get("languages", []))
            assert country["organizations"][spec.organization]["name"] in fields["name"]
        shelters = [spec.fields for spec in specs if spec.fields["service_type"] == "shelter"]
        assert any(s["sexes"] == ["Feminine"] for s in shelters) and any(s["age_max"] == 17 for s in shelters)
    everywhere = [spec.fields for country in _countries() for spec in service_plan(country, 2026, _kinds())]
    assert any(f.get("capacity_available") == 0 for f in everywhere), "some shelters are full"


def test_pathways_and_response_times():
    brazil = next(c for c in _countries() if c["code"] == "BR")
    pathways = pathway_plan(brazil)
    child = next(p for p in pathways if p["child"] == "yes")
    assert child["service_types"][0] == "child_protection"
    assert [p["service_types"][0] for p in pathways] == ["child_protection", "interpretation", "shelter", "medical"]
    assert response_plan("CO") == {"emergency": 2, "urgent": 24, "routine": 120}
    assert response_plan("BR") != response_plan("CO")  # configurable per country


def test_about_one_case_in_three_is_referred_in_every_state_deterministically():
    plan = referrals_plan(_countries(), seed=2026)
    cases = cases_plan(_countries(), seed=2026)
    referred = {(r.country, r.case_index) for r in plan}
    assert 0.22 <= len(referred) / len(cases) <= 0.4
    states = Counter(r.state for r in plan)
    assert set(states) == set(referrals_config()["referrals"]["states"])
    assert referrals_plan(_countries(), seed=2026) == plan
    assert referrals_plan(_countries(), seed=7) != plan
    for item in plan:
        assert item.sent_ago > 0
        if item.answered_ago is not None:
            assert item.answered_ago < item.sent_ago
        if item.ended_ago is not None:
            assert item.ended_ago < item.sent_ago


def test_children_go_to_child_protection_services():
    country = next(c for c in _countries() if c["code"] == "BR")
    children = [spec for spec in cases_plan([country], seed=2026) if spec.is_child]
    variants = {r.variant for spec in children for r in plan_case_referrals(country, spec, 2026)}
    assert variants and variants <= {"child_protection", "shelter_children", "psychosocial", "education_children"}


# --- Loading (database) ----------------------------------------------------------------------------------------
def _load(cases: int = CASES) -> None:
    cases_load(demo_options(seed=2026, cases_per_country=cases), service_cases=1)
    referrals_load(demo_options(seed=2026, cases_per_country=cases), service_referrals=1)


@pytest.mark.django_db
def test_demo_loads_the_referral_mechanism():
    demo_load(cases_per_country=0)
    # Without cases: the directory only, and no transnational case.
    assert not Referral.objects.exists() and Service.objects.exists()
    _load()
    _check_directory_in_every_country()
    _check_referrals_in_every_state()
    _check_transnational_pair()
    _check_same_seed_same_referrals()
    _check_second_run_adds_nothing_and_more_cases_continue()


def _check_directory_in_every_country():
    countries = {c["code"] for c in _countries()}
    assert set(Service.objects.values_list("country", flat=True)) == countries
    assert set(Pathway.objects.values_list("country", flat=True)) == countries
    assert ResponseTime.objects.get(country="BR", urgency="emergency").hours == 4
    assert ResponseTime.objects.get(country="UA", urgency="urgent").hours == 24
    assert Service.objects.filter(service_type="shelter", capacity_available=0).exists()
    assert AuditEvent.objects.filter(action="service.create").count() == Service.objects.count()


def _check_referrals_in_every_state():
    referrals = Referral.objects.filter(channel=Channel.SYSTEM)
    states = Counter(referrals.values_list("state", flat=True))
    assert set(State.values) - {State.REVOKED} <= set(states), states
    # Expired by the job, and accepted referrals not started in time flagged overdue.
    assert referrals.filter(state=State.EXPIRED, overdue=True).exists()
    assert referrals.filter(state=State.ACCEPTED, overdue=True).exists()
    assert AuditEvent.objects.filter(action="referral.expire").exists()
    # Through the services (audited one by one) and in bulk (one summary event per country).
    assert AuditEvent.objects.filter(action="referral.send").count() >= 13
    assert AuditEvent.objects.filter(action=AUDIT_ACTION).count() == 13 + 1  # and the transnational pair
    for referral in referrals.select_related("case", "delivery", "service"):
        assert referral.case is not None and referral.service is not None
        assert referral.sent_at <= referral.due_at
        assert consent_allows(referral.case, "referral", SUPPORT_TYPE[ServiceType(referral.service_type)])
        assert referral.service.country == referral.case.country
        if referral.responded_at:
            assert referral.sent_at < referral.responded_at
        if referral.state == State.COMPLETED:
            assert referral.delivery is not None and referral.delivery.provider_id == referral.to_organization_id


def _check_transnational_pair():
    sent = Referral.objects.get(channel=Channel.ABROAD)
    received = Referral.objects.get(channel=Channel.FROM_ABROAD)
    assert (sent.country, sent.partner_country, sent.service_type) == ("PL", "UA", "return_reintegration")
    assert sent.case is not None and received.case is not None and received.to_organization is not None
    assert sent.case.person.citizenships == ["UA"] and sent.bundle_id is not None
    assert (received.country, received.partner_country, received.state) == ("UA", "PL", State.ACCEPTED)
    assert received.to_organization.code == "ua-ngo"
    # Ukraine registered her: a Ukrainian case of the same person, as Poland shared her.
    assert received.case.country == "UA" and received.case.owner_organization.code == "ua-ngo"
    assert received.case.person.citizenships == ["UA"] and received.case.person.pk != sent.case.person.pk
    assert AuditEvent.objects.filter(action="referral.bundle_import").count() == 1


def _check_same_seed_same_referrals():
    loaded = Counter(
        (referral.country, referral.service.name if referral.service else "", referral.state)
        for referral in Referral.objects.filter(channel=Channel.SYSTEM).select_related("service")
    )
    names = {
        (country["code"], spec.variant): spec.fields["name"]
        for country in _countries()
        for spec in service_plan(country, 2026, _kinds())
    }
    final = {"expire": State.EXPIRED, "accepted_late": State.ACCEPTED}
    planned = Counter(
        (item.country, names[(item.country, item.variant)], final.get(item.state, item.state))
        for item in referrals_plan(_countries(), seed=2026, cases_per_country=CASES)
    )
    # Through the services a referral is sent now: one planned to expire is still waiting.
    moved = sum((planned - loaded).values())
    assert moved <= 13 and sum(loaded.values()) == sum(planned.values())


def _check_second_run_adds_nothing_and_more_cases_continue():
    before = (Service.objects.count(), Pathway.objects.count(), Referral.objects.count(), AuditEvent.objects.count())
    _load()
    assert (
        Service.objects.count(),
        Pathway.objects.count(),
        Referral.objects.count(),
        AuditEvent.objects.count(),
    ) == before
    _load(CASES + 10)
    assert Referral.objects.count() > before[2]
    assert Service.objects.count() == before[0]
    assert Referral.objects.filter(channel=Channel.FROM_ABROAD).count() == 1
