"""The country beside an imported CTDC dataset (/stats/ctdc/): the shares of the country's victims by sex, by age
(minor or adult at identification) and by form of exploitation, next to the same shares in the external dataset
and in its records of victims exploited in this country.

The country's side is published like every table: its counts go through stats.tables (small counts withheld, and
what would give them back), and a share is shown only where its count is (a share of a published total would give
a withheld count back). The external side is a dataset already published by CTDC (k-anonymised): its shares are
shown as they are.

Forms of exploitation follow CTDC's rule for multi-valued groups: the denominator is the victims with a known form.
Both sides use the same four groups: sexual exploitation only, forced labour only, both, and other forms (any other
form, alone or with one of the first two)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db.models import Count
from django.utils.translation import gettext as _

from tipsom.stats.exports import Scope
from tipsom.stats.models import ExploitationForm, ExternalDataset, ExternalRecord, VictimFact
from tipsom.stats.tables import Column, PublishedCell, PublishedTable, RawTable, Row, publish

FORM_GROUP_OF_FACT: dict[str, str] = {
    ExploitationForm.SEXUAL: "sexual",
    ExploitationForm.LABOUR: "labour",
    ExploitationForm.MIXED: "both",
}
NATIONAL, EXTERNAL, EXTERNAL_HERE = "national", "external", "external_here"


@dataclass
class Comparison:
    dataset: ExternalDataset
    tables: list[PublishedTable]
    national_total: PublishedCell
    external_records: int
    external_here_records: int


def _external_group(types: Iterable[str]) -> str | None:
    names = set(types) - {"SexAndLabour"}
    if not names:
        return None
    sexual, labour = "SexualExploit" in names, "ForcedLabour" in names
    if names - {"SexualExploit", "ForcedLabour"}:
        return "other"
    return "both" if sexual and labour else "sexual" if sexual else "labour"


def _external_counts(dataset: ExternalDataset, country: str | None) -> dict[str, Counter[str]]:
    records = ExternalRecord.objects.filter(dataset=dataset)
    if country:
        records = records.filter(exploitation_country=country)
    counts: dict[str, Counter[str]] = {"sex": Counter(), "age": Counter(), "form": Counter()}
    for gender, n in records.values_list("gender").annotate(n=Count("pk")).values_list("gender", "n"):
        counts["sex"][{"Female": "F", "Male": "M"}.get(gender, "O" if gender.startswith("Trans") else "U")] += n
    for majority, n in records.values_list("majority").annotate(n=Count("pk")).values_list("majority", "n"):
        counts["age"][{"Minor": "minor", "Adult": "adult"}.get(majority, "unknown")] += n
    for types, n in (
        records.values_list("exploitation_types").annotate(n=Count("pk")).values_list("exploitation_types", "n")
    ):
        group = _external_group(types or [])
        counts["form"][group or "unknown"] += n
    return counts


def _national_counts(scope: Scope) -> dict[str, Counter[str]]:
    facts = scope.facts(VictimFact, "view").filter(counted=True)
    counts: dict[str, Counter[str]] = {"sex": Counter(), "age": Counter(), "form": Counter()}
    for sex, n in facts.values_list("sex").annotate(n=Count("pk")).values_list("sex", "n"):
        counts["sex"][sex] += n
    for child, n in facts.values_list("is_child").annotate(n=Count("pk")).values_list("is_child", "n"):
        counts["age"]["minor" if child else "adult"] += n
    for form, n in facts.values_list("exploitation_form").annotate(n=Count("pk")).values_list("exploitation_form", "n"):
        counts["form"]["unknown" if form == ExploitationForm.UNKNOWN else FORM_GROUP_OF_FACT.get(form, "other")] += n
    return counts


def _share(part: int | None, whole: int | None) -> PublishedCell:
    if part is None:
        return PublishedCell(None, "..", "secondary")  # withheld with its count
    if not whole:
        return PublishedCell(None, "–", "")  # no record to take a share of (not a withheld figure)
    percent = 100 * part / whole
    # The value is the whole percentage (charts and files); the display keeps one decimal.
    return PublishedCell(round(percent), f"{percent:.1f} %")


def _table(
    key: str,
    title: str,
    header: str,
    categories: Sequence[tuple[str, str]],
    national: Counter[str],
    external: Counter[str],
    here: Counter[str],
    known_only: bool,
) -> PublishedTable:
    """One comparison table: the country's published counts, then the three shares."""
    raw = RawTable(
        key=f"{key}-counts",
        title=title,
        chart="bar",
        row_header=header,
        columns=[Column("victims", _("Victims"))],
        rows=list(categories),
        counts={(code, "victims"): national.get(code, 0) for code, _label in categories},
        column_totals=True,
    )
    counted = publish(raw)
    total = counted.totals.cells[0] if counted.totals is not None else PublishedCell(0, "0")
    external_total = sum(external.get(code, 0) for code, _label in categories)
    here_total = sum(here.get(code, 0) for code, _label in categories)
    rows = []
    for row in counted.rows:
        count = row.cells[0]
        rows.append(
            Row(
                row.key,
                row.label,
                [
                    count,
                    _share(count.value, total.value),
                    _share(external.get(row.key, 0), external_total),
                    _share(here.get(row.key, 0), here_total),
                ],
            )
        )
    return PublishedTable(
        key=key,
        title=title,
        chart="bar",
        row_header=header,
        columns=[
            Column("victims", _("Victims in this country")),
            Column(NATIONAL, _("Share in this country (%)")),
            Column(EXTERNAL, _("Share in the CTDC data (%)")),
            Column(EXTERNAL_HERE, _("Share in the CTDC data, exploited in this country (%)")),
        ],
        rows=rows,
        totals=Row(
            "total",
            _("Total"),
            [
                total,
                _share(total.value, total.value),
                _share(external_total, external_total),
                _share(here_total, here_total),
            ],
        ),
        notes=[
            _("Shares of the victims with a known form of exploitation (CTDC's rule).")
            if known_only
            else _("Shares of all victims."),
            _("A share is withheld where its count is."),
        ],
    )


def ctdc_comparison_tables(scope: Scope, dataset: ExternalDataset) -> Comparison:
    national = _national_counts(scope)
    external = _external_counts(dataset, None)
    here = _external_counts(dataset, scope.country)
    sexes = [("F", _("Female")), ("M", _("Male")), ("O", _("Other")), ("U", _("Unknown"))]
    ages = [("minor", _("0 to 17 years")), ("adult", _("18 years or over"))]
    forms = [
        ("sexual", _("Sexual exploitation")),
        ("labour", _("Forced labour")),
        ("both", _("Sexual exploitation and forced labour")),
        ("other", _("Other forms of exploitation")),
    ]
    tables = [
        _table("ctdc-sex", _("Victims by sex"), _("Sex"), sexes, national["sex"], external["sex"], here["sex"], False),
        _table(
            "ctdc-age",
            _("Victims by age at identification"),
            _("Age"),
            ages,
            national["age"],
            external["age"],
            here["age"],
            False,
        ),
        _table(
            "ctdc-form",
            _("Victims by form of exploitation"),
            _("Form of exploitation"),
            forms,
            national["form"],
            external["form"],
            here["form"],
            True,
        ),
    ]
    total = tables[0].totals.cells[0] if tables[0].totals is not None else PublishedCell(0, "0")
    return Comparison(
        dataset=dataset,
        tables=tables,
        national_total=total,
        external_records=sum(external["sex"].values()),
        external_here_records=sum(here["sex"].values()),
    )
