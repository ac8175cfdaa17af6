"""Generate the registry of the interactive matching check (issue 13) in the database of TIPSOM_DATABASE_URL, fast,
and the held-out records to check against it.

    TIPSOM_DATABASE_URL=... TIPSOM_KEYRING_FILE=... python bench/generate_match_registry.py --scale 1000000 \
        --fixture bench/var/matching/check/postgresql/fixture.json

The persons are bench/generate_matching.py's labelled records (the 13 countries, native script and Latin spellings,
duplicates with faults, namesakes), `scale` of them in the registry and a few hundred held out as the queries:
- A person (all their records) is registered in the host country (HOST, Egypt) with probability HOST_SHARE, else in
  their own country: the host's registry holds about 63 % of all persons, of every nationality and script, so its
  blocks are those of a large registry. Within a country the owner is one of generate_cases' organizations, in its
  shares (the NGO 40 %, the police 25 % ...).
- Queries: for persons of the host with exactly two records, one record is held out (the other stays: the true
  match), sampled per pair of scripts (Arabic, Cyrillic, Devanagari or Lao against Latin, and each script against
  itself); and persons of the host with one record, held out whole (nobody to find, but their namesakes).
- Written in bulk as generate_cases writes (COPY on PostgreSQL, executemany on SQLite): the persons (gender, birth
  date encrypted as EncryptedTextField stores it, birth year and precision, citizenship), their names (encrypted,
  the Latin form and blind-index keys of people.keys.name_keys, as person_create stores them) and their match keys
  (tipsom.matching.keys.keys_of(forms_of([name, name_latin]), birth_date), what match_keys_write stores), the key
  table's indexes dropped during the COPY and made again at the end. No cases, no name search keys.
- Organizations, users and API tokens through the services (generate_cases.setup_organizations and setup_users:
  a case manager, a child protection officer and a national coordinator of the host).

The fixture keeps the tokens and the queries with their truth (the registry ids of the person's other record), and a
fingerprint of the code that made the match keys: `--rekey --fixture ...` writes every person's keys again, from the
registry decrypted in memory, when that code changed (run.sh does it before measuring a reused registry).
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import json
import random
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate_cases  # noqa: E402  (django.setup(); Writer, Encryptor, organizations, users, finish)
import generate_matching  # noqa: E402  (the labelled records: bench/generate_matching.py)
import generate_work  # noqa: E402  (memoized blind index, the key indexes dropped during the COPY)
from django.db import connection  # noqa: E402

from tipsom.core import crypto  # noqa: E402
from tipsom.demo.services import demo_config  # noqa: E402
from tipsom.matching import keys as match_keys  # noqa: E402
from tipsom.matching.keys import forms_of, keys_of  # noqa: E402
from tipsom.matching.models import MatchKey  # noqa: E402
from tipsom.people.keys import name_keys  # noqa: E402
from tipsom.people.models import Person, PersonName  # noqa: E402

SEED = 20261213
HOST = "EG"
HOST_SHARE = 0.6
# Queries whose person has one other record in the registry, per pair of scripts (query, registry; either way).
PAIR_QUERIES = {
    "Arab-Latn": 200, "Cyrl-Latn": 200, "Deva-Latn": 200, "Laoo-Latn": 200,
    "Latn-Latn": 100, "Arab-Arab": 100, "Cyrl-Cyrl": 100, "Deva-Deva": 100, "Laoo-Laoo": 100,
}  # fmt: skip
ALONE_QUERIES = 300  # persons with no other record: nothing to find
GENDER = {"F": "Feminine", "M": "Masculine"}
# The code that makes the match keys (in tipsom/matching/): when it changes, a reused registry's keys are stale.
KEYS_CODE = ("keys.py", "names", "data/name_equivalents.json")
PRECISION = {1: "year", 2: "year_month", 3: "exact"}


def full_name(record: dict[str, str]) -> str:
    """Given, other (patronymic, father's or middle name, second family name), family: the order people write."""
    return " ".join(part for part in (record["given_name"], record["other_names"], record["family_name"]) if part)


def pair_of(first: str, second: str) -> str:
    """The pair "Arab-Latn" for a pair of scripts in either order (Latin last), "Arab-Arab" for one script."""
    return "-".join(sorted((first, second), key=lambda script: (script == "Latn", script)))


def query_of(record: dict[str, str]) -> dict[str, Any]:
    """The body of POST /api/v1/persons/match/ for a record."""
    return {
        "names": [full_name(record)],
        "birth_date": record["birth_date"],
        "sex": record["sex"] if record["sex"] in ("M", "F") else "",
        "citizenships": [record["citizenship"]] if record["citizenship"] else [],
    }


class Registry:
    """The labelled records split into the registry and the held-out queries."""

    def __init__(self, scale: int, rng: random.Random) -> None:
        held_out = sum(PAIR_QUERIES.values()) + ALONE_QUERIES
        records, truths = generate_matching.generate(scale + held_out)
        by_person: dict[str, list[int]] = defaultdict(list)
        for index, truth in enumerate(truths):
            by_person[truth["person"]].append(index)
        # Where each person is registered: the host, or their own country (all their records in one place).
        self.country = {}
        for person in sorted(by_person, key=lambda p: int(p[1:])):
            own = truths[by_person[person][0]]["country"]
            self.country[person] = HOST if own == HOST or rng.random() < HOST_SHARE else own
        pairs: dict[str, list[tuple[int, int]]] = defaultdict(list)  # pair -> (query index, registry index)
        alone: list[int] = []
        for person, indexes in by_person.items():
            if self.country[person] != HOST:
                continue
            if len(indexes) == 1:
                alone.append(indexes[0])
            elif len(indexes) == 2:
                query, kept = rng.sample(indexes, 2)
                pairs[pair_of(truths[query]["script"], truths[kept]["script"])].append((query, kept))
        self.queries: list[tuple[int, int | None, str]] = []  # (query index, registry index of the truth, pair)
        for pair, wanted in PAIR_QUERIES.items():
            chosen = sorted(pairs.get(pair, []))
            for query, kept in rng.sample(chosen, min(wanted, len(chosen))):
                self.queries.append((query, kept, pair))
        for query in rng.sample(sorted(alone), min(ALONE_QUERIES, len(alone))):
            self.queries.append((query, None, "none"))
        held = {query for query, _kept, _pair in self.queries}
        truths_kept = {kept for _query, kept, _pair in self.queries if kept is not None}
        # The registry: every other record; where fewer queries were found than planned, `scale` of them still
        # (the surplus dropped from the end, never a query's true match).
        self.records = [index for index in range(len(records)) if index not in held]
        surplus = len(self.records) - scale
        while surplus > 0 and self.records:
            drop = next(i for i in range(len(self.records) - 1, -1, -1) if self.records[i] not in truths_kept)
            del self.records[drop]
            surplus -= 1
        self.all_records, self.truths = records, truths


def keys_code() -> str:
    """A fingerprint of the code that makes the match keys (KEYS_CODE), kept in the fixture."""
    root = Path(match_keys.__file__).parent
    files = sorted(
        path
        for item in KEYS_CODE
        for path in ([root / item] if (root / item).is_file() else (root / item).rglob("*.py"))
    )
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def memoize_keys() -> None:
    """The same name's keys recur thousands of times (a word with a birth date less often): the keyed hash is a pure
    function of its input and the keyring, memoized for the run as generate_work does for the name search keys."""
    generate_work.memoize_blind_index()
    match_keys.blind_index = functools.lru_cache(maxsize=1 << 21)(match_keys.blind_index)


def generate(scale: int, fixture_path: Path) -> None:
    started = time.monotonic()
    code = keys_code()
    rng = random.Random(SEED)  # noqa: S311 (synthetic data, reproducible on purpose)
    crypto.keyring_init()
    memoize_keys()
    encrypt = generate_cases.Encryptor()
    registry = Registry(scale, rng)
    records, truths = registry.all_records, registry.truths
    print(f"records: {len(registry.records):,} in the registry, {len(registry.queries)} queries "
          f"({time.monotonic() - started:.0f}s)", flush=True)  # fmt: skip

    countries = demo_config()["countries"]
    organizations = generate_cases.setup_organizations(countries)
    users = generate_cases.setup_users(organizations, HOST)
    owners = list(generate_cases.OWNER_KINDS.items())
    restore = generate_work.key_indexes_drop(MatchKey)

    persons, names, keys = (generate_cases.Writer(model) for model in (Person, PersonName, MatchKey))
    person_id = 1 + (Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    name_id = 1 + (PersonName.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    key_id = 1 + (MatchKey.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    # The same name is written by thousands of persons: its Latin form and normal forms are computed once.
    name_cache: dict[str, tuple[Any, list[Any]]] = {}
    registry_id: dict[int, int] = {}  # record index -> person id
    per_country: Counter[str] = Counter()
    first_day, span = generate_cases.FIRST_DAY, (generate_cases.LAST_DAY - generate_cases.FIRST_DAY).days
    for number, index in enumerate(registry.records):
        record, truth = records[index], truths[index]
        country = registry.country[truth["person"]]
        kind = rng.choices([k for k, _s in owners], weights=[s for _k, s in owners])[0]
        created_at = dt.datetime.combine(
            first_day + dt.timedelta(days=span * number // len(registry.records)), dt.time(9), tzinfo=dt.UTC
        ) + dt.timedelta(minutes=rng.randint(0, 600))
        birth_date = record["birth_date"]
        parts = birth_date.split("-") if birth_date else []
        persons.add(
            {
                "id": person_id, "owner_organization_id": organizations[country][kind].pk, "created_by_id": None,
                "created_at": created_at, "updated_at": created_at, "version": 1,
                "gender": GENDER.get(record["sex"], "NonSpecifiedUnknown"),
                "citizenships": [record["citizenship"]] if record["citizenship"] else [], "languages": [],
                "education": "Unknown", "birth_date": encrypt(birth_date, Person, "birth_date") if birth_date else "",
                "birth_date_precision": PRECISION.get(len(parts), ""),
                "birth_year": int(parts[0]) if parts else None, "is_presumed_minor": False, "merged_into_id": None,
            }
        )  # fmt: skip
        text = full_name(record)
        cached = name_cache.get(text)
        if cached is None:
            latin = name_keys(text)
            cached = name_cache[text] = (latin, forms_of([text, latin.latin]))
        latin, forms = cached
        names.add(
            {
                "id": name_id, "person_id": person_id, "kind": "primary", "name": encrypt(text, PersonName, "name"),
                "name_latin": encrypt(latin.latin, PersonName, "name_latin"), "script": latin.script,
                "key_exact": latin.key_exact, "key_latin": latin.key_latin,
            }
        )  # fmt: skip
        for key_kind, key in keys_of(forms, birth_date):
            keys.add(
                {"id": key_id, "person_id": person_id, "kind": key_kind, "key": key,
                 "birth_year": int(parts[0]) if parts else None}
            )  # fmt: skip
            key_id += 1
        registry_id[index] = person_id
        per_country[country] += 1
        person_id += 1
        name_id += 1
        if (number + 1) % 100_000 == 0:
            print(f"  {number + 1:>9,} persons ({time.monotonic() - started:.0f}s)", flush=True)
        if len(persons.rows) >= generate_cases.BATCH:  # persons before their names and keys (foreign keys)
            for writer in (persons, names, keys):
                writer.flush()
    for writer in (persons, names, keys):
        writer.flush()
    generate_work.key_indexes_restore(restore)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            table = MatchKey._meta.db_table
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
    generate_cases.finish(started)

    queries = []
    for query, kept, pair in registry.queries:
        truth = truths[query]
        queries.append(
            {
                **query_of(records[query]), "pair": pair, "script": truth["script"],
                "faults": [fault for fault in truth["faults"].split(";") if fault],
                "truth": [registry_id[kept]] if kept is not None else [],
                "truth_script": truths[kept]["script"] if kept is not None else "",
                "truth_name": full_name(records[kept]) if kept is not None else "",
                # The pair's faults may be the registry record's: either record may be the person's first.
                "truth_faults": [f for f in truths[kept]["faults"].split(";") if f] if kept is not None else [],
            }
        )  # fmt: skip
    fixture = {
        "scale": len(registry.records),
        "backend": connection.vendor,
        "country": HOST,
        "host_share": HOST_SHARE,
        "users": users,
        "organizations": {c: {k: o.pk for k, o in kinds.items()} for c, kinds in organizations.items()},
        "persons_by_country": dict(per_country.most_common()),
        "queries": queries,
        "rows": {
            "persons": persons.count,
            "names": names.count,
            "match_keys": keys.count,
            "names_distinct": len(name_cache),
        },
        "seconds": round(time.monotonic() - started, 1),
        "keys_code": code,
    }
    fixture_path.parent.mkdir(parents=True, exist_ok=True)
    fixture_path.write_text(json.dumps(fixture, indent=2, ensure_ascii=False))
    print(f"done: {fixture['rows']} in {fixture['seconds']}s -> {fixture_path}", flush=True)


def rekey(fixture_path: Path) -> None:
    """Write every person's match keys again, from the registry decrypted in memory, where the code that makes them
    changed since they were written (keys_code): a registry kept for reuse must be keyed as the server keys a query."""
    fixture = json.loads(fixture_path.read_text())
    code = keys_code()
    if fixture.get("keys_code") == code:
        print(f"match keys: written by the code as it is ({code})", flush=True)
        return
    started = time.monotonic()
    memoize_keys()
    texts: dict[int, list[str]] = defaultdict(list)
    for person_id, name, latin in PersonName.objects.order_by("pk").values_list("person_id", "name", "name_latin"):
        texts[person_id] += [name, latin]
    persons = list(Person.objects.filter(merged_into__isnull=True).values_list("pk", "birth_date", "birth_year"))
    table = MatchKey._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608
    restore = generate_work.key_indexes_drop(MatchKey)
    keys = generate_cases.Writer(MatchKey)
    forms_cache: dict[tuple[str, ...], list[Any]] = {}
    key_id = 1
    for person_id, birth_date, birth_year in persons:
        names = tuple(texts[person_id])
        forms = forms_cache.get(names)
        if forms is None:
            forms = forms_cache[names] = forms_of(names)
        for kind, key in keys_of(forms, birth_date or ""):
            keys.add({"id": key_id, "person_id": person_id, "kind": kind, "key": key, "birth_year": birth_year})
            key_id += 1
        if len(keys.rows) >= 10 * generate_cases.BATCH:
            keys.flush()
    keys.flush()
    generate_work.key_indexes_restore(restore)
    with connection.cursor() as cursor:  # autocommit, outside any transaction
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")  # noqa: S608
        cursor.execute(f"VACUUM ANALYZE {table}" if connection.vendor == "postgresql" else "ANALYZE")
    fixture["keys_code"] = code
    fixture["rows"]["match_keys"] = keys.count
    fixture["rekeyed_seconds"] = round(time.monotonic() - started, 1)
    fixture_path.write_text(json.dumps(fixture, indent=2, ensure_ascii=False))
    print(f"match keys written again ({code}): {keys.count:,} in {fixture['rekeyed_seconds']}s", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=1_000_000, help="persons in the registry")
    parser.add_argument("--fixture", type=Path, required=True)
    parser.add_argument("--rekey", action="store_true", help="write the match keys again if their code changed")
    args = parser.parse_args()
    if args.rekey:
        rekey(args.fixture)
        return
    if Person.objects.exists():
        sys.exit("The bench database already holds persons: start from an empty, migrated database.")
    generate(args.scale, args.fixture)


if __name__ == "__main__":
    main()
