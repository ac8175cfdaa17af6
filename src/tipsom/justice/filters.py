"""Filters of the criminal case list, shared by the screen and the API (justice/cases)."""

from __future__ import annotations

import re
from typing import Any

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from tipsom.core.filtering import YesNoFilter
from tipsom.justice.models import CaseStage, CriminalCase, OffenceType
from tipsom.justice.services.common import KIND_CRIMINAL_CASE

# "2026-63" or "2026/000063": the year and serial of a reference in any country.
YEAR_SERIAL = re.compile(r"^(?P<year>\d{4})[-/.](?P<serial>\d{1,6})$")
ROLE_FIELDS = {
    "recorded": "owner_organization_id",
    "investigating": "investigating_unit_id",
    "prosecuting": "prosecution_office_id",
    "court": "court_id",
}
ROLE_CHOICES = [
    ("recorded", _("Recorded by my organization")),
    ("investigating", _("My organization investigates")),
    ("prosecuting", _("My organization prosecutes")),
    ("court", _("Before my organization's court")),
]


def reference_search(queryset: QuerySet[CriminalCase], text: str, country: str = "") -> QuerySet[CriminalCase]:
    """The cases a typed reference or file number means: the full reference (BR-CC-2026-000063), its year and
    serial ("2026-63", read in `country`, the user's: an indexed lookup), or the unit's own file number, exactly."""
    text = " ".join(str(text or "").split())
    if not text:
        return queryset
    compact = "".join(text.split()).upper()
    match = YEAR_SERIAL.match(compact)
    condition = Q(reference=compact) | Q(file_number=text)
    if match:
        tail = f"{KIND_CRIMINAL_CASE}-{match['year']}-{int(match['serial']):06d}"
        condition |= Q(reference=f"{country}-{tail}") if country else Q(reference__endswith=f"-{tail}")
    return queryset.filter(condition)


class CriminalCaseFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Reference or file number"),
        method="filter_q",
        max_length=100,
        help_text=_("A reference (2026-63, or BR-CC-2026-000063) or the unit's file number."),
    )
    stage = django_filters.ChoiceFilter(label=_("Stage"), choices=CaseStage.choices)
    offence_type = django_filters.ChoiceFilter(label=_("Offence type"), choices=OffenceType.choices)
    opened_from = django_filters.DateFilter(
        label=_("Opened from"), field_name="investigation_opened_on", lookup_expr="gte"
    )
    opened_to = django_filters.DateFilter(label=_("Opened to"), field_name="investigation_opened_on", lookup_expr="lte")
    is_transnational = YesNoFilter(label=_("Transnational"))
    my_role = django_filters.ChoiceFilter(label=_("My organization's part"), choices=ROLE_CHOICES, method="filter_role")

    class Meta:
        model = CriminalCase
        fields: list[str] = []

    def filter_q(self, queryset: QuerySet[CriminalCase], name: str, value: Any) -> QuerySet[CriminalCase]:
        organization = getattr(getattr(self.request, "user", None), "organization", None)
        return reference_search(queryset, value, organization.country if organization is not None else "")

    def filter_role(self, queryset: QuerySet[CriminalCase], name: str, value: Any) -> QuerySet[CriminalCase]:
        user = getattr(self.request, "user", None)
        organization_id = getattr(user, "organization_id", None)
        if not value or value not in ROLE_FIELDS:
            return queryset
        if organization_id is None:
            return queryset.none()
        return queryset.filter(**{ROLE_FIELDS[value]: organization_id})
