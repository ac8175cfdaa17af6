"""Template tags of the quality review, blocked numbers and statistics that other helpline pages include: the
links to them a user may follow (the queue's and the list's header), and the contact page's blocked-number part
(the warning when the number a contact came from is blocked, and the button that blocks it)."""

from __future__ import annotations

from typing import Any

from django import template

from tipsom.core.permissions import user_can
from tipsom.helpline.forms_quality import BlockForm
from tipsom.helpline.models import BlockedNumber, Contact, ContactReview
from tipsom.helpline.selectors_blocks import contact_block
from tipsom.helpline.selectors_stats import may_see_stats
from tipsom.helpline.services.blocks import may_block_longer

register = template.Library()


@register.inclusion_tag("helpline/_quality_links.html", takes_context=True)
def helpline_quality_links(context: Any) -> dict[str, Any]:
    user = context["request"].user
    return {
        "reviews": user_can(user, "add", ContactReview),
        "own_reviews": user_can(user, "view", Contact) and not user_can(user, "view", ContactReview),
        "blocks": user_can(user, "view", BlockedNumber),
        "stats": may_see_stats(user),
    }


@register.inclusion_tag("helpline/blocks/_contact.html", takes_context=True)
def helpline_contact_block(context: Any, contact: Contact) -> dict[str, Any]:
    """The block in force on the contact's number (a warning), or the form that blocks it: for a contact that
    holds a caller's number (not an anonymous, silent or prank one, which keep none)."""
    request = context["request"]
    user = request.user
    block = contact_block(user=user, contact=contact)
    can_block = (
        block is None
        and bool(contact.caller_number_index)
        and user_can(user, "add", BlockedNumber)
        and user.organization_id == contact.owner_organization_id
    )
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "contact": contact,
        "block": block,
        "form": BlockForm(longer=may_block_longer(user), with_number=False) if can_block else None,
    }


@register.simple_tag
def review_criteria_met(review: Any) -> list[tuple[Any, bool]]:
    """[(criterion's label, met)] of the criteria the review assessed, in the criteria's order."""
    from tipsom.helpline.services.review import REVIEW_CRITERIA

    criteria = review.criteria or {}
    return [(label, bool(criteria[code])) for code, label in REVIEW_CRITERIA.items() if code in criteria]


_LABELS: dict[tuple[str, str, str], dict[Any, str]] = {}


@register.filter
def choice_label(record: Any, field_name: str) -> str:
    """`record.get_<field_name>_display()` without its cost: Django builds (and translates) the field's whole list of
    choices at every call; this reads a table made once per field and language. A list of 50 contacts asks 200
    labels."""
    from django.utils.translation import get_language

    key = (record._meta.label_lower, field_name, get_language() or "")
    labels = _LABELS.get(key)
    if labels is None:
        field = record._meta.get_field(field_name)
        labels = _LABELS[key] = {value: str(label) for value, label in field.flatchoices}
    value = getattr(record, field_name)
    return labels.get(value, value)
