"""Test helpers of core, shared by every app's tests."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from django.db import connection


def database_bytes(tmp_path: Path) -> bytes:
    """What the database stores, as bytes: a vacuumed page copy of SQLite, every row as text on PostgreSQL. A raw
    scan of it must find no plaintext identifying value."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = tmp_path / "copy.sqlite3"
        copy = sqlite3.connect(target)
        connection.connection.backup(copy)  # page-for-page copy of what SQLite stores
        # Without the pages freed by earlier tests on this test database (demo staff names, which are plain by
        # design, can share a word with the secrets below): the scan reads what the database holds now.
        copy.execute("VACUUM")
        copy.close()
        return target.read_bytes()
    chunks: list[str] = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            cursor.execute(f'SELECT t::text FROM "{table}" t')  # noqa: S608 (names from the catalogue)
            chunks.extend(row[0] for row in cursor.fetchall())
    return "\n".join(chunks).encode("utf-8")
