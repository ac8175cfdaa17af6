"""Registers of past cases made up for the tests: rows with names, and bad rows where asked."""

from __future__ import annotations

import csv
import io
from typing import Any

from tipsom.accounts.testing import make_user
from tipsom.intake.models import RegisterSource
from tipsom.intake.services import source_create

HEADERS = ["Nome", "Sexo", "Nascimento", "Nacionalidade", "Tipo", "Data de identificação", "Exploração"]
MAPPING = {
    "name": "Nome",
    "gender": "Sexo",
    "birth_date": "Nascimento",
    "citizenships": "Nacionalidade",
    "case_type": "Tipo",
    "identified_on": "Data de identificação",
    "exploitation_types": "Exploração",
}
GIVEN = ["Aurelina", "Benedita", "Cleonice", "Dorvalina", "Euzébia", "Filomena", "Gercina", "Hermínia"]
FAMILY = ["Quaresma", "Rabelo", "Sardinha", "Tavares", "Uchoa", "Valadares", "Xavier", "Zanetti"]
# The kinds of bad row, in turn: an unknown code, a date in the future, a control character in the name.
BAD_KINDS = ("unknown_code", "future_date", "control")


def person_name(number: int) -> str:
    """A name no test data elsewhere has, different for every row (the number spelt in letters at the end). Its last
    part is at least seven letters long: a raw scan looks for it in megabytes of ciphertext, where a three-letter
    part turns up by chance."""
    letters = "".join(chr(ord("a") + int(digit)) for digit in str(number))
    return f"{GIVEN[number % 8]} {FAMILY[(number // 8) % 8]} Zqxwvu{letters}"


def register_rows(count: int, bad: dict[int, str] | None = None) -> list[list[str]]:
    """`count` data rows; `bad` maps a row's index (0 = the first data row, file row 2) to a BAD_KINDS entry."""
    rows = []
    for index in range(count):
        row = [
            person_name(index),
            "F" if index % 2 else "Masculino",
            f"{1970 + index % 40}-{1 + index % 12:02d}-{1 + index % 28:02d}",
            "BO" if index % 3 else "Brasil",
            "TIP",
            "2024-05-02",
            "ForcedLabour;SexualExploitation" if index % 5 == 0 else "ForcedLabour",
        ]
        kind = (bad or {}).get(index)
        if kind == "unknown_code":
            row[3] = "XX"
        elif kind == "future_date":
            row[5] = "2999-01-01"
        elif kind == "control":
            row[0] = "Ana\u202eMaria"
        elif kind == "formula":
            row[0] = '=HYPERLINK("http://evil.example","x")'
        rows.append(row)
    return rows


def register_csv(
    count: int, bad: dict[int, str] | None = None, *, encoding: str = "utf-8", delimiter: str = ";"
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow(HEADERS)
    writer.writerows(register_rows(count, bad))
    return buffer.getvalue().encode(encoding)


def spread_bad(count: int, bad_count: int) -> dict[int, str]:
    """`bad_count` bad rows spread over `count` rows, of each kind in turn."""
    step = count // bad_count
    return {index * step + 3: BAD_KINDS[index % len(BAD_KINDS)] for index in range(bad_count)}


def importer(organization: Any) -> Any:
    return make_user(organization, roles=("case_manager",))


def register_source(user: Any, name: str = "Abrigo register", **extra: Any) -> RegisterSource:
    return source_create(
        actor=user,
        organization=user.organization,
        name=name,
        column_mapping=extra.pop("column_mapping", MAPPING),
        value_mappings=extra.pop("value_mappings", {"gender": {"F": "Feminine"}}),
    )
