"""`{% masked %}`: the one mask (core.masking.MASKED) in templates, for a value that is never shown there."""

from django import template

from tipsom.core.masking import MASKED

register = template.Library()


@register.simple_tag
def masked() -> str:
    return MASKED
