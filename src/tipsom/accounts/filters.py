"""Filters for the user administration list (shared by the screen and, later, the API)."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tipsom.accounts.models import User
from tipsom.accounts.selectors import role_list
from tipsom.core.filtering import YesNoFilter
from tipsom.organizations.selectors import organization_list


class UserFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Username or name"), method="filter_search")
    organization = django_filters.ModelChoiceFilter(
        label=_("Organization"), queryset=lambda request: organization_list(user=request.user)
    )
    role = django_filters.ModelChoiceFilter(
        label=_("Role"),
        field_name="roles",
        queryset=lambda request: role_list().prefetch_related(None),
        to_field_name="slug",
    )
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = User
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet[User], name: str, value: Any) -> QuerySet[User]:
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(username__icontains=value) | Q(full_name__icontains=value))
