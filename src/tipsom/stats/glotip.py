"""GLOTIP: the country's answer to UNODC's questionnaire for one year, as the questionnaire's tables and as the
UNODC data portal's long format (one row per figure), protected for publication.

What is counted (docs/user-guide/statistics-glotip.md):
- detected victims: the counted VictimFact rows of the year (a person once per year, however many agencies
  registered them; read from the victims cube, stats.facts.cube), of trafficking cases (`tip` or `both`; a case
  decided "not a victim" has no fact); by sex and age, by form of exploitation (with sex and age), by citizenship;
- persons brought into formal contact, prosecuted, convicted: the counted JusticeFact rows of the stage and year
  (a person once per stage and year) of the persons who reached that stage for trafficking in persons; by sex and
  age (minor or adult);
- offences of trafficking in persons recorded in the year (OffenceFact).

All the figures of a year are one linked table for tipsom.core.disclosure: a total is the sum of its sexes, of its
ages, of its forms of exploitation and of its citizenships, so a reader could subtract across all of them. A count
from 1 to 4 is written "<5"; a complement (a larger count withheld so that no "<5" can be worked out) has no code
in the portal's format, so its row is left out, as the portal leaves out a figure it does not have. Zeros are
true counts and are written (a year without data gives its Total rows as 0).
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import IO, Any

import pycountry
from django.db.models import Case, Count, Sum, Value, When
from django.utils.translation import gettext as _

from tipsom.core import disclosure
from tipsom.core.errors import ApplicationError
from tipsom.core.spreadsheets import escape_formula
from tipsom.stats.ctdc.m49 import country_region, country_subregion
from tipsom.stats.exports import Release, Scope, audit_release, write_atomic
from tipsom.stats.facts import cube
from tipsom.stats.models import (
    SEX_FEMALE,
    SEX_MALE,
    SEX_OTHER,
    SEX_UNKNOWN,
    UNKNOWN_COUNTRY,
    ExploitationForm,
    FactStage,
    JusticeFact,
    OffenceFact,
    VictimCount,
)
from tipsom.stats.tables import Column, PublishedCell, PublishedTable, Row, table_lines

FORMATS = ("csv", "xlsx")
FIRST_YEAR = 2000  # the portal's series start in 2003
LAST_YEAR = 2100
COLUMNS = (
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
)
UNIT = "Counts"
SOURCE = "National authorities (tipsom)"
TOTAL = "Total"
UNKNOWN = "Unknown"

VICTIMS = "Detected trafficking victims"
FORMAL_CONTACT = "Persons brought into formal contact"
PROSECUTED = "Persons prosecuted"
CONVICTED = "Persons convicted"
OFFENCES = "Offences of trafficking in persons"
INDICATORS = (VICTIMS, FORMAL_CONTACT, PROSECUTED, CONVICTED, OFFENCES)
STAGE_INDICATORS = {
    FactStage.FORMAL_CONTACT: FORMAL_CONTACT,
    FactStage.PROSECUTED: PROSECUTED,
    FactStage.CONVICTED: CONVICTED,
}

BY_FORM = "by form of exploitation"
BY_CITIZENSHIP = "by citizenship"
SEXES = (TOTAL, "Female", "Male", "Other", UNKNOWN)
SEX_OF_CODE = {SEX_FEMALE: "Female", SEX_MALE: "Male", SEX_OTHER: "Other", SEX_UNKNOWN: UNKNOWN}
CHILD, ADULT = "0 to 17 years", "18 years or over"
AGES = (TOTAL, CHILD, ADULT, UNKNOWN)

# The portal's three forms, then the forms the reports break out of "Other forms of exploitation", then the
# victims whose form is not known. OTHER_FORMS = the sum of OTHER_PARTS (mixed exploitation is neither purely
# sexual nor purely labour: it is one of the other forms here, as in the portal's three-way split).
SEXUAL = "Sexual exploitation"
LABOUR = "Forced labour"
OTHER_FORMS = "Other forms of exploitation"
FORM_CATEGORY = {
    ExploitationForm.SEXUAL: SEXUAL,
    ExploitationForm.LABOUR: LABOUR,
    ExploitationForm.MIXED: "Mixed sexual exploitation and forced labour",
    ExploitationForm.CRIMINAL: "Forced criminal activity",
    ExploitationForm.BEGGING: "Begging",
    ExploitationForm.MARRIAGE: "Forced marriage",
    ExploitationForm.ORGANS: "Organ removal",
    ExploitationForm.OTHER: "Other purposes",
    ExploitationForm.UNKNOWN: UNKNOWN,
}
OTHER_PARTS = tuple(
    FORM_CATEGORY[form]
    for form in (
        ExploitationForm.MIXED,
        ExploitationForm.CRIMINAL,
        ExploitationForm.BEGGING,
        ExploitationForm.MARRIAGE,
        ExploitationForm.ORGANS,
        ExploitationForm.OTHER,
    )
)
FORMS = (SEXUAL, LABOUR, OTHER_FORMS, *OTHER_PARTS, UNKNOWN)
TOP_FORMS = (SEXUAL, LABOUR, OTHER_FORMS, UNKNOWN)
TIP_CASE_TYPES = ("tip", "both")
TIP_OFFENCE = "tip"

# The UN M49 English short names where ISO 3166 (pycountry) words them otherwise.
UN_NAMES = {
    "BO": "Bolivia (Plurinational State of)",
    "CD": "Democratic Republic of the Congo",
    "FM": "Micronesia (Federated States of)",
    "GB": "United Kingdom of Great Britain and Northern Ireland",
    "HK": "China, Hong Kong Special Administrative Region",
    "IR": "Iran (Islamic Republic of)",
    "KP": "Democratic People's Republic of Korea",
    "KR": "Republic of Korea",
    "MD": "Republic of Moldova",
    "MO": "China, Macao Special Administrative Region",
    "NL": "Netherlands (Kingdom of the)",
    "PS": "State of Palestine",
    "SH": "Saint Helena",
    "SJ": "Svalbard and Jan Mayen Islands",
    "TZ": "United Republic of Tanzania",
    "US": "United States of America",
    "VA": "Holy See",
    "VE": "Venezuela (Bolivarian Republic of)",
    "VG": "British Virgin Islands",
    "VI": "United States Virgin Islands",
    "WF": "Wallis and Futuna Islands",
    "XK": "Kosovo under UNSCR 1244",
}
EXTRA_ISO3 = {"XK": "XKX"}

Key = tuple[str, str, str, str, str]  # indicator, dimension, category, sex, age


@cache
def country_name(code: str) -> str:
    """The UN English short name of an ISO alpha-2 code ("Unknown" for ZZ or a code ISO does not know)."""
    if code in UN_NAMES:
        return UN_NAMES[code]
    country = pycountry.countries.get(alpha_2=code) if code and code != UNKNOWN_COUNTRY else None
    return country.name if country is not None else UNKNOWN


def iso3(code: str) -> str:
    country = pycountry.countries.get(alpha_2=code) if code else None
    return country.alpha_3 if country is not None else EXTRA_ISO3.get(code, "")


# The data portal's Subregion is M49's sub-region: the intermediate regions of Africa and the Americas (which
# stats.ctdc.m49 gives where M49 has one) are within Sub-Saharan Africa and Latin America and the Caribbean.
INTERMEDIATE_REGIONS = {
    "Eastern Africa": "Sub-Saharan Africa",
    "Middle Africa": "Sub-Saharan Africa",
    "Southern Africa": "Sub-Saharan Africa",
    "Western Africa": "Sub-Saharan Africa",
    "Caribbean": "Latin America and the Caribbean",
    "Central America": "Latin America and the Caribbean",
    "South America": "Latin America and the Caribbean",
}


def m49_names(code: str) -> tuple[str, str]:
    """The UN M49 region and sub-region of an ISO alpha-2 code ("" when M49 places it nowhere)."""
    subregion = country_subregion(code) or ""
    return country_region(code) or "", INTERMEDIATE_REGIONS.get(subregion, subregion)


def check_year(year: Any) -> int:
    if isinstance(year, bool) or not isinstance(year, int):
        raise ApplicationError("invalid", _("The year must be a whole number, such as 2024."))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise ApplicationError(
            "invalid",
            _("Choose a year from %(first)s to %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR},
        )
    return year


def check_format(format: str) -> str:
    if format not in FORMATS:
        raise ApplicationError(
            "invalid",
            _("Unknown format %(format)s: choose csv or xlsx.") % {"format": format},
        )
    return format


# --- The counts and what a reader knows of them --------------------------------------------------------------------
def _cube(
    counts: dict[Key, int], indicator: str, dimension: str, category: str, values: dict[tuple[str, str], int]
) -> list[disclosure.Relation]:
    """The sex x age cells of one category (every one, zeros included) with their Total sex and Total age, and
    the relations: each age adds up over the sexes, each sex over the ages."""
    sexes, ages = SEXES[1:], AGES[1:]
    for sex in sexes:
        for age in ages:
            counts[(indicator, dimension, category, sex, age)] = values.get((sex, age), 0)
    for sex in sexes:
        counts[(indicator, dimension, category, sex, TOTAL)] = sum(values.get((sex, age), 0) for age in ages)
    for age in ages:
        counts[(indicator, dimension, category, TOTAL, age)] = sum(values.get((sex, age), 0) for sex in sexes)
    counts[(indicator, dimension, category, TOTAL, TOTAL)] = sum(values.values())

    def key(sex: str, age: str) -> Key:
        return (indicator, dimension, category, sex, age)

    return disclosure.grid(
        sexes, ages, key, lambda sex: key(sex, TOTAL), lambda age: key(TOTAL, age), key(TOTAL, TOTAL)
    )


def total_key(indicator: str, sex: str = TOTAL, age: str = TOTAL) -> Key:
    return (indicator, TOTAL, TOTAL, sex, age)


def form_key(category: str, sex: str = TOTAL, age: str = TOTAL) -> Key:
    return (VICTIMS, BY_FORM, category, sex, age)


def citizenship_key(name: str) -> Key:
    return (VICTIMS, BY_CITIZENSHIP, name, TOTAL, TOTAL)


@dataclass
class GlotipCounts:
    """Every figure of the year (`counts`, zeros included) and the relations between them."""

    year: int
    country: str
    counts: dict[Key, int]
    relations: list[disclosure.Relation]
    citizenships: list[str]  # the category names of the citizenship rows, in order


# A victim's age: a child at identification or under 18, 18 or over, or not known (the cube's age groups).
AGE_OF_GROUP = {cube.AGE_CHILD: CHILD, cube.AGE_ADULT: ADULT, cube.AGE_UNKNOWN: UNKNOWN}


def glotip_counts(scope: Scope, *, year: int) -> GlotipCounts:
    """The year's figures, counted in the database (a few grouped queries)."""
    counts: dict[Key, int] = {}
    relations: list[disclosure.Relation] = []
    # The year's counted victims, from the victims cube (stats.facts.cube): by form, sex and age, and by
    # citizenship (two grouped queries over a few thousand rows).
    victims = scope.facts(VictimCount).filter(year=year, case_type__in=TIP_CASE_TYPES)
    by_form: dict[str, dict[tuple[str, str], int]] = defaultdict(lambda: defaultdict(int))
    by_citizenship: dict[str, int] = defaultdict(int)
    grouped = victims.filter(dimension=cube.FORM).values_list("value", "sex", "age_group").annotate(total=Sum("n"))
    for form, sex, group, n in grouped.order_by():
        by_form[FORM_CATEGORY.get(form, UNKNOWN)][(SEX_OF_CODE.get(sex, UNKNOWN), AGE_OF_GROUP[group])] += n
    citizens = victims.filter(dimension=cube.CITIZENSHIP).values_list("value").annotate(total=Sum("n"))
    for code, n in citizens.order_by():
        by_citizenship[country_name(code)] += n
    everyone: dict[tuple[str, str], int] = defaultdict(int)
    for cells in by_form.values():
        for cell, n in cells.items():
            everyone[cell] += n
    relations += _cube(counts, VICTIMS, TOTAL, TOTAL, everyone)
    other: dict[tuple[str, str], int] = defaultdict(int)
    for category in OTHER_PARTS:
        for cell, n in by_form[category].items():
            other[cell] += n
    by_form[OTHER_FORMS] = other
    for category in FORMS:
        relations += _cube(counts, VICTIMS, BY_FORM, category, by_form[category])
    for sex in SEXES:
        for age in AGES:
            relations.append(disclosure.sums(total_key(VICTIMS, sex, age), [form_key(c, sex, age) for c in TOP_FORMS]))
            relations.append(
                disclosure.sums(form_key(OTHER_FORMS, sex, age), [form_key(c, sex, age) for c in OTHER_PARTS])
            )
    # Citizenships: the ones victims have (a country with none has no row). Unknown last.
    citizenships = sorted((name for name in by_citizenship if name != UNKNOWN), key=str.casefold)
    citizenships += [UNKNOWN] if UNKNOWN in by_citizenship else []
    for name in citizenships:
        counts[citizenship_key(name)] = by_citizenship[name]
    relations.append(disclosure.sums(total_key(VICTIMS), [citizenship_key(name) for name in citizenships]))

    for stage, indicator in STAGE_INDICATORS.items():
        relations += _cube(counts, indicator, TOTAL, TOTAL, _persons_at(scope, year, stage))
    offences = scope.facts(OffenceFact).filter(year=year, offence_type=TIP_OFFENCE).count()
    counts[total_key(OFFENCES)] = offences
    return GlotipCounts(year, scope.country, counts, relations, citizenships)


def _persons_at(scope: Scope, year: int, stage: str) -> dict[tuple[str, str], int]:
    """Persons at `stage` in `year` for trafficking in persons: the counted row of each person (one per person,
    stage and year, whatever offence it carries) of the persons with a trafficking row at that stage."""
    rows = scope.facts(JusticeFact).filter(year=year, stage=stage)
    trafficking = rows.filter(offence_type=TIP_OFFENCE).values("person_cluster")
    persons = rows.filter(counted=True, person_cluster__in=trafficking)
    age = Case(When(minor=True, then=Value(CHILD)), When(minor=False, then=Value(ADULT)), default=Value(UNKNOWN))
    values: dict[tuple[str, str], int] = defaultdict(int)
    for sex, group, n in (
        persons.annotate(age_group=age).values_list("sex", "age_group").annotate(n=Count("pk")).order_by()
    ):
        values[(SEX_OF_CODE.get(sex, UNKNOWN), group)] += n
    return values


# --- Protection ------------------------------------------------------------------------------------------------------
@dataclass
class Glotip:
    """The year's figures as they may be published. Each indicator's figures are one linked table (`parts`, by
    indicator): the victims' totals, forms and citizenships together; each stage of the criminal justice process
    and the offences on their own (no relation links them). `coarse`: the victims' forms are published without
    their breakdown by sex and age (see glotip())."""

    counts: GlotipCounts
    parts: dict[str, disclosure.Protected]
    coarse: bool = False

    @property
    def year(self) -> int:
        return self.counts.year

    @property
    def country(self) -> str:
        return self.counts.country

    @property
    def masked(self) -> bool:
        return any(part.masked for part in self.parts.values())

    @property
    def small(self) -> int:
        return sum(len(part.primary) for part in self.parts.values())

    @property
    def withheld(self) -> int:
        return sum(len(part.secondary) for part in self.parts.values())

    def keys(self) -> Iterable[Key]:
        """Every figure published or marked, in the order of the long format."""
        for indicator in INDICATORS:
            if indicator == OFFENCES:
                yield total_key(OFFENCES)
                continue
            for sex in SEXES:
                for age in AGES:
                    yield total_key(indicator, sex, age)
            if indicator == VICTIMS:
                for category in FORMS:
                    if self.coarse:
                        yield form_key(category)
                        continue
                    for sex in SEXES:
                        for age in AGES:
                            yield form_key(category, sex, age)
                for name in self.counts.citizenships:
                    yield citizenship_key(name)

    def _part(self, key: Key) -> disclosure.Protected:
        part = self.parts[key[0]]
        if key not in part.published:
            raise KeyError(key)  # a figure this year does not publish (coarse)
        return part

    def value(self, key: Key) -> int | str | None:
        """What the long format writes: the count, "<5", or None (a complement: the row is left out)."""
        part = self._part(key)
        value = part.value(key)
        if value is not None:
            return value
        mark = part.mark(key)
        return mark if mark == part.small_mark else None

    def status(self, key: Key) -> str:
        """ "" (published), "primary" (written "<5") or "secondary" (withheld, ".." in the tables)."""
        part = self._part(key)
        if part.value(key) is not None:
            return ""
        return "primary" if part.mark(key) == part.small_mark else "secondary"

    def display(self, key: Key) -> str:
        return self._part(key).display(key)


def _protect(
    counts: dict[Key, int], relations: list[disclosure.Relation], indicator: str, keep: Any = None
) -> disclosure.Protected:
    """One indicator's figures through core.disclosure. Its grand total is the headline figure: it is never chosen
    as a complement (a small one is still "<5"). `keep`: which of its figures to publish (default all)."""
    cells = {key: n for key, n in counts.items() if key[0] == indicator and (keep is None or keep(key))}
    linked = [r for r in relations if r.total in cells and all(part in cells for part in r.parts)]
    headline = total_key(indicator)
    public = [headline] if cells[headline] >= disclosure.small_cell() else []
    return disclosure.protect(cells, linked, public=public)


def glotip(scope: Scope, *, year: int) -> Glotip:
    """The year's GLOTIP figures of the scope's country, protected: every count from 1 to 4 marked "<5" and the
    complements chosen so that none can be worked out from everything published (core.disclosure audits it).

    When the "<5" marks of the victims' figures would give a count back whatever is withheld (four "<5" forms of
    one "<5" total: each is 1), core.disclosure masks them (every withheld figure without its mark). Before that,
    the forms are tried without their breakdown by sex and age, where such chains are rarer; the coarser table is
    published if it keeps the marks."""
    counts = glotip_counts(scope, year=check_year(year))
    parts = {indicator: _protect(counts.counts, counts.relations, indicator) for indicator in INDICATORS}
    if parts[VICTIMS].masked:
        coarse = _protect(
            counts.counts,
            counts.relations,
            VICTIMS,
            keep=lambda key: key[1] != BY_FORM or key[3:] == (TOTAL, TOTAL),
        )
        if not coarse.masked:
            parts[VICTIMS] = coarse
            return Glotip(counts, parts, coarse=True)
    return Glotip(counts, parts)


# --- The long format --------------------------------------------------------------------------------------------------
def long_rows(data: Glotip) -> list[dict[str, Any]]:
    """The data portal's rows (COLUMNS), one per published figure; a complement's row is left out."""
    region, subregion = m49_names(data.country)
    rows = []
    for key in data.keys():
        value = data.value(key)
        if value is None:
            continue
        indicator, dimension, category, sex, age = key
        rows.append(
            {
                "Iso3_code": iso3(data.country),
                "Country": country_name(data.country),
                "Region": region,
                "Subregion": subregion,
                "Indicator": indicator,
                "Dimension": dimension,
                "Category": category,
                "Sex": sex,
                "Age": age,
                "Year": data.year,
                "Unit of measurement": UNIT,
                "VALUE": value,
                "Source": SOURCE,
            }
        )
    return rows


def long_csv(rows: list[dict[str, Any]], stream: IO[bytes]) -> None:
    """UTF-8 without a byte order mark, the portal's header, one line per row."""
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="", write_through=True)
    writer = csv.DictWriter(text, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    text.flush()
    text.detach()


# --- The questionnaire's tables (the screen and the workbook) ------------------------------------------------------
def _sex_labels() -> dict[str, str]:
    return {TOTAL: _("Total"), "Female": _("Female"), "Male": _("Male"), "Other": _("Other"), UNKNOWN: _("Unknown")}


def _age_labels() -> dict[str, str]:
    return {TOTAL: _("Total"), CHILD: _("0 to 17 years"), ADULT: _("18 years or over"), UNKNOWN: _("Unknown age")}


def _form_labels() -> dict[str, str]:
    return {
        SEXUAL: _("Sexual exploitation"),
        LABOUR: _("Forced labour"),
        OTHER_FORMS: _("Other forms of exploitation"),
        FORM_CATEGORY[ExploitationForm.MIXED]: _("of which mixed sexual exploitation and forced labour"),
        FORM_CATEGORY[ExploitationForm.CRIMINAL]: _("of which forced criminal activity"),
        FORM_CATEGORY[ExploitationForm.BEGGING]: _("of which begging"),
        FORM_CATEGORY[ExploitationForm.MARRIAGE]: _("of which forced marriage"),
        FORM_CATEGORY[ExploitationForm.ORGANS]: _("of which organ removal"),
        FORM_CATEGORY[ExploitationForm.OTHER]: _("of which other purposes"),
        UNKNOWN: _("Form not known"),
    }


def _sex_age_columns() -> list[tuple[str, str, str]]:
    """The columns of a table by sex and age: (sex, age, label)."""
    sexes, ages = _sex_labels(), _age_labels()
    return [
        (TOTAL, TOTAL, _("Total")),
        *[(sex, TOTAL, sexes[sex]) for sex in SEXES[1:]],
        *[(TOTAL, age, ages[age]) for age in AGES[1:]],
        ("Female", ADULT, _("Women")),
        ("Male", ADULT, _("Men")),
        ("Female", CHILD, _("Girls")),
        ("Male", CHILD, _("Boys")),
    ]


def _cell(data: Glotip, key: Key) -> PublishedCell:
    value = data.value(key)
    return PublishedCell(value if isinstance(value, int) else None, data.display(key), data.status(key))


def glotip_tables(data: Glotip) -> list[PublishedTable]:
    """The questionnaire's tables, every cell a figure of the long format (the same numbers and marks; a
    complement shown ".."): victims by sex and age, by form of exploitation, by citizenship; persons at each stage
    of the criminal justice process; offences."""
    sexes, ages = _sex_labels(), _age_labels()
    columns = _sex_age_columns()
    sex_age = PublishedTable(
        key="victims_sex_age",
        title=_("Detected victims by sex and age"),
        chart="stacked",
        row_header=_("Sex"),
        columns=[Column(age, ages[age]) for age in (*AGES[1:], TOTAL)],
        rows=[
            Row(sex, sexes[sex], [_cell(data, total_key(VICTIMS, sex, age)) for age in (*AGES[1:], TOTAL)])
            for sex in SEXES[1:]
        ],
        totals=Row(TOTAL, _("Total"), [_cell(data, total_key(VICTIMS, TOTAL, age)) for age in (*AGES[1:], TOTAL)]),
    )
    forms = _form_labels()
    form_columns = columns[:1] if data.coarse else columns
    by_form = PublishedTable(
        key="victims_form",
        title=_("Detected victims by form of exploitation"),
        chart="bar",
        row_header=_("Form of exploitation"),
        columns=[Column(f"{sex}|{age}", label) for sex, age, label in form_columns],
        rows=[
            Row(category, forms[category], [_cell(data, form_key(category, sex, age)) for sex, age, _l in form_columns])
            for category in FORMS
        ],
        totals=Row(TOTAL, _("Total"), [_cell(data, total_key(VICTIMS, sex, age)) for sex, age, _l in form_columns]),
        notes=[_("Forms of exploitation by sex and age are not published for this year: too few victims.")]
        if data.coarse
        else [],
    )
    citizenship = PublishedTable(
        key="victims_citizenship",
        title=_("Detected victims by citizenship"),
        chart="bar",
        row_header=_("Citizenship"),
        columns=[Column(TOTAL, _("Victims"))],
        rows=[
            Row(name, name if name != UNKNOWN else _("Not known"), [_cell(data, citizenship_key(name))])
            for name in data.counts.citizenships
        ],
        totals=Row(TOTAL, _("Total"), [_cell(data, total_key(VICTIMS))]),
    )
    stage_labels = {
        FORMAL_CONTACT: _("Brought into formal contact with the police"),
        PROSECUTED: _("Prosecuted"),
        CONVICTED: _("Convicted"),
    }
    persons = PublishedTable(
        key="persons",
        title=_("Persons brought into formal contact, prosecuted and convicted"),
        chart="funnel",
        row_header=_("Stage"),
        columns=[Column(f"{sex}|{age}", label) for sex, age, label in columns],
        rows=[
            Row(
                indicator,
                stage_labels[indicator],
                [_cell(data, total_key(indicator, sex, age)) for sex, age, _l in columns],
            )
            for indicator in STAGE_INDICATORS.values()
        ],
        notes=[_("Adults and minors: 18 years or over, 0 to 17 years.")],
    )
    offences = PublishedTable(
        key="offences",
        title=_("Offences of trafficking in persons recorded"),
        chart="bar",
        row_header=_("Offences"),
        columns=[Column(TOTAL, _("Offences"))],
        rows=[Row(TOTAL, _("Offences of trafficking in persons"), [_cell(data, total_key(OFFENCES))])],
    )
    tables = [sex_age, by_form, citizenship, persons, offences]
    if data.small or data.withheld:
        note = _(
            "“<5”: a count from 1 to 4, withheld. “..”: withheld so that a small count cannot be worked out from the "
            "other figures; the long format leaves these out."
        )
        for table in tables:
            if any(cell.status for row in table.all_rows() for cell in row.cells):
                table.notes.append(note)
    return tables


# --- The files --------------------------------------------------------------------------------------------------------
def glotip_xlsx(data: Glotip, rows: list[dict[str, Any]], stream: IO[bytes]) -> None:
    """The workbook: one sheet per questionnaire table, then the long format (the portal's columns)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=False)
    first = workbook.active
    if first is not None:
        workbook.remove(first)
    for table in glotip_tables(data):
        sheet = workbook.create_sheet(table.key[:31])
        sheet.append([escape_formula(table.title)])
        sheet["A1"].font = Font(bold=True)
        sheet.append([])
        for line in table_lines(table):
            sheet.append([escape_formula(v) if isinstance(v, str) else v for v in line])
        for note in table.notes:
            sheet.append([escape_formula(note)])
        sheet.column_dimensions["A"].width = 40
    sheet = workbook.create_sheet("long_format")
    sheet.append(list(COLUMNS))
    for row in rows:
        sheet.append([escape_formula(v) if isinstance(v, str) else v for v in row.values()])
    workbook.save(stream)


def glotip_export(scope: Scope, *, year: int, format: str = "csv", output: Path) -> Release:
    """Write the year's GLOTIP figures to `output`: the long format (csv) or the workbook of the questionnaire's
    tables and the long format (xlsx); written to a temporary file, then renamed; audited. A year without data
    gives its Total rows as 0."""
    check_format(format)
    data = glotip(scope, year=year)
    rows = long_rows(data)
    if format == "csv":
        write_atomic(Path(output), lambda stream: long_csv(rows, stream))
    else:
        write_atomic(Path(output), lambda stream: glotip_xlsx(data, rows, stream))
    release = Release(
        kind="glotip",
        country=scope.country,
        records=len(rows),
        fields=len(COLUMNS),
        parameters={"year": data.year, "format": format},
        report={
            "small": data.small,
            "withheld": data.withheld,
            "masked": data.masked,
            "forms_by_sex_and_age": not data.coarse,
        },
    )
    audit_release(scope, release)
    return release
