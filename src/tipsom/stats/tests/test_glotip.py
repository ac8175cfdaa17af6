"""GLOTIP: the counts of a hand-built year, the portal's columns and strings, the "<5" rule, an attacker who tries to
work out every "<5" from the published rows (by subtraction and by integer programming across every dimension),
the workbook, and bad input."""

from __future__ import annotations

import csv
import io
import itertools
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from openpyxl import load_workbook
from scipy.optimize import Bounds, LinearConstraint, milp  # type: ignore[import-untyped]

from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.stats.exports import Scope
from tipsom.stats.facts.cube import cube_rebuild
from tipsom.stats.glotip import glotip, glotip_counts, glotip_export, glotip_tables, long_rows
from tipsom.stats.models import JusticeFact, OffenceFact, VictimFact
from tipsom.stats.tables import table_lines

pytestmark = pytest.mark.django_db
YEAR = 2024
_source = itertools.count(1)

HEADER = [
    "Iso3_code",
    "Country",
    "Region",
    "Subregion",
    "Indicator",
    "Dimension",
    "Category",
    "Sex",
    "Age",
    "Year",
    "Unit of measurement",
    "VALUE",
    "Source",
]
SEXES = ["Total", "Female", "Male", "Other", "Unknown"]
AGES = ["Total", "0 to 17 years", "18 years or over", "Unknown"]
FORMS = [
    "Sexual exploitation",
    "Forced labour",
    "Other forms of exploitation",
    "Mixed sexual exploitation and forced labour",
    "Forced criminal activity",
    "Begging",
    "Forced marriage",
    "Organ removal",
    "Other purposes",
    "Unknown",
]
OTHER_PARTS = FORMS[3:9]
TOP_FORMS = ["Sexual exploitation", "Forced labour", "Other forms of exploitation", "Unknown"]
V = "Detected trafficking victims"
STAGES = ["Persons brought into formal contact", "Persons prosecuted", "Persons convicted"]


def victim(
    organization: Organization,
    n: int = 1,
    *,
    sex: str = "F",
    age: int | None = 30,
    child: bool = False,
    form: str = "sexual",
    citizenship: str = "BR",
    year: int = YEAR,
    counted: bool = True,
    case_type: str = "tip",
    cluster: int | None = None,
) -> None:
    for _ in range(n):
        source = next(_source)
        VictimFact.objects.create(
            country=organization.country,
            organization=organization,
            year=year,
            source_id=source,
            person_cluster=cluster or source,
            counted=counted,
            identified_on=date(year, 3, 1),
            case_type=case_type,
            sex=sex,
            age=age,
            is_child=child,
            citizenship=citizenship,
            exploitation_form=form,
        )
    cube_rebuild()  # built by hand, past the facts engine: the victims cube brought in step


def person_at(
    organization: Organization,
    *,
    cluster: int,
    stage: str,
    offence: str = "tip",
    counted: bool = True,
    sex: str = "M",
    minor: bool | None = False,
    year: int = YEAR,
) -> None:
    JusticeFact.objects.create(
        country=organization.country,
        organization=organization,
        year=year,
        source_id=cluster,
        person_cluster=cluster,
        counted=counted,
        stage=stage,
        offence_type=offence,
        sex=sex,
        minor=minor,
    )


@pytest.fixture
def brazil() -> Organization:
    """42 victims in 2024, and what must not be counted with them."""
    org = make_organization("BR")
    victim(org, 12, sex="F", form="sexual", citizenship="VE")
    victim(org, 6, sex="F", form="labour", citizenship="BR")
    victim(org, 7, sex="F", age=15, child=True, form="sexual", citizenship="BR")
    victim(org, 9, sex="M", form="labour", citizenship="VE")
    victim(org, 2, sex="M", age=12, child=True, form="begging", citizenship="BR")
    victim(org, 1, sex="M", form="criminal", citizenship="CO")
    victim(org, 5, sex="U", age=None, form="unknown", citizenship="ZZ")
    # Not counted: a second agency's registration of a counted person, a smuggled migrant, another year, another
    # country.
    victim(org, 3, sex="F", form="sexual", citizenship="VE", counted=False, cluster=1)
    victim(org, 4, sex="M", case_type="som")
    victim(org, 4, sex="F", year=2023)
    victim(make_organization("CO"), 10, sex="F", citizenship="CO")
    return org


def export_rows(org: Organization, year: int = YEAR, *, tmp_path: Path) -> list[dict[str, str]]:
    output = tmp_path / "glotip.csv"
    glotip_export(Scope(country=org.country), year=year, format="csv", output=output)
    with output.open(encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream)
        assert reader.fieldnames == HEADER
        return list(reader)


# --- Counts -------------------------------------------------------------------------------------------------------
def test_victims_are_counted_once_per_person_and_year_by_every_dimension(brazil: Organization) -> None:
    counts = glotip_counts(Scope(country="BR"), year=YEAR).counts
    total = ("Detected trafficking victims", "Total", "Total")
    assert counts[(*total, "Total", "Total")] == 42
    assert counts[(*total, "Female", "Total")] == 25
    assert counts[(*total, "Female", "18 years or over")] == 18
    assert counts[(*total, "Female", "0 to 17 years")] == 7
    assert counts[(*total, "Male", "18 years or over")] == 10
    assert counts[(*total, "Male", "0 to 17 years")] == 2
    assert counts[(*total, "Unknown", "Unknown")] == 5
    assert counts[(*total, "Other", "Total")] == 0
    form = (V, "by form of exploitation")
    assert counts[(*form, "Sexual exploitation", "Total", "Total")] == 19
    assert counts[(*form, "Sexual exploitation", "Female", "0 to 17 years")] == 7
    assert counts[(*form, "Forced labour", "Total", "Total")] == 15
    assert counts[(*form, "Other forms of exploitation", "Total", "Total")] == 3
    assert counts[(*form, "Begging", "Male", "0 to 17 years")] == 2
    assert counts[(*form, "Forced criminal activity", "Male", "18 years or over")] == 1
    assert counts[(*form, "Unknown", "Total", "Total")] == 5
    citizenship = {key[2]: n for key, n in counts.items() if key[1] == "by citizenship"}
    assert citizenship == {"Venezuela (Bolivarian Republic of)": 21, "Brazil": 15, "Colombia": 1, "Unknown": 5}


def test_persons_are_counted_once_per_stage_and_year_for_trafficking() -> None:
    org = make_organization("BR")
    # Person 1: prosecuted for trafficking on two offences (one counted row), a woman.
    person_at(org, cluster=1, stage="prosecuted", sex="F")
    person_at(org, cluster=1, stage="prosecuted", sex="F", offence="organised_crime", counted=False)
    # Person 2: the counted row carries smuggling, but they were prosecuted for trafficking too.
    person_at(org, cluster=2, stage="prosecuted", offence="som")
    person_at(org, cluster=2, stage="prosecuted", counted=False)
    # Person 3: prosecuted for smuggling only: not a GLOTIP figure.
    person_at(org, cluster=3, stage="prosecuted", offence="som")
    # Person 4: a minor brought into formal contact, and convicted; person 5 convicted in 2023.
    person_at(org, cluster=4, stage="formal_contact", minor=True)
    person_at(org, cluster=4, stage="convicted", minor=True)
    person_at(org, cluster=5, stage="convicted", year=2023)
    # A row that is not counted does not count, even alone.
    person_at(org, cluster=6, stage="convicted", counted=False)
    for number in range(7):
        OffenceFact.objects.create(
            country="BR", organization=org, year=YEAR, source_id=100 + number, offence_type="tip"
        )
    OffenceFact.objects.create(country="BR", organization=org, year=YEAR, source_id=200, offence_type="som")
    counts = glotip_counts(Scope(country="BR"), year=YEAR).counts
    assert counts[("Persons prosecuted", "Total", "Total", "Total", "Total")] == 2
    assert counts[("Persons prosecuted", "Total", "Total", "Female", "18 years or over")] == 1
    assert counts[("Persons prosecuted", "Total", "Total", "Male", "18 years or over")] == 1
    assert counts[("Persons brought into formal contact", "Total", "Total", "Male", "0 to 17 years")] == 1
    assert counts[("Persons convicted", "Total", "Total", "Total", "Total")] == 1
    assert counts[("Persons convicted", "Total", "Total", "Male", "0 to 17 years")] == 1
    assert counts[("Offences of trafficking in persons", "Total", "Total", "Total", "Total")] == 7


# --- The long format ----------------------------------------------------------------------------------------------
def test_columns_and_strings_are_the_portals(brazil: Organization, tmp_path: Path) -> None:
    rows = export_rows(brazil, tmp_path=tmp_path)
    first = rows[0]
    assert first["Iso3_code"] == "BRA"
    assert first["Country"] == "Brazil"
    assert (first["Region"], first["Subregion"]) == ("Americas", "Latin America and the Caribbean")
    assert {r["Indicator"] for r in rows} == {V, *STAGES, "Offences of trafficking in persons"}
    assert {r["Dimension"] for r in rows} == {"Total", "by form of exploitation", "by citizenship"}
    assert {r["Sex"] for r in rows} == set(SEXES)
    assert {r["Age"] for r in rows} == set(AGES)
    assert {r["Unit of measurement"] for r in rows} == {"Counts"}
    assert {r["Year"] for r in rows} == {"2024"}
    assert {r["Source"] for r in rows} == {"National authorities (tipsom)"}
    assert {r["Category"] for r in rows if r["Dimension"] == "by form of exploitation"} <= set(FORMS)
    cells = {(r["Indicator"], r["Dimension"], r["Category"], r["Sex"], r["Age"]): r["VALUE"] for r in rows}
    assert cells[(V, "Total", "Total", "Total", "Total")] == "42"
    assert cells[(V, "by form of exploitation", "Sexual exploitation", "Total", "Total")] == "19"
    assert cells[(V, "by citizenship", "Venezuela (Bolivarian Republic of)", "Total", "Total")] == "21"
    assert cells[(V, "Total", "Total", "Other", "Total")] == "0"  # a zero is a true count


def test_no_count_from_1_to_4_is_published_and_each_is_written_small(brazil: Organization, tmp_path: Path) -> None:
    rows = export_rows(brazil, tmp_path=tmp_path)
    values = [r["VALUE"] for r in rows]
    assert all(v == "<5" or (v.isdigit() and not 1 <= int(v) <= 4) for v in values)
    counts = glotip_counts(Scope(country="BR"), year=YEAR).counts
    published = {(r["Indicator"], r["Dimension"], r["Category"], r["Sex"], r["Age"]): r["VALUE"] for r in rows}
    for key, n in counts.items():
        if 1 <= n <= 4:
            assert published[key] == "<5", key
        elif key in published and published[key] != "<5":
            assert published[key] == str(n), key
    assert "<5" in values
    # Some larger counts are withheld (left out) so that the small ones cannot be worked out.
    assert len(rows) < len(counts)


def test_a_year_without_data_gives_zero_totals(brazil: Organization, tmp_path: Path) -> None:
    rows = export_rows(brazil, 2030, tmp_path=tmp_path)
    assert rows and {r["VALUE"] for r in rows} == {"0"}
    assert len(rows) == 20 + 10 * 20 + 3 * 20 + 1  # victims by sex x age, by form, persons at 3 stages, offences
    assert not [r for r in rows if r["Dimension"] == "by citizenship"]


def true_counts(country: str) -> dict[tuple[str, ...], int]:
    return {key: n for key, n in glotip_counts(Scope(country=country), year=YEAR).counts.items()}


# --- The attacker ---------------------------------------------------------------------------------------------------
def attack(
    rows: list[dict[str, str]], *, knows_policy: bool = True, targets: list[tuple[str, ...]] | None = None
) -> dict[tuple[str, ...], tuple[int, int]]:
    """Everything a reader of the long format can narrow each "<5" down to. The reader rebuilds the figures'
    relations from the portal's format alone (each total is the sum of its sexes, its ages, its forms, its
    citizenships), knows a "<5" lies in 1..4, that a missing cell of a published grid is withheld (0 is written, so
    with `knows_policy` it is 5 or more), and that citizenships not listed add up to 0 or to 5 or more; then
    minimises and maximises each "<5" (or each of `targets`) over the integers. When no form is published by sex
    and age, the reader knows only the forms' totals."""
    published: dict[tuple[str, ...], str] = {
        (r["Indicator"], r["Dimension"], r["Category"], r["Sex"], r["Age"]): r["VALUE"] for r in rows
    }
    keys: list[tuple[str, ...]] = []
    equations: list[tuple[tuple[str, ...], list[tuple[str, ...]]]] = []

    def cube(indicator: str, dimension: str, category: str) -> None:
        for sex in SEXES:
            for age in AGES:
                keys.append((indicator, dimension, category, sex, age))
        for age in AGES:
            equations.append(
                (
                    (indicator, dimension, category, "Total", age),
                    [(indicator, dimension, category, s, age) for s in SEXES[1:]],
                )
            )
        for sex in SEXES:
            equations.append(
                (
                    (indicator, dimension, category, sex, "Total"),
                    [(indicator, dimension, category, sex, a) for a in AGES[1:]],
                )
            )

    cube(V, "Total", "Total")
    by_sex_and_age = any(k[1] == "by form of exploitation" and k[3:] != ("Total", "Total") for k in published)
    for form in FORMS:
        if by_sex_and_age:
            cube(V, "by form of exploitation", form)
        else:
            keys.append((V, "by form of exploitation", form, "Total", "Total"))
    for sex, age in itertools.product(SEXES, AGES) if by_sex_and_age else [("Total", "Total")]:
        forms = (V, "by form of exploitation")
        equations.append(((V, "Total", "Total", sex, age), [(*forms, f, sex, age) for f in TOP_FORMS]))
        other = (*forms, "Other forms of exploitation", sex, age)
        equations.append((other, [(*forms, f, sex, age) for f in OTHER_PARTS]))
    for stage in STAGES:
        cube(stage, "Total", "Total")
    listed = [key for key in published if key[1] == "by citizenship"]
    rest = ("rest of the citizenships",)
    keys += [*listed, rest]
    equations.append(((V, "Total", "Total", "Total", "Total"), [*listed, rest]))
    free = [k for k in keys if published.get(k, "?").isdigit() is False]
    column = {k: i for i, k in enumerate(free)}
    n = len(free) + 1  # the last variable: does the rest of the citizenships exist (0 or 1)
    big = 10**6
    lower, upper = np.zeros(n), np.full(n, float(big))
    for k in free:
        if published.get(k) == "<5":
            lower[column[k]], upper[column[k]] = 1, 4
        elif k != rest and knows_policy:
            lower[column[k]] = 5
    upper[-1] = 1
    rows_a, lo, hi = [], [], []
    for total, parts in equations:
        coefs = np.zeros(n)
        constant = 0.0
        for sign, k in [(1, total), *[(-1, p) for p in parts]]:
            if k in column:
                coefs[column[k]] += sign
            else:
                constant += sign * int(published[k])
        rows_a.append(coefs)
        lo.append(-constant)
        hi.append(-constant)
    # The rest is 0 or at least 5: rest >= 5 z, rest <= big z.
    coefs = np.zeros(n)
    coefs[column[rest]], coefs[-1] = 1, -5
    rows_a.append(coefs)
    lo.append(0)
    hi.append(np.inf)
    coefs = np.zeros(n)
    coefs[column[rest]], coefs[-1] = 1, -big
    rows_a.append(coefs)
    lo.append(-np.inf)
    hi.append(0)
    constraint = LinearConstraint(np.array(rows_a), np.array(lo), np.array(hi))
    intervals = {}
    for k in free:
        if (targets is None and published.get(k) != "<5") or (targets is not None and k not in targets):
            continue
        ends = []
        for sense in (1, -1):
            c = np.zeros(n)
            c[column[k]] = sense
            result = milp(c, constraints=[constraint], integrality=np.ones(n), bounds=Bounds(lower, upper))
            assert result.status == 0, result.message
            ends.append(round(result.x[column[k]]))
        intervals[k] = (ends[0], ends[1])
    return intervals


def test_no_small_count_can_be_worked_out_from_the_published_rows(brazil: Organization, tmp_path: Path) -> None:
    rows = export_rows(brazil, tmp_path=tmp_path)
    counts = true_counts("BR")
    intervals = attack(rows)
    assert len(intervals) >= 5
    for key, (low, high) in intervals.items():
        assert low <= counts[key] <= high, key  # the attacker's model holds for the true table
        assert low < high, f"{key} is recovered as {low}"


def test_the_attacker_recovers_a_small_count_when_only_small_counts_are_withheld(brazil: Organization) -> None:
    """The attack has teeth: with the "<5" marks alone (no complement withheld), subtraction gives cells back."""
    counts = glotip_counts(Scope(country="BR"), year=YEAR).counts
    rows = [
        {
            "Indicator": k[0],
            "Dimension": k[1],
            "Category": k[2],
            "Sex": k[3],
            "Age": k[4],
            "VALUE": "<5" if 1 <= n <= 4 else str(n),
        }
        for k, n in counts.items()
    ]
    intervals = attack(rows)
    assert any(low == high for low, high in intervals.values())
    key = (V, "by form of exploitation", "Forced criminal activity", "Total", "Total")
    assert intervals[key] == (1, 1)  # men of 18 or over: 10, of whom 9 in forced labour


def test_many_small_cells_stay_protected(tmp_path: Path) -> None:
    """A small country: every breakdown small, and still nothing is recovered."""
    org = make_organization("LA")
    victim(org, 3, sex="F", form="sexual", citizenship="LA")
    victim(org, 2, sex="F", age=16, child=True, form="labour", citizenship="TH")
    victim(org, 1, sex="M", form="marriage", citizenship="LA")
    victim(org, 6, sex="M", form="labour", citizenship="MM")
    rows = export_rows(org, tmp_path=tmp_path)
    assert rows[0]["Country"] == "Lao People's Democratic Republic"
    assert (rows[0]["Region"], rows[0]["Subregion"]) == ("Asia", "South-eastern Asia")
    counts = true_counts("LA")
    for key, (low, high) in attack(rows).items():
        assert low <= counts[key] <= high and low < high, key


def trimmed(line: tuple[Any, ...]) -> list[Any]:
    values = list(line)
    while values and values[-1] is None:
        values.pop()
    return values


# --- The workbook, the tables, the audit ------------------------------------------------------------------------------
def test_the_workbook_has_the_tables_and_the_long_format(brazil: Organization, tmp_path: Path) -> None:
    output = tmp_path / "glotip.xlsx"
    release = glotip_export(Scope(country="BR"), year=YEAR, format="xlsx", output=output)
    workbook = load_workbook(output, read_only=True)
    assert workbook.sheetnames == [
        "victims_sex_age",
        "victims_form",
        "victims_citizenship",
        "persons",
        "offences",
        "long_format",
    ]
    long = [list(line) for line in workbook["long_format"].iter_rows(values_only=True)]
    assert long[0] == HEADER
    csv_rows = export_rows(brazil, tmp_path=tmp_path)
    assert [[str(v) for v in line] for line in long[1:]] == [list(r.values()) for r in csv_rows]
    assert release.records == len(csv_rows) and release.fields == 13
    for table in glotip_tables(glotip(Scope(country="BR"), year=YEAR)):
        sheet = [trimmed(line) for line in workbook[table.key].iter_rows(values_only=True)]
        assert sheet[0] == [table.title] and sheet[2:] == [list(line) for line in table_lines(table)] + [
            [note] for note in table.notes
        ]
    events = AuditEvent.objects.filter(action="stats.export.glotip")
    assert events.count() == 2
    assert events.first() is not None


def test_the_tables_show_the_long_formats_numbers(brazil: Organization, tmp_path: Path) -> None:
    scope = Scope(country="BR")
    data = glotip(scope, year=YEAR)
    by_key = {(r["Indicator"], r["Dimension"], r["Category"], r["Sex"], r["Age"]): r["VALUE"] for r in long_rows(data)}
    tables = {t.key: t for t in glotip_tables(data)}
    sex_age = tables["victims_sex_age"]
    total_row = sex_age.all_rows()[-1]
    assert [c.display for c in total_row.cells] == [
        str(by_key.get((V, "Total", "Total", "Total", age), "..")) for age in [*AGES[1:], "Total"]
    ]
    for row in tables["victims_citizenship"].rows:
        assert row.cells[0].display == str(by_key.get((V, "by citizenship", row.key, "Total", "Total"), ".."))
    statuses = {c.status for t in tables.values() for r in t.all_rows() for c in r.cells}
    assert statuses <= {"", "primary", "secondary"}


# --- Bad input --------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("year", ["2024", 2024.0, True, 1999, 2101, None])
def test_a_year_that_is_not_a_year_is_refused(year: Any, tmp_path: Path) -> None:
    make_organization("BR")
    with pytest.raises(ApplicationError) as error:
        glotip_export(Scope(country="BR"), year=year, output=tmp_path / "out.csv")
    assert error.value.code == "invalid"
    assert not list(tmp_path.iterdir())
    assert not AuditEvent.objects.filter(action="stats.export.glotip").exists()


def test_an_unknown_format_is_refused_and_nothing_is_written(tmp_path: Path) -> None:
    make_organization("BR")
    with pytest.raises(ApplicationError) as error:
        glotip_export(Scope(country="BR"), year=YEAR, format="pdf", output=tmp_path / "out.pdf")
    assert "csv or xlsx" in error.value.message
    assert not list(tmp_path.iterdir())


def test_a_missing_folder_is_refused(tmp_path: Path) -> None:
    make_organization("BR")
    with pytest.raises(ApplicationError):
        glotip_export(Scope(country="BR"), year=YEAR, output=tmp_path / "nowhere" / "out.csv")
    assert not AuditEvent.objects.filter(action="stats.export.glotip").exists()


def test_the_csv_is_plain_utf8(tmp_path: Path) -> None:
    victim(make_organization("CI"), 8, citizenship="CI")
    output = tmp_path / "glotip.csv"
    glotip_export(Scope(country="CI"), year=YEAR, output=output)
    raw = output.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    assert raw.startswith(b"Iso3_code,Country,Region,Subregion,Indicator,Dimension,Category,Sex,Age,Year,")
    assert "CIV,Côte d'Ivoire,Africa,Sub-Saharan Africa," in raw.decode("utf-8")
    assert list(csv.reader(io.StringIO(raw.decode("utf-8"))))[0] == HEADER


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_small_years_stay_protected(seed: int, tmp_path: Path) -> None:
    """Random small years (many cells of 1 to 4 in every dimension): the attacker pins none."""
    import random

    rng = random.Random(seed)
    org = make_organization("BR")
    for _ in range(rng.randint(15, 40)):
        age = rng.choice([None, 12, 30])
        victim(
            org,
            sex=rng.choice("FFFMMOU"),
            age=age,
            child=age == 12,
            form=rng.choice(["sexual", "sexual", "labour", "labour", "mixed", "criminal", "begging", "unknown"]),
            citizenship=rng.choice(["BR", "BR", "VE", "CO", "PY", "ZZ"]),
        )
    rows = export_rows(org, tmp_path=tmp_path)
    assert all(r["VALUE"] == "<5" or not 1 <= int(r["VALUE"]) <= 4 for r in rows)
    counts = true_counts("BR")
    intervals = attack(rows)
    assert intervals  # small counts were written "<5" (not all masked)
    for key, (low, high) in intervals.items():
        assert low <= counts[key] <= high and low < high, key


def test_small_forms_that_the_marks_would_give_back_are_left_out_unmarked(tmp_path: Path) -> None:
    """Four victims in four other forms: "<5" for their total and for each form would say each is 1. The forms are
    then published without sex and age, and if even that gives them back, every withheld figure is left out without
    its mark; the reader, knowing only that a missing figure may be small, pins none."""
    org = make_organization("BR")
    victim(org, 20, sex="F", form="sexual")
    victim(org, 1, sex="F", form="mixed")
    victim(org, 1, sex="M", form="criminal")
    victim(org, 1, sex="F", age=12, child=True, form="begging")
    victim(org, 1, sex="U", age=None, form="marriage")
    data = glotip(Scope(country="BR"), year=YEAR)
    assert data.masked
    rows = export_rows(org, tmp_path=tmp_path)
    assert all(r["VALUE"] != "<5" and not 1 <= int(r["VALUE"]) <= 4 for r in rows)
    published = {(r["Indicator"], r["Dimension"], r["Category"], r["Sex"], r["Age"]) for r in rows}
    assert (V, "Total", "Total", "Total", "Total") in published  # the headline figure, 24
    counts = true_counts("BR")
    small = [key for key, n in counts.items() if 1 <= n <= 4 and key[0] == V]
    assert small and not published & set(small)
    intervals = attack(rows, knows_policy=False, targets=small)
    assert set(intervals) == set(small)
    for key, (low, high) in intervals.items():
        assert low <= counts[key] <= high and low < high, key
