"""The statistics benchmark's duplicates (issue 15): merged and confirmed registrations of one person, in bulk.

Run after bench/generate_cases.py (and the referral, justice and helpline generators) on the same database. Among
the victim cases of each country and year, it makes:

- merged pairs (--merged, default 2 % of the cases): the second case's person is merged into the first's, as
  `matching.services.person_merge` leaves them: the case points to the survivor and the merged person has
  `merged_into` set (the CandidatePair is written with the status "merged");
- confirmed pairs (--confirmed, default 1 %): two persons a reviewer marked "same person", not merged yet
  (`CandidatePair` with the status "confirmed");
- triples (--triples, default 0.3 %): a person registered by three agencies: the second merged into the first, the
  third confirmed to be the first.

Within a country and a year, so the GLOTIP rule (a victim once per person and year) has something to count once.
Bulk SQL, no audit events (like the other generators): the facts are built by `engine.rebuild`. Writes the
fixture with the counts made, the expected number of counted victims removed by the duplicates, and the other
generators' fixtures gathered (their users and tokens).

    TIPSOM_DATABASE_URL=... python bench/generate_stats.py --dir bench/var/stats/postgresql

`generate_stats.py run SCRIPT ARGS...` runs another generator (generate_cases, generate_referrals,
generate_helpline) with its bulk writer giving each column it does not set its default (generate_justice.Writer):
the cases generator predates Person.merged_into.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tipsom.settings")

import django  # noqa: E402

django.setup()

import generate_cases  # noqa: E402  (the bulk writer)
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

from tipsom.cases.models import Case  # noqa: E402
from tipsom.cases.models.choices import NOT_A_VICTIM  # noqa: E402
from tipsom.matching.models import CandidatePair  # noqa: E402

SEED = 15


def generate(directory: Path, merged: float, confirmed: float, triples: float) -> dict[str, Any]:
    started = time.monotonic()
    rng = random.Random(SEED)  # noqa: S311 (synthetic data, reproducible on purpose)
    if CandidatePair.objects.exists():
        sys.exit("The bench database already holds candidate pairs: generate_stats.py runs once.")
    groups: dict[tuple[str, int], list[tuple[int, int]]] = defaultdict(list)
    rows = (
        Case.objects.exclude(trafficking_status=NOT_A_VICTIM)
        .order_by("pk")
        .values_list("pk", "person_id", "country", "identified_on")
    )
    total = 0
    for pk, person, country, identified in rows.iterator(chunk_size=20_000):
        groups[(country, identified.year)].append((pk, person))
        total += 1
    # Every (case, person) used at most once; pairs drawn within a (country, year).
    pool = [(key, members) for key, members in groups.items() if len(members) >= 3]
    weights = [len(members) for _key, members in pool]
    used: set[int] = set()

    def draw(n: int) -> list[tuple[int, int]] | None:
        for _attempt in range(20):
            _key, members = rng.choices(pool, weights=weights)[0]
            picked = rng.sample(members, n)
            if not any(case in used for case, _person in picked):
                used.update(case for case, _person in picked)
                return picked
        return None

    moves: list[tuple[int, int]] = []  # (case, survivor person)
    merged_persons: list[tuple[int, int]] = []  # (merged person, survivor)
    pairs: list[tuple[int, int, str]] = []  # (person a, person b, status)
    removed = 0  # counted victims the duplicates remove (one per extra member of a unit)
    for _ in range(int(total * merged / 2)):
        picked = draw(2)
        if picked:
            (_c1, p1), (c2, p2) = sorted(picked)
            moves.append((c2, p1))
            merged_persons.append((p2, p1))
            pairs.append((p1, p2, CandidatePair.Status.MERGED))
            removed += 1
    for _ in range(int(total * confirmed / 2)):
        picked = draw(2)
        if picked:
            (_c1, p1), (_c2, p2) = picked
            pairs.append((p1, p2, CandidatePair.Status.CONFIRMED))
            removed += 1
    for _ in range(int(total * triples / 3)):
        picked = draw(3)
        if picked:
            (_c1, p1), (c2, p2), (_c3, p3) = sorted(picked)
            moves.append((c2, p1))
            merged_persons.append((p2, p1))
            pairs.append((p1, p2, CandidatePair.Status.MERGED))
            pairs.append((p1, p3, CandidatePair.Status.CONFIRMED))
            removed += 2
    print(f"drawn in {time.monotonic() - started:.0f}s: {len(moves)} merges, {len(pairs)} pairs", flush=True)

    with transaction.atomic(), connection.cursor() as cursor:
        cursor.executemany("UPDATE cases_case SET person_id = %s WHERE id = %s", [(p, c) for c, p in moves])
        cursor.executemany(
            "UPDATE people_person SET merged_into_id = %s WHERE id = %s", [(s, m) for m, s in merged_persons]
        )
    writer = generate_cases.Writer(CandidatePair)
    now = timezone.now()
    first = 1 + (CandidatePair.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    for n, (a, b, status) in enumerate(pairs):
        writer.add(
            {
                "id": first + n, "person_low_id": min(a, b), "person_high_id": max(a, b),
                "probability": round(0.9 + 0.1 * rng.random(), 3), "reasons": {}, "status": status,
                "source": CandidatePair.Source.BATCH, "job_id": None, "cluster_id": None, "found_at": now,
                "decided_by_id": None, "decided_at": now, "version": 1,
            }
        )  # fmt: skip
        if len(writer.rows) >= 10_000:
            writer.flush()
    writer.flush()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            table = CandidatePair._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"  # noqa: S608
            )
        cursor.execute("ANALYZE")

    fixture: dict[str, Any] = {
        "victim_cases": total,
        "merged_cases": len(moves),
        "pairs": {str(s): sum(1 for p in pairs if p[2] == s) for s in {p[2] for p in pairs}},
        "counted_removed_by_duplicates": removed,
        "seconds": round(time.monotonic() - started, 1),
    }
    for name in ("cases", "referrals", "justice", "helpline"):
        path = directory / f"{name}-fixture.json"
        if path.exists():
            fixture[name] = json.loads(path.read_text())
    fixture["scale"] = fixture.get("cases", {}).get("scale")
    out = directory / "fixture.json"
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps(fixture, indent=2))
    tmp.rename(out)
    print(f"done in {fixture['seconds']}s -> {out}", flush=True)
    return fixture


def run_generator(script: str, argv: list[str]) -> None:
    """Run another generator (generate_cases, generate_referrals, generate_helpline) with every bulk writer giving
    a column it does not set (a field added to a model since it was written, such as Person.merged_into) its
    default: generate_justice.Writer in place of generate_cases.Writer."""
    import importlib

    import generate_justice

    generate_cases.Writer = generate_justice.Writer  # type: ignore[misc]
    module = importlib.import_module(script)
    if hasattr(module, "Writer") and script != "generate_justice":
        module.Writer = generate_justice.Writer
    sys.argv = [f"{script}.py", *argv]
    module.main()


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "run":
        run_generator(sys.argv[2], sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, required=True, help="where the other generators' fixtures are")
    parser.add_argument("--merged", type=float, default=0.02)
    parser.add_argument("--confirmed", type=float, default=0.01)
    parser.add_argument("--triples", type=float, default=0.003)
    args = parser.parse_args()
    generate(args.dir, args.merged, args.confirmed, args.triples)


if __name__ == "__main__":
    main()
