"""What the audit screen says about matching (registered from plugins.py): its actions in words, and its records
named by their number, linked to their page (which checks its own permissions). Never a person's name."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.urls import reverse
from django.utils.translation import pgettext_lazy

from tipsom.core.registry import AuditObjectLabels

ACTIONS: dict[str, Any] = {
    "person.merge": pgettext_lazy("audit action", "Persons merged"),
    "person.unmerge": pgettext_lazy("audit action", "Merge of persons undone"),
    "matching.pair_decide": pgettext_lazy("audit action", "Possible duplicate decided"),
    "matching.pair_found": pgettext_lazy("audit action", "Possible duplicate found at registration"),
    "matching.access_request": pgettext_lazy("audit action", "Access to a person asked for"),
    "matching.access_answer": pgettext_lazy("audit action", "Request for access to a person answered"),
    "matching.dedupe": pgettext_lazy("audit action", "Deduplication job run"),
    "matching.reindex": pgettext_lazy("audit action", "Match keys rebuilt"),
    "demo.matching": pgettext_lazy("audit action", "Demo duplicate persons loaded"),
}


def _digits(ids: list[str]) -> list[int]:
    return [int(i) for i in ids if i.isdigit()]


def _labeller(model_name: str, url: Callable[[int], str]) -> Callable[[list[str]], dict[str, tuple[str, str]]]:
    """Each record named as its model names itself ("Pair 12", "Merge 3"), linked to `url(pk)`."""

    def labels(ids: list[str]) -> dict[str, tuple[str, str]]:
        from django.apps import apps

        model = apps.get_model("matching", model_name)
        found = model.objects.filter(pk__in=_digits(ids)).only("pk")
        return {str(row.pk): (str(row), url(row.pk)) for row in found}

    return labels


def _find(model_name: str) -> Callable[[str], list[str]]:
    """The record whose label an auditor typed in full ("Pair 12", in the language of the screen): a bare number
    would name a record of every type."""

    def find(text: str) -> list[str]:
        from django.apps import apps

        words = text.split()
        if len(words) < 2 or not words[-1].isdigit():
            return []
        model = apps.get_model("matching", model_name)
        pk = int(words[-1])
        if str(model(pk=pk)).casefold() != " ".join(words).casefold():
            return []
        return [str(found) for found in model.objects.filter(pk=pk).values_list("pk", flat=True)]

    return find


def entries() -> Iterator[tuple[str, Any, str | None]]:
    for code, label in ACTIONS.items():
        yield "audit_actions", label, code
    objects = {
        "matching.candidatepair": ("CandidatePair", lambda pk: reverse("matching:pair", kwargs={"pk": pk})),
        "matching.accessrequest": ("AccessRequest", lambda pk: reverse("matching:access_request", kwargs={"pk": pk})),
        "matching.personmerge": ("PersonMerge", lambda pk: reverse("matching:merges")),
        "matching.dedupejob": ("DedupeJob", lambda pk: reverse("matching:jobs")),
    }
    for object_type, (model_name, url) in objects.items():
        yield "audit_object_labels", AuditObjectLabels(_labeller(model_name, url), _find(model_name)), object_type
