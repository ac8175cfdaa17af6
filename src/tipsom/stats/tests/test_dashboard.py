"""The dashboard's panels over hand-built facts: every count of every panel is known (computed by hand below), the
filters narrow them as documented, bad filters get a message, the published panels withhold every count from 1 to
4 and the screen, its CSV and XLSX downloads give the same numbers; the page's queries do not grow with the facts.

The facts (country BR; a Colombian organization's facts must never show):

2025, counted victims (14): 6 women (sexual, BO citizens from BO to BR, BR-SP, tip, NGO); 5 men (labour, PY from PY
to BR, BR-SP, tip, police); 2 girls (sexual, BR, BR to BR, BR-RJ, tip, NGO); 1 of unknown sex and age (begging,
citizenship unknown, origin unknown, to BR, no region, som, police); plus 1 woman not counted (a second
registration of a person).
2024, counted victims (15): 7 men (labour, PY from PY to BR, BR-SP, som, police); 5 women (sexual, BO from BO to AR,
BR-SP, both, NGO); 3 boys (labour, BR, BR to BR, BR-RJ, tip, NGO).
"""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tipsom.accounts.testing import make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.stats.exports import Scope
from tipsom.stats.facts.cube import cube_rebuild
from tipsom.stats.models import ContactFact, IncidentFact, JusticeFact, OffenceFact, ReferralFact, VictimFact
from tipsom.stats.selectors import dashboard as selectors
from tipsom.stats.selectors.dashboard import PANELS, DashboardFilters, dashboard_tables, panel_table, parse_filters
from tipsom.stats.tables import TOTAL, PublishedTable, table_lines
from tipsom.stats.tests.test_tables import assert_no_small_cell

pytestmark = pytest.mark.django_db

YEARS = DashboardFilters(year_from=2024, year_to=2025)
_source = iter(range(1, 10**6))


# --- Building facts by hand ----------------------------------------------------------------------------------------
def victims(organization: Organization, year: int, n: int, **fields: Any) -> list[VictimFact]:
    child = fields.get("is_child", False)
    defaults: dict[str, Any] = {
        "country": organization.country,
        "organization": organization,
        "organization_type": organization.type,
        "year": year,
        "counted": True,
        "identified_on": date(year, 3, 1),
        "case_type": "tip",
        "sex": "F",
        "age": 12 if child else 30,
        "is_child": child,
        "citizenship": "BO",
        "origin_country": "BO",
        "exploitation_country": "BR",
        "region": "BR-SP",
        "exploitation_form": "sexual",
    }
    defaults.update(fields)
    rows = []
    for _i in range(n):
        source = next(_source)
        rows.append(VictimFact(source_id=source, person_cluster=source, **defaults))
    created = VictimFact.objects.bulk_create(rows)
    cube_rebuild()  # built by hand, past the facts engine: the victims cube brought in step
    return created


def justice(organization: Organization, year: int, stage: str, n: int, counted: bool = True) -> None:
    rows = []
    for _i in range(n):
        source = next(_source)
        rows.append(
            JusticeFact(
                country=organization.country,
                organization=organization,
                organization_type=organization.type,
                year=year,
                source_id=source,
                person_cluster=source,
                counted=counted,
                stage=stage,
                offence_type="tip",
            )
        )
    JusticeFact.objects.bulk_create(rows)


def common(organization: Organization, year: int) -> dict[str, Any]:
    return {
        "country": organization.country,
        "organization": organization,
        "organization_type": organization.type,
        "year": year,
        "source_id": next(_source),
    }


@pytest.fixture
def ngo(db: Any) -> Organization:
    return make_organization("BR", type="NGO")


@pytest.fixture
def police(db: Any) -> Organization:
    return make_organization("BR", type="LawEnforcement")


@pytest.fixture
def facts(ngo: Organization, police: Organization) -> Scope:
    victims(ngo, 2025, 6)
    victims(police, 2025, 5, sex="M", age=40, exploitation_form="labour", citizenship="PY", origin_country="PY")
    victims(ngo, 2025, 2, is_child=True, citizenship="BR", origin_country="BR", region="BR-RJ")
    victims(
        police,
        2025,
        1,
        sex="U",
        age=None,
        exploitation_form="begging",
        citizenship="ZZ",
        origin_country="",
        region="",
        case_type="som",
    )
    victims(ngo, 2025, 1, counted=False)
    victims(police, 2024, 7, sex="M", age=35, exploitation_form="labour", citizenship="PY", origin_country="PY",
            case_type="som")  # fmt: skip
    victims(ngo, 2024, 5, exploitation_country="AR", case_type="both")
    victims(ngo, 2024, 3, sex="M", is_child=True, exploitation_form="labour", citizenship="BR", origin_country="BR",
            region="BR-RJ")  # fmt: skip
    # Justice: 2025 9 formal contacts (and 3 more rows of the same persons, not counted), 6 prosecuted, 2 convicted;
    # 2024 5 at each stage.
    justice(police, 2025, "formal_contact", 9)
    justice(police, 2025, "formal_contact", 3, counted=False)
    justice(police, 2025, "prosecuted", 6)
    justice(police, 2025, "convicted", 2)
    for stage in ("formal_contact", "prosecuted", "convicted"):
        justice(police, 2024, stage, 5)
    # Offences: 2025 6 TIP, 5 SOM, 1 other.
    OffenceFact.objects.bulk_create(
        [OffenceFact(**common(police, 2025), offence_type="tip") for _i in range(6)]
        + [OffenceFact(**common(police, 2025), offence_type="som") for _i in range(5)]
        + [OffenceFact(**common(police, 2025), offence_type="corruption")]
    )
    # Incidents: 2025 two (30 migrants, 3 dead, 4 injured; 12 migrants, 6 missing, 1 injured); 2024 one (8 migrants).
    IncidentFact.objects.bulk_create(
        [
            IncidentFact(**common(police, 2025), migrants=30, dead=3, injured=4),
            IncidentFact(**common(police, 2025), migrants=12, missing=6, injured=1),
            IncidentFact(**common(police, 2024), migrants=8),
        ]
    )
    # Contacts: 2025 6 about a victim and 7 information requests by phone, 5 tips by WhatsApp, 2 silent calls by
    # phone; 2024 5 information requests by email.
    contacts = [("victim", "phone", 6), ("information", "phone", 7), ("tip", "whatsapp", 5), ("silent", "phone", 2)]
    rows = [
        ContactFact(**common(ngo, 2025), month=4, contact_type=kind, channel=channel)
        for kind, channel, n in contacts
        for _i in range(n)
    ]
    rows += [ContactFact(**common(ngo, 2024), month=9, contact_type="information", channel="email") for _i in range(5)]
    ContactFact.objects.bulk_create(rows)
    # Referrals, 2025: 6 to shelters (answered in 2, 4, 6, 8 and 10 hours, one not answered; 4 accepted, 1 overdue),
    # 2 to legal aid (answered in 1 and 3 hours, 1 accepted).
    shelter = [(2.0, True, False), (4.0, True, False), (6.0, True, True), (8.0, True, False), (10.0, False, False),
               (None, False, False)]  # fmt: skip
    referrals = [
        ReferralFact(
            **common(ngo, 2025),
            service_type="shelter",
            response_hours=hours,
            accepted=accepted,
            overdue=overdue,
            answered=hours is not None,
            case_type="tip",
        )  # fmt: skip
        for hours, accepted, overdue in shelter
    ]
    referrals += [
        ReferralFact(**common(ngo, 2025), service_type="legal_aid", response_hours=1.0, accepted=True, answered=True),
        ReferralFact(**common(ngo, 2025), service_type="legal_aid", response_hours=3.0, answered=True),
    ]
    ReferralFact.objects.bulk_create(referrals)
    # Another country: never in BR's statistics.
    colombia = make_organization("CO")
    victims(colombia, 2025, 10, country="CO")
    justice(colombia, 2025, "convicted", 7)
    return Scope(country="BR")


def raw(scope: Scope, key: str, filters: DashboardFilters = YEARS) -> dict[str, dict[str, int]]:
    """A panel's counts before protection, as {row: {column: count}} (rows with a count only)."""
    table = PANELS[key].build(scope, filters)
    out: dict[str, dict[str, int]] = {}
    for (row, column), value in table.counts.items():
        if value:
            out.setdefault(row, {})[column] = value
    return out


def column(scope: Scope, key: str, filters: DashboardFilters = YEARS, name: str = "victims") -> dict[str, int]:
    return {row: columns.get(name, 0) for row, columns in raw(scope, key, filters).items()}


# --- Every count of every panel ------------------------------------------------------------------------------------
def test_victims_by_year_sex_age_form_and_trends(facts: Scope) -> None:
    assert column(facts, "victims") == {"2024": 15, "2025": 14}
    assert raw(facts, "sex_age") == {
        "2024": {"women": 5, "men": 7, "boys": 3},
        "2025": {"women": 6, "girls": 2, "men": 5, "unknown": 1},
    }
    assert column(facts, "forms") == {"sexual": 13, "labour": 15, "begging": 1}
    assert raw(facts, "trend_case_type") == {"2024": {"tip": 3, "som": 7, "both": 5}, "2025": {"tip": 13, "som": 1}}
    assert raw(facts, "trend_form") == {
        "2024": {"sexual": 5, "labour": 10},
        "2025": {"sexual": 8, "labour": 5, "begging": 1},
    }


def test_citizenship_countries_regions_and_flows(facts: Scope) -> None:
    citizenship = PANELS["citizenship"].build(facts, YEARS)
    assert [key for key, _label in citizenship.rows] == ["PY", "BO", "BR", "unknown"]
    assert column(facts, "citizenship") == {"PY": 12, "BO": 11, "BR": 5, "unknown": 1}
    assert column(facts, "exploitation_countries") == {"BR": 24, "AR": 5}
    regions = PANELS["regions"].build(facts, YEARS)
    assert [key for key, _label in regions.rows] == ["BR-RJ", "BR-SP", "unknown"]
    assert column(facts, "regions") == {"BR-RJ": 5, "BR-SP": 23, "unknown": 1}
    flows = PANELS["flows"].build(facts, YEARS)
    assert [key for key, _label in flows.rows] == ["PY>BR", "BO>BR", "BO>AR", "BR>BR", "unknown>BR"]
    assert column(facts, "flows", name="value") == {"PY>BR": 12, "BO>BR": 6, "BO>AR": 5, "BR>BR": 5, "unknown>BR": 1}
    assert flows.column_totals is False


def test_top_countries_keep_the_total_with_the_others_together(facts: Scope, ngo: Organization) -> None:
    for number, code in enumerate(["AO", "BE", "CA", "DE", "EG", "FR", "GH", "HN", "IN", "JP", "KE"]):
        victims(ngo, 2025, 1 + number, citizenship=code)  # 1 .. 11 victims each
    counts = column(facts, "citizenship")
    assert len(counts) == 12  # ten countries, "other", unknown
    # The ten largest: PY 12, BO 11, KE 11, JP 10, IN 9, HN 8, GH 7, FR 6, BR 5, EG 5 (ties by code); the others
    # (AO 1, BE 2, CA 3, DE 4) together.
    assert counts["PY"] == 12 and counts["KE"] == 11 and counts["BO"] == 11 and counts["EG"] == 5
    assert counts["other"] == 1 + 2 + 3 + 4
    assert sum(counts.values()) == 29 + sum(range(1, 12))


def test_justice_offences_incidents_contacts_and_referrals(facts: Scope) -> None:
    assert raw(facts, "justice") == {
        "2024": {"formal_contact": 5, "prosecuted": 5, "convicted": 5},
        "2025": {"formal_contact": 9, "prosecuted": 6, "convicted": 2},
    }
    assert raw(facts, "offences") == {"2025": {"tip": 6, "som": 5, "other": 1}}
    assert raw(facts, "incidents") == {
        "2024": {"incidents": 1, "migrants": 8},
        "2025": {"incidents": 2, "migrants": 42, "dead": 3, "missing": 6, "injured": 5},
    }
    assert raw(facts, "contacts") == {"2024": {"information": 5}, "2025": {"victim": 6, "tip": 5, "information": 7,
                                                                            "other": 2}}  # fmt: skip
    assert column(facts, "channels", name="contacts") == {"phone": 15, "whatsapp": 5, "email": 5}
    assert raw(facts, "referrals") == {
        "shelter": {"sent": 6, "answered": 5, "accepted": 4, "overdue": 1},
        "legal_aid": {"sent": 2, "answered": 2, "accepted": 1},
    }
    medians = PANELS["referrals"].build(facts, YEARS).derived["median_hours"][1]
    assert dict(medians) == {"shelter": 6, "legal_aid": 2, "total": 4}


def test_one_year_of_contacts_is_by_month(facts: Scope) -> None:
    year = DashboardFilters(year_from=2025, year_to=2025)
    table = PANELS["contacts"].build(facts, year)
    assert len(table.rows) == 12
    assert raw(facts, "contacts", year) == {"2025-04": {"victim": 6, "tip": 5, "information": 7, "other": 2}}


# --- Filters -------------------------------------------------------------------------------------------------------
def test_filters_narrow_the_victims(facts: Scope) -> None:
    def by_year(**fields: Any) -> dict[str, int]:
        return column(facts, "victims", DashboardFilters(year_from=2024, year_to=2025, **fields))

    assert by_year(case_type="tip") == {"2024": 8, "2025": 13}  # the cases that are both count as trafficking
    assert by_year(case_type="som") == {"2024": 12, "2025": 1}
    assert by_year(case_type="both") == {"2024": 5}
    assert by_year(child=True) == {"2024": 3, "2025": 2}
    assert by_year(child=False) == {"2024": 12, "2025": 12}
    assert by_year(region="BR-RJ") == {"2024": 3, "2025": 2}
    assert by_year(organization_type="NGO") == {"2024": 8, "2025": 8}
    assert column(facts, "victims", DashboardFilters(year_from=2025, year_to=2025)) == {"2025": 14}


def test_a_filter_a_panel_has_no_use_for_is_named_in_a_note(facts: Scope) -> None:
    filters = DashboardFilters(year_from=2024, year_to=2025, region="BR-RJ", child=True)
    justice_table = PANELS["justice"].build(facts, filters)
    assert raw(facts, "justice", filters) == raw(facts, "justice")  # neither applies to the justice record
    assert any("region" in note and "children" in note for note in justice_table.notes)
    assert not any("Not filtered" in note for note in PANELS["victims"].build(facts, filters).notes)


def test_parse_filters_gives_clear_messages(facts: Scope) -> None:
    assert parse_filters(facts, {}) == DashboardFilters.default()
    assert parse_filters(facts, {"panel": "victims", "format": "csv"}) == DashboardFilters.default()
    parsed = parse_filters(facts, {"year_from": "2020", "year_to": "2021", "child": "yes", "case_type": "som"})
    assert parsed == DashboardFilters(year_from=2020, year_to=2021, child=True, case_type="som")
    assert parse_filters(facts, {"year_to": "2010"}) == DashboardFilters(year_from=2006, year_to=2010)
    bad = {
        "year_from": ("abc", "Give a year as a number, such as 2024."),
        "year_to": ("1700", "Give a year from 1990 to"),
        "region": ("XX-99", "Select a valid choice."),
        "case_type": ("trafficking", "Select a valid choice."),
        "child": ("maybe", "Select a valid choice."),
    }
    for name, (value, message) in bad.items():
        with pytest.raises(ApplicationError) as error:
            parse_filters(facts, {name: value})
        assert message in error.value.message, (name, error.value.message)
        assert list(error.value.extra["fields"]) == [name]
    with pytest.raises(ApplicationError, match="cannot come before"):
        parse_filters(facts, {"year_from": "2025", "year_to": "2024"})
    with pytest.raises(ApplicationError, match="30 years at most"):
        parse_filters(facts, {"year_from": "1990", "year_to": "2025"})


def test_a_year_without_data_is_an_empty_table_not_an_error(facts: Scope) -> None:
    tables = dashboard_tables(facts, DashboardFilters(year_from=2001, year_to=2001))
    victims_table = next(t for t in tables if t.key == "victims")
    assert [[c.value for c in r.cells] for r in victims_table.all_rows()] == [[0], [0]]
    assert next(t for t in tables if t.key == "citizenship").rows == []
    assert next(t for t in tables if t.key == "referrals").rows == []


def test_an_unknown_panel_is_not_found(facts: Scope) -> None:
    with pytest.raises(NotFound):
        panel_table(facts, YEARS, "salaries")


# --- What is published ---------------------------------------------------------------------------------------------
def cells(table: PublishedTable) -> dict[tuple[str, str], Any]:
    return {(r.key, c.key): cell for r in table.all_rows() for c, cell in zip(table.columns, r.cells, strict=True)}


def test_published_panels_withhold_every_small_count_and_show_the_true_others(facts: Scope) -> None:
    tables = {t.key: t for t in dashboard_tables(facts, YEARS)}
    assert list(tables) == list(PANELS)
    for key, table in tables.items():
        counted = {c.key for c in table.columns} - {"incidents", "median_hours"}
        assert_no_small_cell(table, counted)
        truth = PANELS[key].build(facts, YEARS)
        for (row, column_key), cell in cells(table).items():
            if cell.value is not None and column_key in {c.key for c in truth.columns} and row != TOTAL:
                if column_key in truth.derived:
                    continue
                assert cell.value == truth.count(row, column_key), (key, row, column_key)
    # Known exactly: nothing small in these.
    assert [r.cells[0].display for r in tables["victims"].all_rows()] == ["15", "14", "29"]
    assert [(r.key, r.cells[0].display) for r in tables["exploitation_countries"].all_rows()] == [
        ("BR", "24"),
        ("AR", "5"),
        (TOTAL, "29"),
    ]
    # A year total shared by the panels is withheld in all or none of them.
    for other in ("sex_age", "trend_case_type", "trend_form"):
        for year_row in tables[other].all_rows():
            assert year_row.cells[-1].display == cells(tables["victims"])[(year_row.key, "victims")].display
    # Incidents: the incidents themselves are published, the 3 dead of 2025 are not.
    incidents = cells(tables["incidents"])
    assert (incidents[("2025", "incidents")].display, incidents[("2025", "dead")].display) == ("2", "<5")
    assert incidents[(TOTAL, "dead")].display == "<5" and incidents[("2025", "missing")].display == "6"
    # Referrals: the legal aid median goes with its withheld count of answers.
    referrals = cells(tables["referrals"])
    assert referrals[("legal_aid", "answered")].display == "<5"
    assert referrals[("legal_aid", "median_hours")].display == ".."
    assert referrals[("shelter", "median_hours")].value in (6, None)
    # The flows: the one flow of 1 is withheld; flows have no totals.
    flows = {r.key: r.cells[0] for r in tables["flows"].rows}
    assert flows["unknown>BR"].display == "<5" and tables["flows"].totals is None


def test_dashboard_page_downloads_and_screen_give_the_same_numbers(facts: Scope, ngo: Organization) -> None:
    user = make_user(ngo, roles=("national_coordinator",))
    client = sign_in(Client(), user)
    url = reverse("stats:dashboard")
    query = {"year_from": "2024", "year_to": "2025"}
    response = client.get(url, query)
    assert response.status_code == 200
    screen = {t.key: t for t in response.context["tables"]}
    assert 'data-panel="victims"' in response.content.decode()
    for key in ("victims", "sex_age", "incidents", "referrals"):
        lines = [[str(v) for v in line] for line in table_lines(screen[key])]
        download = client.get(url, {**query, "panel": key, "format": "csv"})
        assert download.status_code == 200 and download["Content-Type"].startswith("text/csv")
        assert download["Content-Disposition"] == f'attachment; filename="tipsom-{key}-2024-2025.csv"'
        assert list(csv.reader(io.StringIO(download.content.decode("utf-8")))) == lines
        workbook = client.get(url, {**query, "panel": key, "format": "xlsx"})
        sheet = load_workbook(io.BytesIO(workbook.content)).active
        assert sheet is not None
        rows = [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        assert rows[2 : 2 + len(lines)] == [line + [""] * (len(rows[2]) - len(line)) for line in lines]
    events = AuditEvent.objects.filter(action="stats.export.panel")
    assert events.count() == 8
    event = events.order_by("-pk").first()
    assert event is not None and event.changes["parameters"] == {
        "panel": "referrals",
        "format": "xlsx",
        "year_from": "2024",
        "year_to": "2025",
    }


def test_bad_filters_and_bad_downloads_get_a_message_not_an_error_page(facts: Scope, ngo: Organization) -> None:
    client = sign_in(Client(), make_user(ngo, roles=("national_coordinator",)))
    url = reverse("stats:dashboard")
    response = client.get(url, {"year_from": "twenty"})
    assert response.status_code == 400
    assert "Give a year as a number, such as 2024." in response.content.decode()
    response = client.get(url, {"year_from": "2024", "panel": "victims", "format": "pdf"})
    assert response.status_code == 400
    assert "Choose the format csv or xlsx." in response.content.decode()
    response = client.get(url, {"panel": "salaries", "format": "csv"})
    assert response.status_code == 400 and "There is no such panel." in response.content.decode()
    assert not AuditEvent.objects.filter(action="stats.export.panel").exists()
    response = client.get(url, {"year_from": "2001", "year_to": "2001"})
    assert response.status_code == 200 and "No data for these filters." in response.content.decode()


def test_the_page_makes_as_many_queries_with_many_facts(
    facts: Scope, ngo: Organization, police: Organization, django_assert_max_num_queries: Any
) -> None:
    client = sign_in(Client(), make_user(ngo, roles=("national_coordinator",)))
    url = reverse("stats:dashboard")
    query = {"year_from": "2024", "year_to": "2025"}
    client.get(url, query)  # the session's first request
    with django_assert_max_num_queries(QUERY_CEILING):
        assert client.get(url, query).status_code == 200
    for year in (2024, 2025):
        victims(police, year, 40, sex="M", age=22, citizenship="NP", origin_country="NP", exploitation_form="labour")
        victims(ngo, year, 30, is_child=True, citizenship="IN", origin_country="IN", region="BR-RJ")
    with django_assert_max_num_queries(QUERY_CEILING):
        assert client.get(url, query).status_code == 200


# 36 measured: the session, the user, their grants, organization and menu, the notifications badge (about 10), the
# facts brought up to date once per request (stats.facts.engine.current: 3 per kind of fact, 15), the panels' grouped
# queries (11: four for the nine victim panels, one each for the others, two for the referrals); a margin of 4.
QUERY_CEILING = 40


def test_the_selectors_module_names_every_panel_once() -> None:
    keys = [key for group in selectors.GROUPS for key in group]
    assert sorted(keys) == sorted(PANELS) and len(keys) == len(set(keys))


def test_an_attacker_cannot_recover_a_withheld_cell_from_a_panels_totals(facts: Scope) -> None:
    """The two-way panels (rows and columns with their totals): each withheld small count keeps an interval of
    more than one value for a reader who solves the published totals (test_tables.attack: "<5" in [1, 4], ".." 5
    or more)."""
    from tipsom.stats.tests.test_tables import attack

    tables = {t.key: t for t in dashboard_tables(facts, YEARS)}
    attacked = 0
    for key in ("sex_age", "trend_case_type", "trend_form", "contacts", "offences", "victims", "forms", "citizenship"):
        for cell_key, (low, high) in attack(tables[key]).items():
            if cells(tables[key])[cell_key].status == "primary":
                attacked += 1
                assert high - low >= 1, (key, cell_key, low, high)
    assert attacked >= 6  # 2024's 3 boys, 2025's 2 girls and 1 unknown, their column totals, 1 begging, ...
