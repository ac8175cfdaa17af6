"""Cells of the files tipsom writes for spreadsheets (CSV, XLSX): a text that a spreadsheet would run as a formula
(it starts with = + - @, a tab or a carriage return) gets an apostrophe in front (OWASP's advice on CSV injection).
Reading such files back (tipsom.intake.files) strips that apostrophe again."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def escape_formula(text: str) -> str:
    """A cell for a file we write: one a spreadsheet would run as a formula gets an apostrophe in front."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
