"""Filters for the case list, shared by the screen and the API."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tipsom.cases.models import Case, CaseType, case_status_choices, trafficking_status_choices
from tipsom.cases.selectors import case_number_candidates, case_search
from tipsom.core.codes import code_choices
from tipsom.core.filtering import YesNoFilter
from tipsom.core.integers import IdFilter
from tipsom.core.queries import json_list_has
from tipsom.organizations import geography
from tipsom.people.filters import IdentifyingSearchFilterSet


def _exploitation_choices() -> list[tuple[str, str]]:
    return code_choices("vic_TypeOfExploitation")


class CaseFilterSet(IdentifyingSearchFilterSet):
    identifying_filters = ("q",)

    q = django_filters.CharFilter(
        label=_("Case number or name"),
        method="filter_q",
        max_length=200,
        help_text=_("A case number (2026-63), or a name or part of one (3 letters or more), in any script or order."),
    )
    status = django_filters.ChoiceFilter(label=_("Status"), choices=case_status_choices)
    case_type = django_filters.ChoiceFilter(label=_("Type"), choices=CaseType.choices)
    trafficking_status = django_filters.ChoiceFilter(label=_("Trafficking status"), choices=trafficking_status_choices)
    exploitation = django_filters.ChoiceFilter(
        label=_("Form of exploitation"), choices=_exploitation_choices, method="filter_exploitation"
    )
    citizenship = django_filters.ChoiceFilter(
        label=_("Citizenship"), choices=geography.country_choices, method="filter_citizenship"
    )
    region = django_filters.CharFilter(label=_("Region code"), method="filter_region")
    organization = IdFilter(label=_("Organization"), field_name="owner_organization_id")
    identified_from = django_filters.DateFilter(
        label=_("Identified from"), field_name="identified_on", lookup_expr="gte"
    )
    identified_to = django_filters.DateFilter(label=_("Identified to"), field_name="identified_on", lookup_expr="lte")
    is_child = YesNoFilter(label=_("Child"))

    class Meta:
        model = Case
        fields: list[str] = []

    def is_identifying(self, name: str, value: Any) -> bool:
        # A case number identifies a case, not a person: anyone who sees cases may look one up.
        return bool(value) and case_number_candidates(str(value)) is None

    def filter_q(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        return case_search(queryset, value)

    def filter_exploitation(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        return queryset.filter(json_list_has("exploitation_types", value)) if value else queryset

    def filter_citizenship(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        # The case's copy of its person's citizenships: no join with every person (Case.citizenships).
        return queryset.filter(json_list_has("citizenships", value)) if value else queryset

    def filter_region(self, queryset: QuerySet[Case], name: str, value: Any) -> QuerySet[Case]:
        value = (value or "").strip().upper()
        return queryset.filter(region=value) if value else queryset
