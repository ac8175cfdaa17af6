"""The contact list's filters, shared by the screen and the API. Each is a coded column of the contact (never a
caller's value); a helpline's list is served by its (organization, id) and (organization, time) indexes."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tipsom.helpline.models import Channel, Contact, ContactStatus, ContactType, Urgency


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


class ContactFilterSet(django_filters.FilterSet):
    reference = django_filters.CharFilter(label=_("Contact number"), method="filter_reference", max_length=24)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=ContactStatus.choices)
    contact_type = django_filters.ChoiceFilter(label=_("Type of contact"), choices=ContactType.choices)
    channel = django_filters.ChoiceFilter(label=_("Channel"), choices=Channel.choices)
    urgency = django_filters.ChoiceFilter(label=_("Urgency"), choices=Urgency.choices)
    assigned = django_filters.ChoiceFilter(
        label=_("Assigned"), choices=[("me", _("To me")), ("nobody", _("To nobody"))], method="filter_assigned"
    )
    # A day is a range of times in the deployment's time zone, so that the (organization, time) index serves it.
    date_from = django_filters.DateFilter(label=_("From"), method="filter_date_from")
    date_to = django_filters.DateFilter(label=_("Until"), method="filter_date_to")

    class Meta:
        model = Contact
        fields: list[str] = []

    def filter_reference(self, queryset: QuerySet[Contact], name: str, value: Any) -> QuerySet[Contact]:
        text = "".join(str(value or "").split()).upper()
        return queryset.filter(reference=text) if text else queryset

    def filter_date_from(self, queryset: QuerySet[Contact], name: str, value: date) -> QuerySet[Contact]:
        return queryset.filter(started_at__gte=_day_start(value))

    def filter_date_to(self, queryset: QuerySet[Contact], name: str, value: date) -> QuerySet[Contact]:
        return queryset.filter(started_at__lt=_day_start(value + timedelta(days=1)))

    def filter_assigned(self, queryset: QuerySet[Contact], name: str, value: Any) -> QuerySet[Contact]:
        if value == "me":
            user = getattr(self.request, "user", None)
            return queryset.filter(assigned_to_id=getattr(user, "pk", None))
        if value == "nobody":
            return queryset.filter(assigned_to__isnull=True)
        return queryset


def filter_widgets(form: forms.Form) -> None:
    for name in ("date_from", "date_to"):
        form.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
