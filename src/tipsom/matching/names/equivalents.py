"""The table of cross-script name equivalents: canonical id -> the spellings of one name in any script.

File format (JSON, UTF-8), the shipped table and every country extension alike::

    {"names": {"muhammad": {"kind": "given", "spellings": ["Mohammed", "Muhammad", "محمد", "Мухаммед"]}}}

`kind` is "given", "family" or "any" (used to tag name parts when the name does not say which is which). A spelling
is written as people write it (any case, accents, hyphens, "Abd al-Rahman"); it is folded, split and joined the
way a name is, so it is found whichever way it is written. A country file may add spellings to a shipped id or add
new ids. When two ids claim one spelling, the file loaded last wins (so a country can move a spelling).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parent.parent / "data" / "name_equivalents.json"
SETTING = "TIPSOM_NAME_EQUIVALENTS"
KINDS = ("given", "family", "any")


@dataclass
class Equivalents:
    """Spelling keys (folded native words and their Latin transliterations) -> canonical id, and each id's kind."""

    by_spelling: dict[str, str] = field(default_factory=dict)
    by_latin: dict[str, str] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)

    def lookup(self, text: str, latin: str) -> str:
        """The canonical id of a word known by its folded text and its Latin form, or ""."""
        return self.by_spelling.get(text) or self.by_latin.get(latin, "")


class EquivalentsError(ValueError):
    """A table file that cannot be read as an equivalents table."""


def read_table(path: Path) -> dict[str, dict[str, object]]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise EquivalentsError(f"{path}: {error}") from error
    names = data.get("names") if isinstance(data, dict) else None
    if not isinstance(names, dict):
        raise EquivalentsError(f'{path}: the file needs a "names" object')
    return names


def setting_paths() -> tuple[Path, ...]:
    """The extra files named by the TIPSOM_NAME_EQUIVALENTS setting (none when Django is not configured)."""
    from django.conf import settings
    from django.core.exceptions import ImproperlyConfigured

    try:
        value = getattr(settings, SETTING, ())
    except ImproperlyConfigured:  # used outside a Django project (a script, the benchmark): the shipped table only
        return ()
    if isinstance(value, str | Path):
        value = [value]
    return tuple(Path(item) for item in value or ())


def build(tables: Iterable[dict[str, dict[str, object]]]) -> Equivalents:
    # Imported here: the word pipeline (forms) itself looks names up in this table.
    from tipsom.matching.names.forms import spelling_key

    result = Equivalents()
    explicit_latin: set[str] = set()
    for names in tables:
        for canonical_id, entry in names.items():
            if not isinstance(entry, dict):
                raise EquivalentsError(f"{canonical_id}: an entry is an object with spellings")
            kind = str(entry.get("kind", "any"))
            result.kinds[canonical_id] = kind if kind in KINDS else "any"
            spellings = entry.get("spellings", [])
            if not isinstance(spellings, list):
                raise EquivalentsError(f"{canonical_id}: spellings is a list")
            for spelling in [canonical_id, *spellings]:
                key = spelling_key(str(spelling))
                if key is None:
                    continue
                text, latin, is_latin = key
                result.by_spelling[text] = canonical_id
                # A Latin spelling claims its ASCII form outright; a transliteration of another script only where
                # no Latin spelling claims it (anyascii of an Arabic word is vowel-less and less certain).
                if is_latin:
                    result.by_latin[latin] = canonical_id
                    explicit_latin.add(latin)
                elif latin and latin not in explicit_latin:
                    result.by_latin.setdefault(latin, canonical_id)
    return result


def equivalents(extra_paths: Sequence[str | Path] = ()) -> Equivalents:
    """The shipped table plus the files in `extra_paths` (later files win on a disputed spelling)."""
    return build([read_table(DATA_FILE), *(read_table(Path(path)) for path in extra_paths)])


@lru_cache(maxsize=1)
def default_equivalents() -> Equivalents:
    """The table name_forms uses: the shipped one plus the TIPSOM_NAME_EQUIVALENTS files; read once per process."""
    return equivalents(setting_paths())
