"""JSON read from outside (API bodies, referral bundles) with bounded nesting: Python's decoder answers deep
nesting with a RecursionError, and whatever walks a deeply nested value later could too."""

from __future__ import annotations

import json
from typing import Any

from django.utils.translation import gettext

# tipsom's deepest payload (a case with its person's names) nests 5 levels; a referral bundle about as deep.
MAX_JSON_DEPTH = 32


class JSONTooDeep(ValueError):
    """A ValueError, as json.loads raises for any other malformed text."""

    def __init__(self, limit: int = MAX_JSON_DEPTH):
        super().__init__(gettext("JSON nested more than %(limit)d levels deep is not accepted.") % {"limit": limit})


def json_nesting_exceeds(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether objects and arrays nest more than `limit` levels inside `value` (walked without recursion)."""
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False


def check_json_nesting(value: Any, limit: int = MAX_JSON_DEPTH) -> Any:
    """`value`, or JSONTooDeep if it nests too deep."""
    if json_nesting_exceeds(value, limit):
        raise JSONTooDeep(limit)
    return value


def json_loads(text: str | bytes, *, limit: int = MAX_JSON_DEPTH) -> Any:
    """json.loads that raises JSONTooDeep (a ValueError) instead of a RecursionError or a too deep value."""
    try:
        value = json.loads(text)
    except RecursionError:
        raise JSONTooDeep(limit) from None
    return check_json_nesting(value, limit)
