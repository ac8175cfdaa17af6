"""Query helpers shared by the apps' selectors and filters."""

from __future__ import annotations

import json

from django.db import connection
from django.db.models import F, Func, IntegerField, Q, TextField, Value
from django.db.models.functions import Cast
from django.db.models.lookups import GreaterThan


class _Instr(Func):
    function = "INSTR"
    output_field = IntegerField()


def json_list_has(field: str, code: str) -> Q:
    """Rows whose JSON list `field` holds `code` (indexable containment on PostgreSQL, quoted text on SQLite).

    On SQLite the stored JSON text is searched for the code as JSON writes it, quotes included, with INSTR:
    case-sensitive, unlike LIKE, so "forcedlabour" or "Labour" never match "ForcedLabour"."""
    if connection.features.supports_json_field_contains:
        return Q(**{f"{field}__contains": [code]})
    return Q(GreaterThan(_Instr(Cast(F(field), TextField()), Value(json.dumps(str(code)))), 0))
