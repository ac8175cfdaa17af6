"""`tipsom match dedupe` and `tipsom match reindex`.

    tipsom match dedupe --country UA [--incremental] [--threshold 0.9]   the registry, into the review queue
    tipsom match dedupe --input list.csv --output pairs.csv [--threshold 0.9]   a list; the database is not touched
    tipsom match reindex                                                 rewrite the persons' blocking keys

The list's columns: id, given_name, family_name, other_names, birth_date (ISO, or YYYY, or YYYY-MM), sex (M, F or U),
citizenship (ISO alpha-2). The output: id_l, id_r, probability, for the pairs judged the same person. Progress goes
to stderr, the summary to stdout. Decrypted names stay in memory (matching.batch)."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import CommandError, CommandParser, OutputWrapper

from tipsom.core.management.base import TipsomCommand
from tipsom.matching.batch import DEFAULT_THRESHOLD, DedupeResult, link_csv

STEP_NAMES = {
    "reading": "reading",
    "names": "name forms",
    "features": "features",
    "training": "estimating m and u",
    "predicting": "scoring pairs",
    "clustering": "clustering",
    "reindex": "blocking keys",
}


class ProgressBar:
    """A one-line text bar per step on a terminal (redrawn with \\r), one line per step otherwise."""

    WIDTH = 30

    def __init__(self, stream: TextIO | OutputWrapper | None = None) -> None:
        self.stream = stream or sys.stderr
        self.flush = getattr(self.stream, "flush", lambda: None)
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.step = ""
        self.started = time.perf_counter()
        self.step_started = self.started
        self.last = ""

    def write(self, text: str) -> None:
        if isinstance(self.stream, OutputWrapper):
            self.stream.write(text, ending="")  # a command's stderr adds a newline to each write unless told not to
        else:
            self.stream.write(text)

    def __call__(self, step: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if step != self.step:
            if self.step:
                self._end()
            self.step, self.step_started = step, now
        fraction = min(1.0, done / total) if total else 1.0
        filled = int(self.WIDTH * fraction)
        label = STEP_NAMES.get(step, step)
        line = f"{label:<20} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {fraction:4.0%}  {now - self.started:6.1f}s"
        if self.tty:
            self.write("\r" + line)
            self.flush()
        elif line != self.last and (fraction >= 1.0 or done == 0):
            # Not a terminal (a log file): the start and end of each step only.
            self.write(line + "\n")
        self.last = line

    def _end(self) -> None:
        if self.tty:
            self.write("\n")
            self.flush()

    def close(self) -> None:
        if self.step:
            self._end()


def threshold(value: str) -> float:
    number = float(value)
    if not 0 < number < 1:
        raise ValueError(value)
    return number


class Command(TipsomCommand):
    help = (
        "Person matching. `dedupe` finds the persons registered twice: over a country's registry (pairs and "
        "clusters go to the review queue) or over a CSV list given with --input (pairs written to --output; the "
        "database is not touched). `reindex` rewrites the blocking keys of every person."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        dedupe = sub.add_parser("dedupe", help="Find duplicate persons (registry or CSV list).")
        dedupe.add_argument("--country", help="Registry mode: the country (ISO alpha-2) whose persons to deduplicate.")
        dedupe.add_argument(
            "--incremental", action="store_true", help="Registry mode: only new and changed persons against the rest."
        )
        dedupe.add_argument(
            "--threshold",
            type=threshold,
            default=DEFAULT_THRESHOLD,
            help=f"Least match probability of a pair (between 0 and 1; default {DEFAULT_THRESHOLD}).",
        )
        dedupe.add_argument("--input", type=Path, help="List mode: the CSV list to deduplicate.")
        dedupe.add_argument("--output", type=Path, help="List mode: where to write the pairs (CSV).")
        sub.add_parser("reindex", help="Rewrite the blocking keys of every person (after the keyring changed).")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["subcommand"] == "reindex":
            self._reindex()
        elif options["input"] or options["output"]:
            self._csv(options)
        else:
            self._registry(options)

    def _csv(self, options: dict[str, Any]) -> None:
        if not options["input"] or not options["output"]:
            raise CommandError("--input and --output go together.")
        if options["incremental"] or options["country"]:
            raise CommandError("--incremental and --country are for the registry, not for a list.")
        bar = ProgressBar(self.stderr)
        try:
            result = link_csv(options["input"], options["output"], threshold=options["threshold"], progress=bar)
        finally:
            bar.close()
        self._summary(result, f"Pairs written to {options['output']}.")

    def _registry(self, options: dict[str, Any]) -> None:
        if not options["country"]:
            raise CommandError("Give --country (the registry to deduplicate), or --input and --output for a list.")
        from tipsom.matching.services import dedupe_job_run  # the registry's job: people, audit, review queue

        bar = ProgressBar(self.stderr)
        try:
            job = dedupe_job_run(
                actor=None,
                country=options["country"].upper(),
                incremental=options["incremental"],
                threshold=options["threshold"],
                progress=bar,
            )
        finally:
            bar.close()
        counts = ", ".join(f"{key} {value}" for key, value in (job.counts or {}).items() if not isinstance(value, dict))
        self.stdout.write(self.style.SUCCESS(f"Deduplication job {job.pk} done: {counts}."))

    def _reindex(self) -> None:
        from tipsom.matching.services import match_keys_reindex

        bar = ProgressBar(self.stderr)
        try:
            persons, keys = match_keys_reindex(progress=lambda done, total: bar("reindex", done, total))
        finally:
            bar.close()
        self.stdout.write(self.style.SUCCESS(f"Blocking keys rewritten: {persons} persons, {keys} keys."))

    def _summary(self, result: DedupeResult, where: str) -> None:
        counts = result.counts
        bad = counts.get("bad_rows") or {}
        bad_text = ", ".join(f"{key} {value}" for key, value in sorted(bad.items())) or "none"
        seconds = result.seconds.get("total", 0.0) + result.seconds.get("writing", 0.0)
        self.stdout.write(
            f"{counts.get('records', 0)} records; {counts.get('pairs', 0)} pairs judged the same person; "
            f"{counts.get('clusters', 0)} clusters ({counts.get('records_in_clusters', 0)} records); "
            f"rows with problems: {bad_text}; {seconds:.1f} s."
        )
        self.stdout.write(self.style.SUCCESS(where))
