"""Filters of the service directory, shared by the search screen and the API.

The eligibility conditions (sex, age, type of case, region) are built by functions the pathway suggestions use
too, so "who a service serves" has one definition. Empty lists and missing ages on a service mean "everyone"."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tipsom.cases.models import CaseType
from tipsom.core import locale_names
from tipsom.core.codes import code_choices
from tipsom.core.integers import IdFilter
from tipsom.core.queries import json_list_has
from tipsom.referrals.models import Service, ServiceType


def language_choices() -> list[tuple[str, str]]:
    """ISO 639-1 languages (two-letter codes) by their CLDR name in the active language, sorted by its collation
    (computed once per language)."""
    return locale_names.language_choices(alpha=2)


def _sex_choices() -> list[tuple[str, str]]:
    return code_choices("prs_Gender")


# --- Who a service serves, as conditions ------------------------------------------------------------------------
def serves_sex(sex: str) -> Q:
    return Q(sexes=[]) | json_list_has("sexes", sex)


def serves_ages(youngest: int, oldest: int) -> Q:
    """Services whose age range overlaps [youngest, oldest] (an exact age: both the same)."""
    return (Q(age_min__isnull=True) | Q(age_min__lte=oldest)) & (Q(age_max__isnull=True) | Q(age_max__gte=youngest))


def serves_case_type(case_type: str) -> Q:
    """A case of both kinds is served by a service for either."""
    if case_type == CaseType.TIP:
        return Q(serves_tip=True)
    if case_type == CaseType.SOM:
        return Q(serves_som=True)
    return Q(serves_tip=True) | Q(serves_som=True)


def covers_region(region: str) -> Q:
    """Nationwide services (no region listed) and those listing the region."""
    return Q(regions=[]) | json_list_has("regions", region)


# "Free places only" keeps the services with a place free and those not counted in places (counselling,
# legal aid): only a service that reports itself full is left out.
HAS_PLACES = Q(capacity_available__gt=0) | Q(capacity_available__isnull=True)


class ServiceFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name"), field_name="name", lookup_expr="icontains", max_length=200)
    need = django_filters.ChoiceFilter(
        label=_("Type of service"), field_name="service_type", choices=ServiceType.choices
    )
    region = django_filters.CharFilter(label=_("Region code"), method="filter_region", max_length=10)
    sex = django_filters.ChoiceFilter(label=_("Sex"), choices=_sex_choices, method="filter_sex")
    age = django_filters.NumberFilter(label=_("Age"), method="filter_age", min_value=0, max_value=120)
    case_type = django_filters.ChoiceFilter(
        label=_("Type of case"), choices=CaseType.choices, method="filter_case_type"
    )
    language = django_filters.ChoiceFilter(label=_("Language"), choices=language_choices, method="filter_language")
    free_places = django_filters.BooleanFilter(label=_("Free places only"), method="filter_free_places")
    organization = IdFilter(label=_("Organization"), field_name="organization_id")
    include_inactive = django_filters.BooleanFilter(label=_("Include inactive services"), method="filter_noop")

    class Meta:
        model = Service
        fields: list[str] = []

    def filter_queryset(self, queryset: QuerySet[Service]) -> QuerySet[Service]:
        # Active services only, unless asked for the inactive ones too.
        queryset = super().filter_queryset(queryset)
        if not self.form.cleaned_data.get("include_inactive"):
            queryset = queryset.filter(is_active=True)
        return queryset

    def filter_noop(self, queryset: QuerySet[Service], name: str, value: Any) -> QuerySet[Service]:
        return queryset

    def filter_region(self, queryset: QuerySet[Service], name: str, value: Any) -> QuerySet[Service]:
        value = (value or "").strip().upper()
        return queryset.filter(covers_region(value)) if value else queryset

    def filter_sex(self, queryset: QuerySet[Service], name: str, value: Any) -> QuerySet[Service]:
        return queryset.filter(serves_sex(value)) if value else queryset

    def filter_age(self, queryset: QuerySet[Service], name: str, value: Any) -> QuerySet[Service]:
        return queryset if value is None else queryset.filter(serves_ages(int(value), int(value)))

    def filter_case_type(self, queryset: QuerySet[Service], name: str, value: Any) -> QuerySet[Service]:
        return queryset.filter(serves_case_type(value)) if value else queryset

    def filter_language(self, queryset: QuerySet[Service], name: str, value: Any) -> QuerySet[Service]:
        return queryset.filter(json_list_has("languages", value)) if value else queryset

    def filter_free_places(self, queryset: QuerySet[Service], name: str, value: Any) -> QuerySet[Service]:
        return queryset.filter(HAS_PLACES) if value else queryset
