"""Integers from outside (query strings, JSON bodies, forms) kept within what the database stores.

PostgreSQL's bigint and SQLite's INTEGER hold -2^63 .. 2^63-1. A larger number reaching a query is an
OverflowError on SQLite (a 500), so every integer a request may carry is bounded where it is parsed: record ids
with IdFilter (lists), IdField (API) and IdFormField (forms), other numbers with the bounds of their meaning."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from rest_framework import serializers

DB_INT_MIN = -(2**63)
DB_INT_MAX = 2**63 - 1


class IdFormField(forms.IntegerField):
    """A record id in a form: a whole number from 1 to the largest the database stores."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", DB_INT_MAX)
        super().__init__(**kwargs)


class IdFilter(django_filters.NumberFilter):
    """Filters a list by a record id (`?organization=12`); anything else is the filter form's error (a 400 in
    the API), never a number the database cannot compare."""

    field_class = IdFormField


class IdField(serializers.IntegerField):
    """A record id in an API body or query: 1 .. 2^63-1, as the schema says (minimum and maximum)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", DB_INT_MAX)
        super().__init__(**kwargs)
