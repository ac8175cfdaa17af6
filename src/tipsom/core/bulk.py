"""Inserting many plain rows at once, under the ORM: for tables of derived keys (blind-index search and match keys)
written by the thousand in an import, where building a model instance per row and compiling it was most of the
time. Only for columns that need no conversion (text, numbers, ids): never for an encrypted field."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models


def insert_rows(
    model: type[models.Model], fields: Sequence[str], rows: Iterable[Sequence[Any]], *, chunk: int = 2000
) -> int:
    """INSERT the `rows` (values in the order of `fields`, as the database stores them) into the model's table;
    returns how many. The caller's transaction holds them, as a bulk_create's would."""
    meta = model._meta
    concrete = {field.name: field for field in meta.concrete_fields}
    for name in fields:
        if getattr(concrete[name], "identifying", False):
            raise TypeError(f"{meta.label}.{name} is identifying: write it through the ORM, which encrypts it")
    columns = ", ".join(connection.ops.quote_name(str(concrete[name].column)) for name in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {connection.ops.quote_name(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    batch: list[Sequence[Any]] = []
    count = 0
    with connection.cursor() as cursor:
        for row in rows:
            batch.append(row)
            if len(batch) >= chunk:
                cursor.executemany(sql, batch)
                count += len(batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
            count += len(batch)
    return count
