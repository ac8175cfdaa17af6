"""Filters for the organization directory (shared by the screen and, later, the API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tipsom.core.filtering import YesNoFilter
from tipsom.core.queries import json_list_has
from tipsom.organizations import geography
from tipsom.organizations.models import Organization, OrganizationFunction, OrganizationType


class OrganizationFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains")
    country = django_filters.ChoiceFilter(label=_("Country"), choices=geography.country_choices)
    region = django_filters.CharFilter(label=_("Region code"), method="filter_region")
    type = django_filters.ChoiceFilter(label=_("Type"), choices=OrganizationType.choices)
    function = django_filters.ChoiceFilter(
        label=_("Function"), choices=OrganizationFunction.choices, method="filter_function"
    )
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = Organization
        fields: list[str] = []

    def filter_region(self, queryset: QuerySet[Organization], name: str, value: Any) -> QuerySet[Organization]:
        value = (value or "").strip().upper()
        return queryset.filter(region=value) if value else queryset

    def filter_function(self, queryset: QuerySet[Organization], name: str, value: Any) -> QuerySet[Organization]:
        return queryset.filter(json_list_has("functions", value)) if value else queryset
