"""What the audit screen says about the quality review, blocked numbers and the statistics' export (registered from
plugins.py): a review is named by its contact's number and linked to its review screen; a block by its number in
the list (never the blocked number itself). The actions' words are here too."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tipsom.core.registry import AuditObjectLabels

ACTIONS = {
    "helpline.number.block": _("Number blocked at the helpline"),
    "helpline.number.unblock": _("Block of a number lifted"),
    "helpline.review.create": _("Helpline contact reviewed"),
    "helpline.review.update": _("Review of a helpline contact corrected"),
    "helpline.stats.export": _("Helpline statistics exported"),
}


def _digits(ids: list[str]) -> list[int]:
    return [int(i) for i in ids if i.isdigit()]


def review_labels(ids: list[str]) -> dict[str, tuple[str, str]]:
    from tipsom.helpline.models import ContactReview

    rows = ContactReview.objects.filter(pk__in=_digits(ids)).values_list("pk", "contact_id", "contact__reference")
    return {
        str(pk): (f"{reference} · {pk}", reverse("helpline:review_contact", kwargs={"pk": contact_id}))
        for pk, contact_id, reference in rows
    }


def block_labels(ids: list[str]) -> dict[str, tuple[str, str]]:
    from tipsom.helpline.models import BlockedNumber

    found = BlockedNumber.objects.filter(pk__in=_digits(ids)).values_list("pk", flat=True)
    return {str(pk): (f"#{pk}", reverse("helpline:blocks")) for pk in found}


def entries() -> Iterator[tuple[str, Any, str | None]]:
    for code, label in ACTIONS.items():
        yield "audit_actions", label, code
    yield "audit_object_labels", AuditObjectLabels(review_labels), "helpline.contactreview"
    yield "audit_object_labels", AuditObjectLabels(block_labels), "helpline.blockednumber"
