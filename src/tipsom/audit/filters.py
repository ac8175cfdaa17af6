"""The auditor's search: events by user, object, action and date (shared by the screen and the API). Words work
everywhere: a user's name, an action in words ("reviewed"), an object's readable name (a case number), or all
of them at once in `q`."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tipsom.audit.labels import actions_matching, objects_matching
from tipsom.audit.models import AuditEvent


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min), timezone.get_current_timezone())


def _objects_q(text: str) -> Q:
    """Events about the objects whose readable name matches `text` (nothing when none does)."""
    query = Q(pk__in=[])
    for object_type, ids in objects_matching(text).items():
        query |= Q(object_type=object_type, object_id__in=ids)
    return query


def _actor_q(text: str) -> Q:
    return Q(actor__username__iexact=text) | Q(actor_label__iexact=text) | Q(actor__full_name__icontains=text)


class AuditEventFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Words"),
        method="filter_words",
        help_text=_("An action in words, a user's name or a case number, such as: reviewed, Maria, BR-2026-000063."),
    )
    user = django_filters.CharFilter(
        label=_("User"), method="filter_user", help_text=_("A username, or part of a user's full name.")
    )
    action = django_filters.CharFilter(
        label=_("Action"),
        method="filter_action",
        help_text=_("In words (such as: closed, revealed) or as a code (user.update, or user. for every user action)."),
    )
    object = django_filters.CharFilter(
        label=_("Object"), method="filter_object", help_text=_("A case number, a user's or an organization's name.")
    )
    object_type = django_filters.CharFilter(label=_("Object type"), help_text=_("Such as accounts.user."))
    object_id = django_filters.CharFilter(label=_("Object id"))
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
        # Failed sign-ins have no actor, only the username that was typed: search both, and the full names.
        return queryset.filter(_actor_q(value))

    def filter_action(self, queryset: QuerySet[AuditEvent], name: str, value: Any) -> QuerySet[AuditEvent]:
        value = (value or "").strip()
        if not value:
            return queryset
        if value.endswith("."):
            return queryset.filter(action__startswith=value)
        return queryset.filter(Q(action=value) | Q(action__in=actions_matching(value)))

    def filter_object(self, queryset: QuerySet[AuditEvent], name: str, value: Any) -> QuerySet[AuditEvent]:
        value = (value or "").strip()
        return queryset.filter(_objects_q(value)) if value else queryset

    def filter_words(self, queryset: QuerySet[AuditEvent], name: str, value: Any) -> QuerySet[AuditEvent]:
        """Events whose action in words, user or object name matches the text."""
        value = " ".join((value or "").split())
        if not value:
            return queryset
        query = Q(action__in=actions_matching(value)) | _actor_q(value) | _objects_q(value)
        return queryset.filter(query)

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
