"""What field submissions bring to the lower layers through the registry (read by IntakeConfig.ready()): the
"Field submissions" menu entry with the count waiting, the audit words of their actions, and their audit labels
("Submission 12", linked to its page; a form version by its id and version). Never a name."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from tipsom.core.registry import AuditObjectLabels, MenuItem

AUDIT_ACTIONS = {
    "intake.form_publish": pgettext_lazy("audit action", "Field form published"),
    "intake.submissions_import": pgettext_lazy("audit action", "Field submissions imported"),
    "intake.submission_accept": pgettext_lazy("audit action", "Field submission accepted (case registered)"),
    "intake.submission_merge": pgettext_lazy("audit action", "Field submission merged into a registered person"),
    "intake.submission_reject": pgettext_lazy("audit action", "Field submission rejected"),
}


def _may_review(user: Any) -> bool:
    from tipsom.core.permissions import user_can
    from tipsom.intake.models import Submission

    return user_can(user, "view", Submission)


def _badge(user: Any) -> int | None:
    from tipsom.intake.submissions.selectors import pending_count

    return pending_count(user)


UPLOAD_PATH = "/intake/submissions/upload/"


def _upload_limit() -> int:
    from tipsom.intake.views import upload_size_limit

    return upload_size_limit()


def _digits(ids: list[str]) -> list[int]:
    return [int(i) for i in ids if i.isdigit()]


def submission_labels(ids: list[str]) -> dict[str, tuple[str, str]]:
    from tipsom.intake.models import Submission

    found = Submission.objects.filter(pk__in=_digits(ids)).values_list("pk", flat=True)
    return {
        str(pk): (_("Submission %(id)s") % {"id": pk}, reverse("intake:submission", kwargs={"pk": pk})) for pk in found
    }


def form_labels(ids: list[str]) -> dict[str, tuple[str, str]]:
    from tipsom.intake.models import FieldForm

    rows = FieldForm.objects.filter(pk__in=_digits(ids)).values_list("pk", "form_id", "version")
    return {str(pk): (f"{form_id} {version}", "") for pk, form_id, version in rows}


def entries() -> Iterator[tuple[str, Any, str | None]]:
    from django.utils.translation import gettext_lazy

    yield (
        "menu_items",
        MenuItem(gettext_lazy("Field submissions"), "intake:submissions", _may_review, 47, badge=_badge),
        None,
    )
    yield "request_size_limits", _upload_limit, UPLOAD_PATH
    for code, label in AUDIT_ACTIONS.items():
        yield "audit_actions", label, code
    yield "audit_object_labels", AuditObjectLabels(submission_labels), "intake.submission"
    yield "audit_object_labels", AuditObjectLabels(form_labels), "intake.fieldform"
