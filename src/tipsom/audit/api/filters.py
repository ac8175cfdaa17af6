"""The audit search for the API: the screen's filters, with instants instead of whole days."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from tipsom.audit.filters import AuditEventFilterSet


class AuditEventApiFilterSet(AuditEventFilterSet):
    # The screen's names for these (user, date_from, date_to) give way to the API's.
    user = None
    date_from = None
    date_to = None
    actor = django_filters.CharFilter(label=_("Actor (username)"), method="filter_user")
    created_after = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte", label=_("Created at or after (ISO 8601)")
    )
    created_before = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="lt", label=_("Created before (ISO 8601)")
    )

    def is_valid(self) -> bool:
        valid = super().is_valid()
        start, end = self.form.cleaned_data.get("created_after"), self.form.cleaned_data.get("created_before")
        if valid and start and end and start > end:
            self.form.add_error("created_before", _("The end is before the start."))
            return False
        return valid
