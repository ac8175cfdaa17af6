"""Forms of the legal provision screens and the filters shared by the screen and the API. They parse input;
justice.services.provisions decides what is valid. The statistics screen's year chooser is here too."""

from __future__ import annotations

from typing import Any

import django_filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tipsom.core.filtering import YesNoFilter
from tipsom.core.forms import form_choice_field
from tipsom.justice.models import LegalProvision, OffenceType
from tipsom.justice.services.provisions import PROVISION_FIELDS

# The oldest year the statistics offer (GLO.ACT began in 2015; earlier records are rare).
FIRST_STATS_YEAR = 2000


class ProvisionFilterSet(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Law, article or title"), method="filter_text")
    offence_type = django_filters.ChoiceFilter(label=_("Offence type"), choices=OffenceType.choices)
    is_active = YesNoFilter(label=_("Active"))

    class Meta:
        model = LegalProvision
        fields: list[str] = []

    def filter_text(self, queryset: QuerySet[LegalProvision], name: str, value: Any) -> QuerySet[LegalProvision]:
        value = (value or "").strip()
        if not value:
            return queryset
        return queryset.filter(Q(law__icontains=value) | Q(article__icontains=value) | Q(title__icontains=value))


class ProvisionForm(forms.Form):
    law = forms.CharField(label=_("Law"), max_length=200, help_text=_("The law or code, e.g. “Law 13.344/2016”."))
    article = forms.CharField(label=_("Article"), max_length=100, help_text=_("e.g. “art. 149-A”."))
    title = forms.CharField(label=_("Title"), max_length=300, help_text=_("What the article makes an offence."))
    offence_type = forms.ChoiceField(label=_("Offence type"), choices=OffenceType.choices)
    iccs_code = forms.CharField(
        label=_("ICCS code"),
        max_length=8,
        required=False,
        help_text=_("Left empty: the offence type's (trafficking 0204, smuggling 08051)."),
    )
    # Whole months, checked by the service (a negative or a minimum above the maximum gets its message there).
    penalty_min_months = forms.CharField(label=_("Minimum prison term (months)"), required=False)
    penalty_max_months = forms.CharField(
        label=_("Maximum prison term (months)"), required=False, help_text=_("Empty for life imprisonment.")
    )
    in_force_from = forms.CharField(label=_("In force from"), required=False, help_text=_("YYYY-MM-DD"))
    in_force_until = forms.CharField(label=_("In force until"), required=False, help_text=_("YYYY-MM-DD"))
    source = forms.CharField(
        label=_("Source"), max_length=300, required=False, help_text=_("Where the text and penalties come from.")
    )

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in PROVISION_FIELDS if name in self.cleaned_data}


class ProvisionEditForm(ProvisionForm):
    is_active = forms.BooleanField(label=_("Active"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def initial_for(cls, provision: LegalProvision) -> dict[str, Any]:
        initial = {name: getattr(provision, name) for name in PROVISION_FIELDS}
        for name in ("penalty_min_months", "penalty_max_months", "in_force_from", "in_force_until"):
            initial[name] = "" if initial[name] is None else str(initial[name])
        initial["version"] = provision.version
        return initial


class StatsYearForm(forms.Form):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        form_choice_field(self, "year").choices = [
            (year, str(year)) for year in range(this_year, FIRST_STATS_YEAR - 1, -1)
        ]

    def chosen_year(self) -> int:
        """The year chosen, or this year when none (or a bad one) was."""
        cleaned = getattr(self, "cleaned_data", None) or {}
        return cleaned.get("year") or timezone.localdate().year
