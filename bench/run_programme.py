"""The programme benchmark (issue 16): the results framework of a country for a year, the impact view of a group of
trainings and the donor report, each beside its floor (the raw aggregate SQL that computes the same figures, run in
the same process on the same database in the same run).

    python bench/run_programme.py measure --fixture /tmp/bench_programme/postgresql/fixture.json \
        --out /tmp/bench_programme/postgresql/run.json
    python bench/run_programme.py report /tmp/bench_programme/postgresql/run.json \
        /tmp/bench_programme/sqlite/run.json --json bench/results/programme.json --md bench/results/programme.md

Everything runs in this process, on the database of TIPSOM_DATABASE_URL (made by bench/generate_programme.py).
Numbers, not pass/fail: each measurement carries its target and the load average around it.

1. Framework: `programme.selectors.results.framework_table` of Colombia for YEAR as the M&E officer (national) and
   as the programme manager (global), warm, RUNS times. Floor: the GROUP BY queries of the same figures written by
   hand (participants of the year's learning activities by sector, sex and region; aggregate counts of those
   without a roster; activities by type and pillar; campaign reach; victims and child victims identified by
   organization type, sex and region; referrals, justice and helpline facts), through the plain driver; the
   framework's numerators are compared with the floor's.
2. Impact: `programme.selectors.impact.impact_analysis` of the generator's group of ten trainings (family
   defenders in ten Colombian regions, staggered over 20 months), 12 months before and after, unit region,
   organization and user. Floor: the month-by-unit GROUP BY over the victim facts of the window and the query of
   the units any learning activity reached (the comparison's exclusion). Quality: the estimate and its 95 %
   interval against the effect planted by the generator (the extra identifications drawn in the trained offices
   after their training, per unit and month: region and organization), and whether the interval covers it; the
   pre-trend (placebo) with its interval.
3. Donor report: `programme.reports.data.donor_report` for Colombia and YEAR, then its XLSX
   (`reports.xlsx.report_xlsx_bytes`) and PDF (`reports.pdf.report_pdf_bytes`), REPORT_RUNS times. Floor: the
   framework's floor plus the period's activities by pillar and type and their participants by sex and sector (one
   GROUP BY over the rosters), and the grants. The report's activity and participant totals are compared with it.
4. HTTP (in process, Django's test client, a signed-in session with a verified second factor, one client):
   the framework page GET /programme/results/?country=CO&year=YEAR, and the impact and report pages where their
   URLs answer; p50 and requests per second.
"""

# ruff: noqa: S608  (the SQL is the bench's own text: table names and constants, no input)
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipsom.settings")

from run_stats import commit, signed_in_client, timed  # noqa: E402  (bench/run_stats.py: timing, the signed-in client)

RUNS = 5
REPORT_RUNS = 3
FLOOR_RUNS = 5
HTTP_RUNS = 5
COUNTRY = "CO"
YEAR = 2024
MONTHS = 12
LEARNING = ("training", "workshop", "study_visit")
TARGETS = {"framework_ms": 2000.0, "impact_ms": 2000.0, "report_ms": 30000.0}


# --- The raw driver ------------------------------------------------------------------------------------------------
class Raw:
    """The plain DB-API connection under Django's (psycopg or sqlite3): SQL written with %s placeholders."""

    def __init__(self) -> None:
        from django.db import connection

        connection.ensure_connection()
        self.vendor = connection.vendor
        self.connection = connection.connection

    def __call__(self, sql: str, params: list[Any] | tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if self.vendor == "sqlite":
            sql = sql.replace("%s", "?")
            params = [p.isoformat() if isinstance(p, dt.date) else p for p in params]
        cursor = self.connection.cursor()
        try:
            cursor.execute(sql, params)
            return list(cursor.fetchall())
        finally:
            cursor.close()

    def month(self, column: str) -> str:
        return f"to_char({column}, 'YYYY-MM')" if self.vendor == "postgresql" else f"strftime('%%Y-%%m', {column})"

    def jsonb(self, column: str) -> str:
        return column


def learning_list() -> str:
    return ", ".join(f"'{kind}'" for kind in LEARNING)


# --- 1. The results framework ---------------------------------------------------------------------------------------
def framework_floor(raw: Raw, country: str, start: dt.date, end: dt.date) -> dict[str, int]:
    """The framework's computed figures by hand, one GROUP BY each (the breakdowns come back grouped)."""
    out: dict[str, int] = {}
    rows = raw(
        "SELECT p.sector, p.sex, p.region, COUNT(*) FROM programme_participant p WHERE p.id IN ("
        " SELECT a.participant_id FROM programme_attendance a JOIN programme_activity ac ON ac.id = a.activity_id"
        f" WHERE ac.country = %s AND ac.kind IN ({learning_list()}) AND ac.start_date BETWEEN %s AND %s)"
        " GROUP BY p.sector, p.sex, p.region",
        [country, start, end],
    )
    roster = sum(int(r[3]) for r in rows)
    rows = raw(
        "SELECT ac.participants_by_sector, ac.regions, COUNT(*), SUM(ac.participants_total),"
        " SUM(ac.participants_women), SUM(ac.participants_men) FROM programme_activity ac"
        f" WHERE ac.country = %s AND ac.kind IN ({learning_list()}) AND ac.start_date BETWEEN %s AND %s"
        " AND NOT EXISTS (SELECT 1 FROM programme_attendance a WHERE a.activity_id = ac.id)"
        " GROUP BY ac.participants_by_sector, ac.regions"
        if raw.vendor == "sqlite"
        else "SELECT ac.participants_by_sector::text, ac.regions::text, COUNT(*), SUM(ac.participants_total),"
        " SUM(ac.participants_women), SUM(ac.participants_men) FROM programme_activity ac"
        f" WHERE ac.country = %s AND ac.kind IN ({learning_list()}) AND ac.start_date BETWEEN %s AND %s"
        " AND NOT EXISTS (SELECT 1 FROM programme_attendance a WHERE a.activity_id = ac.id)"
        " GROUP BY ac.participants_by_sector::text, ac.regions::text",
        [country, start, end],
    )
    out["practitioners_trained"] = roster + sum(int(r[3] or 0) for r in rows)
    rows = raw(
        "SELECT kind, pillar, COUNT(*) FROM programme_activity WHERE country = %s AND start_date BETWEEN %s AND %s"
        " GROUP BY kind, pillar",
        [country, start, end],
    )
    out["activities_held"] = sum(int(r[2]) for r in rows)
    rows = raw(
        "SELECT SUM(people_reached) FROM programme_activity WHERE country = %s AND kind = 'campaign'"
        " AND start_date BETWEEN %s AND %s",
        [country, start, end],
    )
    out["campaign_reach"] = int(rows[0][0] or 0)
    for key, extra in (("victims_identified", ""), ("child_victims_identified", " AND is_child")):
        rows = raw(
            "SELECT organization_type, sex, region, COUNT(*) FROM stats_victimfact WHERE country = %s AND counted"
            f" AND identified_on BETWEEN %s AND %s{extra} GROUP BY organization_type, sex, region",
            [country, start, end],
        )
        out[key] = sum(int(r[3]) for r in rows)
    rows = raw(
        "SELECT COUNT(*), SUM(CASE WHEN overdue THEN 0 ELSE 1 END) FROM stats_referralfact WHERE country = %s"
        " AND answered AND year BETWEEN %s AND %s",
        [country, start.year, end.year],
    )
    out["referrals_within_time"] = int(rows[0][1] or 0)
    for key, stage in (("persons_prosecuted", "prosecuted"), ("persons_convicted", "convicted")):
        rows = raw(
            "SELECT COUNT(DISTINCT person_cluster) FROM stats_justicefact WHERE country = %s AND counted"
            " AND stage = %s AND year BETWEEN %s AND %s",
            [country, stage, start.year, end.year],
        )
        out[key] = int(rows[0][0] or 0)
    rows = raw(
        "SELECT channel, region, COUNT(*) FROM stats_contactfact WHERE country = %s AND year * 100 + month"
        " BETWEEN %s AND %s GROUP BY channel, region",
        [country, start.year * 100 + start.month, end.year * 100 + end.month],
    )
    out["helpline_contacts"] = sum(int(r[2]) for r in rows)
    return out


def framework_numerators(table: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for row in table.rows:
        for item in row.indicators:
            key = item.indicator.source_key
            if key and item.computed:
                out[key] = int(item.numerator) if item.numerator is not None else None
    return out


def measure_framework(raw: Raw, users: dict[str, Any]) -> dict[str, Any]:
    from tipsom.programme.selectors.results import framework_table

    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    out: dict[str, Any] = {"country": COUNTRY, "period": [start.isoformat(), end.isoformat()]}
    floor, figures = timed(lambda: framework_floor(raw, COUNTRY, start, end), FLOOR_RUNS)
    out["floor"] = floor
    out["floor_figures"] = figures
    for label in ("me_officer", "programme_manager"):
        user = users[label]
        stats, table = timed(
            lambda user=user: framework_table(user=user, country=COUNTRY, period_start=start, period_end=end), RUNS
        )
        numerators = framework_numerators(table)
        stats["indicators"] = sum(len(r.indicators) for r in table.rows)
        stats["numerators"] = numerators
        stats["equal_to_floor"] = {k: numerators.get(k) == v for k, v in figures.items() if k in numerators}
        stats["ratio_to_floor"] = round(stats["p50_ms"] / floor["p50_ms"], 2) if floor["p50_ms"] else None
        out[label] = stats
        print(
            f"  framework as {label}: {stats['p50_ms']} ms (floor {floor['p50_ms']} ms, x{stats['ratio_to_floor']}),"
            f" equal {stats['equal_to_floor']}",
            flush=True,
        )
    return out


# --- 2. The impact view ----------------------------------------------------------------------------------------------
def impact_floor(raw: Raw, unit: str, country: str, first: dt.date, last: dt.date) -> dict[Any, dict[str, int]]:
    """Identifications per unit and month over the window, and the units any learning activity of the country
    reached by its end (never a comparison unit)."""
    column = {"region": "region", "organization": "organization_id", "user": "identified_by"}[unit]
    rows = raw(
        f"SELECT {column}, {raw.month('identified_on')}, COUNT(*) FROM stats_victimfact WHERE country = %s"
        f" AND identified_on BETWEEN %s AND %s GROUP BY {column}, {raw.month('identified_on')}",
        [country, first, last],
    )
    panel: dict[Any, dict[str, int]] = defaultdict(dict)
    for key, month, n in rows:
        panel[key][month] = int(n)
    learning = f"ac.country = %s AND ac.kind IN ({learning_list()}) AND ac.start_date <= %s"
    if unit == "region":
        trained = {r for (regions,) in raw(f"SELECT DISTINCT ac.regions FROM programme_activity ac WHERE {learning}",
                                           [country, last])
                   for r in (json.loads(regions) if isinstance(regions, str) else regions or [])}  # fmt: skip
    else:
        field = "organization_id" if unit == "organization" else "user_id"
        trained = {
            r[0]
            for r in raw(
                f"SELECT DISTINCT p.{field} FROM programme_attendance a JOIN programme_activity ac"
                f" ON ac.id = a.activity_id JOIN programme_participant p ON p.id = a.participant_id WHERE {learning}",
                [country, last],
            )
        }
        if unit == "organization":
            trained |= {
                r[0]
                for r in raw(
                    "SELECT DISTINCT t.organization_id FROM programme_activity_implementing_organizations t"
                    f" JOIN programme_activity ac ON ac.id = t.activity_id WHERE {learning}",
                    [country, last],
                )
            }
    panel["_trained"] = {str(k): 1 for k in trained if k is not None}
    return panel


def planted(fixture: dict[str, Any], unit: str, months_after: int) -> dict[str, Any]:
    """The effect the generator planted, in the estimator's terms (extra identifications per treated unit per month
    over the months after its training month), from the extra facts it drew (realized) and from their rate
    (expected). Region and organization: the trained office is the only one that changed in its region. User: a
    tenth of the office's (its ten staff identify alike; about nine in ten are on the roster): approximate."""
    from generate_programme import STAFF_PER_ORGANIZATION, season_factor

    # A user: the office's extra identifications fall evenly on its staff (most of whom are on the roster).
    share = 1 / STAFF_PER_ORGANIZATION if unit == "user" else 1

    group = fixture["group"]
    first_year, first_month = (int(x) for x in group["first_month"].split("-"))
    realized, expected = [], []
    for start, organization in zip(group["starts"], group["organizations"], strict=True):
        day = dt.date.fromisoformat(start)
        cohort = (day.year - first_year) * 12 + day.month - first_month
        extra = group["extra_by_organization_month"][str(organization)]
        after = extra[cohort + 1 : cohort + 1 + months_after]
        realized.append(sum(after) / len(after))
        rate = group["rate_by_organization"][str(organization)] * (group["effect"] - 1)
        months = range(cohort + 1, cohort + 1 + months_after)
        expected.append(sum(rate * season_factor(m) for m in months) / months_after)
    return {
        "realized_per_unit_month": round(share * sum(realized) / len(realized), 4),
        "expected_per_unit_month": round(share * sum(expected) / len(expected), 4),
        "relative_effect": group["effect"],
        "approximate": unit == "user",
    }


def measure_impact(raw: Raw, fixture: dict[str, Any], users: dict[str, Any]) -> list[dict[str, Any]]:
    from tipsom.programme.selectors.impact import impact_analysis

    out = []
    ids = fixture["group"]["activities"]
    user = users["me_officer"]
    for unit in ("region", "organization", "user"):

        def run(unit: str = unit) -> Any:
            return impact_analysis(user=user, activity_ids=ids, months_before=MONTHS, months_after=MONTHS, unit=unit)

        try:
            stats, result = timed(run, RUNS)
        except Exception as error:  # noqa: BLE001 (reported, not raised: the other measurements go on)
            out.append({"unit": unit, "error": f"{type(error).__name__}: {error}"})
            print(f"  impact {unit}: {out[-1]['error']}", flush=True)
            continue
        first, last = result.months[0], result.months[-1]
        last = dt.date(last.year + last.month // 12, last.month % 12 + 1, 1) - dt.timedelta(days=1)
        floor, panel = timed(
            lambda unit=unit, first=first, last=last: impact_floor(raw, unit, COUNTRY, first, last), FLOOR_RUNS
        )
        truth = planted(fixture, unit, MONTHS)
        floor_treated_total = None
        if unit == "region":
            floor_treated_total = sum(sum(panel.get(r, {}).values()) for r in fixture["group"]["regions"])
        elif unit == "organization":
            floor_treated_total = sum(sum(panel.get(o, {}).values()) for o in fixture["group"]["organizations"])
        trained_floor = len(panel.get("_trained", {}))
        entry: dict[str, Any] = {
            "unit": unit,
            **stats,
            "floor": floor,
            "ratio_to_floor": round(stats["p50_ms"] / floor["p50_ms"], 2) if floor["p50_ms"] else None,
            "window": [first.isoformat(), last.isoformat()],
            "treated_units": len(result.treated),
            "cohort_sizes": [
                len(c["units"]) if isinstance(c.get("units"), list | tuple | set) else c.get("units")
                for c in result.cohorts
            ],
            "comparison_units": len(result.comparison),
            "units_trained_by_end_floor": trained_floor,
            "counts": result.counts,
            "treated_total_equal_to_floor": (
                result.counts["treated"]["total"] == floor_treated_total
                if floor_treated_total is not None and result.counts["treated"]["total"] is not None
                else None
            ),
            "estimate": result.estimate,
            "ci": [result.ci_low, result.ci_high],
            "pre_trend": result.pre_trend,
            "pre_trend_ci": list(result.pre_trend_ci) if result.pre_trend_ci else None,
            "pre_trend_flag": getattr(result, "pre_trend_flag", None),
            "withheld": result.withheld,
            "planted": truth,
        }
        if truth and result.ci_low is not None and result.ci_high is not None:
            entry["ci_covers_planted_realized"] = result.ci_low <= truth["realized_per_unit_month"] <= result.ci_high
            entry["ci_covers_planted_expected"] = result.ci_low <= truth["expected_per_unit_month"] <= result.ci_high
            entry["ci_excludes_zero"] = not (result.ci_low <= 0 <= result.ci_high)
        out.append(entry)
        print(
            f"  impact {unit}: {stats['p50_ms']} ms (floor {floor['p50_ms']} ms, x{entry['ratio_to_floor']}), "
            f"{entry['treated_units']} treated / {entry['comparison_units']} comparison, estimate "
            f"{result.estimate} [{result.ci_low}, {result.ci_high}], planted {truth}",
            flush=True,
        )
    return out


# --- 3. The donor report --------------------------------------------------------------------------------------------
def report_floor(raw: Raw, country: str, start: dt.date, end: dt.date) -> dict[str, int]:
    figures = framework_floor(raw, country, start, end)
    rows = raw(
        "SELECT pillar, kind, COUNT(*), SUM(COALESCE(participants_total, 0)) FROM programme_activity"
        " WHERE country = %s AND start_date BETWEEN %s AND %s GROUP BY pillar, kind",
        [country, start, end],
    )
    figures["activities"] = sum(int(r[2]) for r in rows)
    aggregate = sum(int(r[3]) for r in rows)
    rows = raw(
        "SELECT a.activity_id, p.sex, p.sector, COUNT(*) FROM programme_attendance a"
        " JOIN programme_activity ac ON ac.id = a.activity_id JOIN programme_participant p ON p.id = a.participant_id"
        " WHERE ac.country = %s AND ac.start_date BETWEEN %s AND %s GROUP BY a.activity_id, p.sex, p.sector",
        [country, start, end],
    )
    on_rosters = {r[0] for r in rows}
    roster_total = sum(int(r[3]) for r in rows)
    # An activity with a roster is counted from it, not from its aggregate figures (it has none here).
    rows = raw(
        "SELECT id, COALESCE(participants_total, 0) FROM programme_activity WHERE country = %s"
        " AND start_date BETWEEN %s AND %s AND participants_total IS NOT NULL",
        [country, start, end],
    )
    aggregate = sum(int(n) for pk, n in rows if pk not in on_rosters)
    figures["participants"] = roster_total + aggregate
    rows = raw(
        "SELECT COUNT(*), SUM(amount) FROM programme_grant WHERE country = %s AND start_date <= %s AND end_date >= %s",
        [country, end, start],
    )
    figures["grants"] = int(rows[0][0] or 0)
    return figures


def measure_report(raw: Raw, users: dict[str, Any]) -> dict[str, Any]:
    from tipsom.programme.reports.data import donor_report, report_parameters
    from tipsom.programme.reports.pdf import report_pdf_bytes
    from tipsom.programme.reports.xlsx import report_xlsx_bytes

    start, end = dt.date(YEAR, 1, 1), dt.date(YEAR, 12, 31)
    user = users["me_officer"]
    parameters = report_parameters(country=COUNTRY, start=start, end=end)
    out: dict[str, Any] = {"country": COUNTRY, "period": [start.isoformat(), end.isoformat()]}
    floor, figures = timed(lambda: report_floor(raw, COUNTRY, start, end), FLOOR_RUNS)
    out["floor"], out["floor_figures"] = floor, figures
    data, report = timed(lambda: donor_report(user=user, parameters=parameters), REPORT_RUNS)
    xlsx, xlsx_bytes = timed(lambda: report_xlsx_bytes(report), REPORT_RUNS)
    pdf, pdf_bytes = timed(lambda: report_pdf_bytes(report), REPORT_RUNS)

    def both() -> tuple[bytes, bytes]:
        made = donor_report(user=user, parameters=parameters)
        return report_xlsx_bytes(made), report_pdf_bytes(made)

    total, _files = timed(both, REPORT_RUNS)
    sections = {section.key: section for section in report.sections}
    activities = sections.get("activities")
    totals = list(activities.total) if activities is not None and activities.total else []
    out.update(
        data=data,
        xlsx={**xlsx, "bytes": len(xlsx_bytes)},
        pdf={**pdf, "bytes": len(pdf_bytes)},
        total=total,
        ratio_to_floor=round(total["p50_ms"] / floor["p50_ms"], 2) if floor["p50_ms"] else None,
        data_ratio_to_floor=round(data["p50_ms"] / floor["p50_ms"], 2) if floor["p50_ms"] else None,
        sections=[section.key for section in report.sections],
        activities_total=totals[2] if len(totals) > 2 else None,
        participants_total=totals[3] if len(totals) > 3 else None,
    )
    out["equal_to_floor"] = {
        "activities": out["activities_total"] == figures["activities"],
        "participants": out["participants_total"] == figures["participants"],
    }
    print(
        f"  report: data {data['p50_ms']} ms, xlsx {xlsx['p50_ms']} ms ({len(xlsx_bytes):,} B), pdf {pdf['p50_ms']} ms "
        f"({len(pdf_bytes):,} B), both {total['p50_ms']} ms; floor {floor['p50_ms']} ms; equal {out['equal_to_floor']}",
        flush=True,
    )
    return out


# --- 4. HTTP --------------------------------------------------------------------------------------------------------
def http_paths(fixture: dict[str, Any]) -> list[tuple[str, str]]:
    from django.urls import NoReverseMatch, reverse

    ids = "&".join(f"activities={pk}" for pk in fixture["group"]["activities"])
    paths = [("framework page", f"/programme/results/?country={COUNTRY}&year={YEAR}")]
    period = f"?country={COUNTRY}&start={YEAR}-01-01&end={YEAR}-12-31"
    for name, label, query in (
        ("programme:impact", "impact page (unit region)", f"?{ids}&before={MONTHS}&after={MONTHS}&unit=region"),
        ("programme:report", "donor report page", period),
        ("programme:report_xlsx", "donor report XLSX download", period),
        ("programme:report_pdf", "donor report PDF download", period),
    ):
        try:
            paths.append((label, reverse(name) + query))
        except NoReverseMatch:
            continue
    return paths


def measure_http(fixture: dict[str, Any], users: dict[str, Any]) -> dict[str, Any]:
    client = signed_in_client(users["me_officer"])
    out: dict[str, Any] = {}
    for label, path in http_paths(fixture):
        response = client.get(path)
        if response.status_code != 200:
            out[label] = {"path": path, "status": response.status_code}
            print(f"  GET {path}: {response.status_code}", flush=True)
            continue
        size = len(response.content) if not response.streaming else None
        computed = None
        if "impact" in label and response.context is not None:
            computed = response.context.get("result") is not None  # the estimate, not only the form
        stats, _ = timed(lambda path=path: client.get(path), REPORT_RUNS if "report" in label else HTTP_RUNS)
        stats["computed"] = computed
        stats["req_per_s"] = round(1000 / stats["p50_ms"], 2)
        out[label] = {"path": path, "bytes": size, **stats}
        print(f"  GET {path}: {stats['p50_ms']} ms ({stats['req_per_s']} req/s, one client)", flush=True)
    return out


# --- measure --------------------------------------------------------------------------------------------------------
def measure(fixture_path: Path, out_path: Path, parts: set[str]) -> None:
    import django

    django.setup()
    from django.db import connection

    from tipsom.accounts.models import User

    fixture = json.loads(fixture_path.read_text())
    previous = json.loads(out_path.read_text()) if out_path.exists() else {}
    users = {label: User.objects.get(pk=spec["id"]) for label, spec in fixture["users"].items()}
    raw = Raw()
    result: dict[str, Any] = {
        **previous,
        "backend": connection.vendor,
        "scale": fixture["scale"],
        "rows": fixture["rows"],
        "generated_in_s": fixture["seconds"],
        "started": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": commit(),
        "load_average_start": list(os.getloadavg()),
    }

    def save() -> None:
        tmp = out_path.with_suffix(".tmp")
        tmp.write_text(json.dumps(result, indent=2, default=str))
        tmp.rename(out_path)

    if "framework" in parts:
        print("== framework", flush=True)
        result["framework"] = measure_framework(raw, users)
        save()
    if "impact" in parts:
        print("== impact", flush=True)
        result["impact"] = measure_impact(raw, fixture, users)
        save()
    if "report" in parts:
        print("== report", flush=True)
        try:
            result["report"] = measure_report(raw, users)
        except Exception as error:  # noqa: BLE001 (reported: the part may not have landed yet)
            result["report"] = {"error": f"{type(error).__name__}: {error}"}
            print(f"  report: {result['report']['error']}", flush=True)
        save()
    if "http" in parts:
        print("== http", flush=True)
        result["http"] = measure_http(fixture, users)
        save()
    result["finished"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    result["load_average_end"] = list(os.getloadavg())
    save()
    print(f"-> {out_path}", flush=True)


# --- report ---------------------------------------------------------------------------------------------------------
def entries(run: dict[str, Any]) -> list[dict[str, Any]]:
    backend, scale = run["backend"], run["scale"]
    out: list[dict[str, Any]] = []

    def add(name: str, metric: str, value: Any, unit: str, target: float | None, **extra: Any) -> None:
        out.append(
            {"name": name, "backend": backend, "scale": scale, "metric": metric, "value": value, "unit": unit,
             "target": target, "run_started": run.get("started"), "commit": run.get("commit"), **extra}
        )  # fmt: skip

    framework = run.get("framework", {})
    for label in ("me_officer", "programme_manager"):
        if label in framework:
            f = framework[label]
            add(
                f"results framework, {COUNTRY} {YEAR}, as {label.replace('_', ' ')}", "p50_ms", f["p50_ms"], "ms",
                TARGETS["framework_ms"], p95_ms=f["p95_ms"], floor_ms=framework["floor"]["p50_ms"],
                ratio=f["ratio_to_floor"], equal_to_floor=all(f["equal_to_floor"].values()),
                load_average=f["load_average"],
            )  # fmt: skip
    if framework:
        add(
            f"results framework floor (raw GROUP BY queries), {COUNTRY} {YEAR}", "p50_ms",
            framework["floor"]["p50_ms"], "ms", None, load_average=framework["floor"]["load_average"],
        )  # fmt: skip
    for i in run.get("impact", []):
        if "error" in i:
            add(f"impact view, unit {i['unit']}", "error", i["error"], "", TARGETS["impact_ms"])
            continue
        add(
            f"impact view, 10 trainings, unit {i['unit']}", "p50_ms", i["p50_ms"], "ms", TARGETS["impact_ms"],
            p95_ms=i["p95_ms"], floor_ms=i["floor"]["p50_ms"], ratio=i["ratio_to_floor"],
            treated=i["treated_units"], comparison=i["comparison_units"], estimate=i["estimate"], ci=i["ci"],
            planted=i["planted"], ci_covers_planted=i.get("ci_covers_planted_realized"),
            pre_trend=i["pre_trend"], pre_trend_ci=i["pre_trend_ci"],
            equal_to_floor=i["treated_total_equal_to_floor"], load_average=i["load_average"],
        )  # fmt: skip
    report = run.get("report", {})
    if "error" in report:
        add("donor report", "error", report["error"], "", TARGETS["report_ms"])
    elif report:
        add(
            f"donor report, {COUNTRY} {YEAR}: data + XLSX + PDF", "p50_ms", report["total"]["p50_ms"], "ms",
            TARGETS["report_ms"], floor_ms=report["floor"]["p50_ms"], ratio=report["ratio_to_floor"],
            data_ms=report["data"]["p50_ms"], xlsx_ms=report["xlsx"]["p50_ms"], pdf_ms=report["pdf"]["p50_ms"],
            xlsx_bytes=report["xlsx"]["bytes"], pdf_bytes=report["pdf"]["bytes"],
            equal_to_floor=all(report["equal_to_floor"].values()), load_average=report["total"]["load_average"],
        )  # fmt: skip
    for label, h in run.get("http", {}).items():
        if "p50_ms" in h:
            add(f"GET {label} (in process, 1 client)", "p50_ms", h["p50_ms"], "ms", None, path=h["path"],
                req_per_s=h["req_per_s"], load_average=h["load_average"])  # fmt: skip
        else:
            add(f"GET {label}", "status", h.get("status"), "", None, path=h["path"])
    return out


def report(runs: list[Path], json_out: Path, md_out: Path) -> None:
    loaded = [json.loads(p.read_text()) for p in runs if p.exists()]
    results = [e for run in loaded for e in entries(run)]
    json_out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    lines = ["# Programme benchmark (issue 16)", ""]
    for run in loaded:
        rows = run.get("rows", {})
        lines += [
            f"## {run['backend']}, scale {run['scale']} ({run.get('started', '')}, code at {run.get('commit', '?')})",
            "",
            f"Data: {rows.get('activities', 0):,} activities, {rows.get('attendances', 0):,} attendances of "
            f"{rows.get('participants', 0):,} participants ({rows.get('participants_linked_to_users', 0):,} linked to "
            f"a user), {rows.get('victim_facts', 0):,} victim facts; generated in {run.get('generated_in_s')} s. "
            f"Load average (1, 5, 15 min) at the start {_loads(run.get('load_average_start'))}, at the end "
            f"{_loads(run.get('load_average_end'))}.",
            "",
            "| measurement | p50 | target | floor p50 | ratio | same figures as the floor | load |",
            "|---|---|---|---|---|---|---|",
        ]
        for e in entries(run):
            if e["metric"] != "p50_ms":
                lines.append(f"| {e['name']} | {e['metric']}: {e['value']} | {e['target'] or ''} | | | | |")
                continue
            lines.append(
                f"| {e['name']} | {e['value']} ms | {e['target'] or ''} | {e.get('floor_ms', '')} | "
                f"{e.get('ratio', '')} | {e.get('equal_to_floor', '')} | {e.get('load_average', '')} |"
            )
        report_part = run.get("report", {})
        if "data" in report_part:
            lines += [
                "",
                f"Donor report: data {report_part['data']['p50_ms']} ms, XLSX {report_part['xlsx']['p50_ms']} ms "
                f"({report_part['xlsx']['bytes']:,} bytes), PDF {report_part['pdf']['p50_ms']} ms "
                f"({report_part['pdf']['bytes']:,} bytes); {report_part['activities_total']} activities, "
                f"{report_part['participants_total']} participants (floor: {report_part['floor_figures']['activities']}"
                f", {report_part['floor_figures']['participants']}).",
            ]
        for i in run.get("impact", []):
            if "estimate" not in i:
                continue
            planted_text = ""
            if i.get("planted"):
                p = i["planted"]
                planted_text = (
                    f"; planted {p['realized_per_unit_month']} (realized) / {p['expected_per_unit_month']} (expected)"
                    f" cases per unit-month, the interval covers the realized effect: "
                    f"{i.get('ci_covers_planted_realized')}, the expected: {i.get('ci_covers_planted_expected')}"
                )
            lines.append(
                f"- impact, unit {i['unit']}: {i['treated_units']} treated and {i['comparison_units']} comparison "
                f"units, window {i['window'][0]} to {i['window'][1]}; estimate {_round(i['estimate'])} "
                f"[{_round(i['ci'][0])}, {_round(i['ci'][1])}] cases per unit-month{planted_text}; pre-trend "
                f"{_round(i['pre_trend'])} {[_round(x) for x in i['pre_trend_ci'] or []]}; counts {i['counts']}"
            )
        lines.append("")
    md_out.write_text("\n".join(lines) + "\n")
    print(f"-> {json_out}, {md_out}")


def _loads(values: list[float] | None) -> list[float]:
    return [round(v, 1) for v in values or []]


def _round(value: Any) -> Any:
    return round(value, 3) if isinstance(value, float) else value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    m = sub.add_parser("measure")
    m.add_argument("--fixture", type=Path, required=True)
    m.add_argument("--out", type=Path, required=True)
    m.add_argument("--parts", default="framework,impact,report,http", help="comma-separated")
    r = sub.add_parser("report")
    r.add_argument("runs", type=Path, nargs="+")
    r.add_argument("--json", type=Path, required=True)
    r.add_argument("--md", type=Path, required=True)
    args = parser.parse_args()
    if args.command == "measure":
        measure(args.fixture, args.out, set(args.parts.split(",")))
    else:
        report(args.runs, args.json, args.md)


if __name__ == "__main__":
    main()
