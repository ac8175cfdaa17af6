"""The auditor's search: events by user, object, action and date (shared by the screen and, later, the API)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tipsom.audit.models import AuditEvent


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


class AuditEventFilterSet(django_filters.FilterSet):
    user = django_filters.CharFilter(label=_("User (username)"), method="filter_user")
    object_type = django_filters.CharFilter(label=_("Object type"), help_text=_("Such as accounts.user."))
    object_id = django_filters.CharFilter(label=_("Object id"))
    action = django_filters.CharFilter(
        label=_("Action"), method="filter_action", help_text=_("Such as user.update, or user. for every user action.")
    )
    date_from = django_filters.DateFilter(
        label=_("From (date)"),
        method="filter_date_from",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    date_to = django_filters.DateFilter(
        label=_("To (date, inclusive)"),
        method="filter_date_to",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    class Meta:
        model = AuditEvent
        fields: list[str] = []

    def filter_user(self, queryset: QuerySet[AuditEvent], name: str, value: Any) -> QuerySet[AuditEvent]:
        value = (value or "").strip()
        if not value:
            return queryset
        # Failed sign-ins have no actor, only the username that was typed: search both.
        return queryset.filter(Q(actor__username__iexact=value) | Q(actor_label__iexact=value))

    def filter_action(self, queryset: QuerySet[AuditEvent], name: str, value: Any) -> QuerySet[AuditEvent]:
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(action__startswith=value) if value.endswith(".") else queryset.filter(action=value)

    def filter_date_from(self, queryset: QuerySet[AuditEvent], name: str, value: date) -> QuerySet[AuditEvent]:
        return queryset.filter(created_at__gte=_start_of(value))

    def filter_date_to(self, queryset: QuerySet[AuditEvent], name: str, value: date) -> QuerySet[AuditEvent]:
        return queryset.filter(created_at__lt=_start_of(value + timedelta(days=1)))

    def is_valid(self) -> bool:
        valid = super().is_valid()
        start, end = self.form.cleaned_data.get("date_from"), self.form.cleaned_data.get("date_to")
        if valid and start and end and start > end:
            self.form.add_error("date_to", _("The end date is before the start date."))
            return False
        return valid
