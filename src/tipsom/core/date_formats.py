"""Dates as tipsom shows them outside templates (the PDF letter, notifications, exports for people): the active
language's one short date and one date-time format (tipsom/formats/), the same as the `date` filter gives."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import formats, timezone


def format_date(value: date | datetime | None, *, empty: str = "—") -> str:
    """A date (or the local date of a moment) in the active language's short date format."""
    if value is None:
        return empty
    if isinstance(value, datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return formats.date_format(value, "SHORT_DATE_FORMAT")


def format_datetime(value: datetime | None, *, empty: str = "—") -> str:
    """A moment in local time, in the active language's date-time format."""
    if value is None:
        return empty
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return formats.date_format(value, "SHORT_DATETIME_FORMAT")
