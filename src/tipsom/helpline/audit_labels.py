"""What the audit screen says about helpline records (registered from plugins.py): a contact is named by its
number and linked to its page (which checks its own permissions); a callback by its contact's number. Never a
caller's value. The actions' words are here too."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tipsom.core.registry import AuditObjectLabels

ACTIONS = {
    "helpline.contact.create": _("Helpline contact recorded"),
    "helpline.contact.update": _("Helpline contact changed"),
    "helpline.contact.assign": _("Helpline contact assigned"),
    "helpline.contact.close": _("Helpline contact closed"),
    "helpline.contact.reopen": _("Helpline contact reopened"),
    "helpline.contact.link": _("Helpline contacts linked"),
    "helpline.contact.unlink": _("Helpline contact unlinked"),
    "helpline.contact.case_open": _("Case opened from a helpline contact"),
    "helpline.contact.case_link": _("Helpline contact linked to a case"),
    "helpline.contact.refer": _("Referral from a helpline contact"),
    "helpline.callback.schedule": _("Callback scheduled"),
    "helpline.callback.complete": _("Callback done"),
    "demo.helpline": _("Demo helpline contacts loaded"),
}


def _digits(ids: list[str]) -> list[int]:
    return [int(i) for i in ids if i.isdigit()]


def contact_labels(ids: list[str]) -> dict[str, tuple[str, str]]:
    from tipsom.helpline.models import Contact

    rows = Contact.objects.filter(pk__in=_digits(ids)).values_list("pk", "reference", "country")
    return {
        str(pk): (f"{country} {reference}", reverse("helpline:detail", kwargs={"pk": pk}))
        for pk, reference, country in rows
    }


def contact_find(text: str) -> list[str]:
    """The contacts a typed number means (HL-2026-000123), in any country."""
    from tipsom.helpline.models import Contact

    found = Contact.objects.filter(reference="".join(text.split()).upper())
    return [str(pk) for pk in found.values_list("pk", flat=True)[:200]]


def callback_labels(ids: list[str]) -> dict[str, tuple[str, str]]:
    from tipsom.helpline.models import Callback

    rows = Callback.objects.filter(pk__in=_digits(ids)).values_list("pk", "contact_id", "contact__reference")
    return {
        str(pk): (f"{reference} · {pk}", reverse("helpline:detail", kwargs={"pk": contact_id}))
        for pk, contact_id, reference in rows
    }


def entries() -> Iterator[tuple[str, Any, str | None]]:
    for code, label in ACTIONS.items():
        yield "audit_actions", label, code
    yield "audit_object_labels", AuditObjectLabels(contact_labels, contact_find), "helpline.contact"
    yield "audit_object_labels", AuditObjectLabels(callback_labels), "helpline.callback"
