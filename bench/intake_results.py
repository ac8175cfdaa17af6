"""bench/results/intake.json (issue 14, "Speed"): the three intake benchmarks in one file, each record tagged with
its suite, and a summary of the targets: registers and field submissions imported (rows/s with encryption, blind
indexes and audit, against a bare insert of the same rows; peak memory at 10,000 and 100,000 rows) and the
helpline's queue and contact list at 1,000,000 contacts (p95 against 100 ms). It measures nothing itself: run
bench/intake_registers.py, bench/intake_submissions.py and the helpline suite of bench/run.sh first.

    python bench/intake_results.py
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).resolve().parent / "results"
SUITES = {"registers": "intake_registers.json", "submissions": "intake_submissions.json", "helpline": "helpline.json"}


def _records(name: str) -> list[dict[str, Any]]:
    data = json.loads((RESULTS / SUITES[name]).read_text(encoding="utf-8"))
    if isinstance(data, list):
        return data
    # intake_registers.json: {"target_rows_per_s", "runs": [{"backend", "rows", "floor": {...}, "import": {...}}]}
    records: list[dict[str, Any]] = []
    for run in data.get("runs", []):
        done, floor = run["import"], run["floor"]
        common = {"name": f"import of a {run['rows']:,}-row register", "backend": run["backend"], "scale": run["rows"]}
        load = done.get("load_average")
        records += [
            {
                **common,
                "metric": "rows_per_s",
                "value": done["rows_per_s"],
                "unit": "rows/s",
                "target": data.get("target_rows_per_s"),
                "floor": floor["rows_per_s"],
                "load_average": load,
            },
            {
                **common,
                "metric": "cpu_rows_per_s",
                "value": done["cpu_rows_per_s"],
                "unit": "rows/s",
                "target": None,
                "floor": None,
                "load_average": load,
            },
            {
                **common,
                "metric": "rss_peak_mb",
                "value": done["peak_rss_mb"],
                "unit": "MB",
                "target": None,
                "floor": None,
                "load_average": load,
            },
        ]
    return records


def summary(records: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """One line per target: the imports' rows/s (target 1,000) and memory, the helpline pages' p95 (100 ms)."""
    lines: list[dict[str, Any]] = []
    for suite in ("registers", "submissions"):
        for record in records[suite]:
            if record.get("metric") in {"rows_per_s", "rss_peak_mb"} and record.get("value") is not None:
                met = None if record.get("target") is None else record["value"] >= record["target"]
                lines.append(
                    {
                        "suite": suite,
                        **{k: record.get(k) for k in ("name", "backend", "scale", "metric")},
                        "value": record["value"],
                        "target": record.get("target"),
                        "floor": record.get("floor"),
                        "met": met,
                        "load_average": record.get("load_average"),
                    }
                )
    for record in records["helpline"]:
        if record.get("target") is not None and record.get("clients", 1) == 1:
            lines.append(
                {
                    "suite": "helpline",
                    **{k: record.get(k) for k in ("name", "backend", "scale", "metric")},
                    "value": record.get("value"),
                    "target": record.get("target"),
                    "floor": record.get("floor"),
                    "met": record.get("value") is not None and record["value"] <= record["target"],
                    "load_average": record.get("load_average"),
                }
            )
    return lines


def main() -> None:
    records = {name: _records(name) for name in SUITES}
    out = {
        "about": __doc__.split("\n\n")[0],
        "sources": {name: f"bench/results/{file}" for name, file in SUITES.items()},
        "summary": summary(records),
        "records": [{"suite": name, **record} for name, items in records.items() for record in items],
    }
    (RESULTS / "intake.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"{RESULTS / 'intake.json'}: {len(out['records'])} records, {len(out['summary'])} targets")


if __name__ == "__main__":
    main()
