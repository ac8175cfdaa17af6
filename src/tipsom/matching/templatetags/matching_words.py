"""Matching's words in templates: `{{ reasons|reason_words }}`, `{{ warnings|warning_words }}`,
`{{ probability|match_percent }}` and `{{ gender|gender_label }}` (matching/_candidates.html and the review pages)."""

from __future__ import annotations

from typing import Any

from django import template

from tipsom.core.codes import code_label
from tipsom.matching import wording

register = template.Library()


@register.filter
def reason_words(reasons: Any) -> list[str]:
    return wording.reason_words(reasons)


@register.filter
def warning_words(warnings: Any) -> list[str]:
    return wording.warning_words(warnings)


@register.filter
def match_percent(probability: Any) -> str:
    return wording.probability_text(probability)


@register.filter
def gender_label(code: Any) -> str:
    return code_label("prs_Gender", str(code)) if code else ""
