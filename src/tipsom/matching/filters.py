"""Filters of the review queue, shared by the screen and the API: the status (to review by default) and how the
pair was found."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from tipsom.matching.models import CandidatePair

ANY = "any"
DEFAULT_STATUS = CandidatePair.Status.PROPOSED


def with_default_status(query: QueryDict) -> QueryDict:
    """The query with `status=proposed` when it names no status: the queue opens on the pairs still to review."""
    if query.get("status"):
        return query
    data = query.copy()
    data["status"] = DEFAULT_STATUS
    return data


class PairFilterSet(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[*CandidatePair.Status.choices, (ANY, _("Any"))],
        method="filter_status",
        empty_label=None,
    )
    source = django_filters.ChoiceFilter(
        label=_("Found by"), choices=CandidatePair.Source.choices, empty_label=_("Any")
    )

    class Meta:
        model = CandidatePair
        fields = ["status", "source"]

    def filter_status(self, queryset: QuerySet[Any], name: str, value: str) -> QuerySet[Any]:
        return queryset if value in ("", ANY) else queryset.filter(status=value)
