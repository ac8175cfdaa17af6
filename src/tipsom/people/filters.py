"""Filters of the person list, shared by the screen and the API: statistical fields, and blind-index searches by
name or document (the registry is never decrypted to search it)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tipsom.core.permissions import user_can
from tipsom.core.queries import json_list_has
from tipsom.organizations import geography
from tipsom.people import selectors
from tipsom.people.models import Person, gender_choices

IDENTIFYING_SEARCH_REFUSED = _(
    "Searching by name or document number needs the permission to see identities, which your role does not have."
)


class IdentifyingSearchFilterSet(django_filters.FilterSet):
    """A filter set whose searches by something that identifies a person (a name, a document number) need the
    permission to reveal persons: without it, such a search would confirm that a named person is in the victim
    registry. The one rule for every list that searches persons (people, cases; screen and API alike): refused
    as a 400 naming the field, nothing searched."""

    identifying_filters: tuple[str, ...] = ()

    def is_identifying(self, name: str, value: Any) -> bool:
        return bool(value)

    def may_search_identities(self) -> bool:
        user = getattr(self.request, "user", None)
        return user is not None and user_can(user, "reveal", Person)

    def get_form_class(self) -> Any:
        form_class = super().get_form_class()
        filterset = self

        class IdentifyingSearchForm(form_class):  # type: ignore[misc, valid-type]
            def clean(self) -> dict[str, Any]:
                cleaned = super().clean()
                asked = [
                    name
                    for name in filterset.identifying_filters
                    if cleaned.get(name) and filterset.is_identifying(name, cleaned[name])
                ]
                if asked and not filterset.may_search_identities():
                    for name in asked:
                        self.add_error(name, IDENTIFYING_SEARCH_REFUSED)
                return cleaned

        return IdentifyingSearchForm


class PersonFilterSet(IdentifyingSearchFilterSet):
    identifying_filters = ("name", "document")

    citizenship = django_filters.ChoiceFilter(
        label=_("Citizenship"), choices=geography.country_choices, method="filter_citizenship", empty_label=_("(any)")
    )
    gender = django_filters.ChoiceFilter(label=_("Gender"), choices=gender_choices, empty_label=_("(any)"))
    name = django_filters.CharFilter(
        label=_("Name"),
        method="filter_name",
        max_length=200,
        help_text=_("A name or part of one (a word, or its first 3 letters or more), in any script or order."),
    )
    document = django_filters.CharFilter(label=_("Document number"), method="filter_document", max_length=100)

    class Meta:
        model = Person
        fields: list[str] = []

    def filter_citizenship(self, queryset: QuerySet[Person], name: str, value: Any) -> QuerySet[Person]:
        return queryset.filter(json_list_has("citizenships", value)) if value else queryset

    def filter_name(self, queryset: QuerySet[Person], name: str, value: Any) -> QuerySet[Person]:
        # Keyed hashes only: the registry is never decrypted to search it.
        if not value:
            return queryset
        user = getattr(self.request, "user", None)
        if user is None:
            return queryset.none()
        return queryset.filter(pk__in=selectors.person_search_by_name(user=user, query=value).values("pk"))

    def filter_document(self, queryset: QuerySet[Person], name: str, value: Any) -> QuerySet[Person]:
        if not value:
            return queryset
        user = getattr(self.request, "user", None)
        if user is None:
            return queryset.none()
        return queryset.filter(pk__in=selectors.person_search_by_document(user=user, number=value).values("pk"))
