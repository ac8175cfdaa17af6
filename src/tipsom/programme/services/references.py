"""The references of the programme's records: `<country>-<kind>-<year>-<number>`, numbered per country and year
(CO-ACT-2018-000012, BR-GR-2020-0001). One way of taking the next one, for activities and grants alike."""

from __future__ import annotations

import zlib

from django.db import connection, models
from django.db.models.functions import Length


def reference_lock(kind: str, country: str, year: int) -> None:
    """Serialize the numbering of a kind of record in a country's year: PostgreSQL holds a transaction-scoped
    advisory lock until the transaction ends (SQLite lets one writer at a time anyway); the unique constraint on
    the reference is the last guard. Call it inside the transaction that saves the record."""
    if connection.vendor == "postgresql":
        key = zlib.crc32(f"programme.{kind}:{country}:{year}".encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [key])


def reference_next(model: type[models.Model], *, kind: str, country: str, year: int, digits: int) -> str:
    """The next reference of `model` (which has `country` and `reference`) in a country and year: the highest
    number so far plus one, zero-padded to `digits`, taken under reference_lock (held until the transaction ends).
    The longest reference sorts first, so a number that outgrew its padding still counts as the highest."""
    reference_lock(kind, country, year)
    prefix = f"{country}-{kind}-{year}-"
    last = (
        model._default_manager.filter(country=country, reference__startswith=prefix)
        .order_by(Length("reference").desc(), "-reference")
        .values_list("reference", flat=True)
        .first()
    )
    suffix = str(last).rsplit("-", 1)[1] if last else ""
    number = int(suffix) + 1 if suffix.isdigit() else 1
    return f"{prefix}{number:0{digits}d}"
