"""Smuggling incident screens: the list's filters (shared with the API), the incident form and its breakdown of
the migrants by sex, age group and citizenship (repeated rows). Forms parse; justice.services.incidents decides."""

from __future__ import annotations

import datetime
import re
from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tipsom.core.filtering import YesNoFilter
from tipsom.core.forms import form_choice_field
from tipsom.core.widgets import use_pickers
from tipsom.justice.models import (
    AgeGroup,
    Aggravation,
    CriminalCase,
    IncidentLocation,
    MigrantSex,
    SmugglingIncident,
    Suspect,
    TransportMode,
)
from tipsom.justice.models.incidents import CauseOfDeath
from tipsom.justice.services.incidents import INCIDENT_FIELDS, MAX_MIGRANTS
from tipsom.organizations import geography

if TYPE_CHECKING:
    from tipsom.accounts.models import User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BREAKDOWN_ROWS = 6  # rows shown on the form (filled ones and empty ones to add)
FIRST_YEAR, LAST_YEAR = 1900, 2100


def _blank(choices: Any, label: Any = "") -> list[tuple[str, Any]]:
    return [("", label or "—"), *choices]


class YearFilter(django_filters.Filter):
    field_class = forms.IntegerField


class IncidentFilterSet(django_filters.FilterSet):
    """The incident list's filters, for the screen and the API (each served by the scope's index with the date)."""

    year = YearFilter(label=_("Year"), method="filter_year", min_value=FIRST_YEAR, max_value=LAST_YEAR)
    date_from = django_filters.DateFilter(label=_("From"), field_name="occurred_on", lookup_expr="gte")
    date_to = django_filters.DateFilter(label=_("Until"), field_name="occurred_on", lookup_expr="lte")
    location_type = django_filters.ChoiceFilter(label=_("Type of place"), choices=IncidentLocation.choices)
    country = django_filters.ChoiceFilter(
        label=_("Country of the incident"), field_name="incident_country", choices=geography.country_choices
    )
    route = django_filters.CharFilter(label=_("Route"), lookup_expr="icontains", max_length=100)
    has_deaths = YesNoFilter(label=_("With deaths"), method="filter_has_deaths")

    class Meta:
        model = SmugglingIncident
        fields: list[str] = []

    def filter_year(self, queryset: QuerySet[SmugglingIncident], name: str, value: Any) -> QuerySet[SmugglingIncident]:
        if value in (None, ""):
            return queryset
        year = int(value)
        return queryset.filter(occurred_on__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))

    def filter_has_deaths(
        self, queryset: QuerySet[SmugglingIncident], name: str, value: Any
    ) -> QuerySet[SmugglingIncident]:
        if value is None:
            return queryset
        return queryset.filter(dead__gt=0) if value else queryset.filter(dead=0)


def filter_widgets(form: forms.Form) -> None:
    """Dates as date pickers, yes/no as a select with "(any)"."""
    for name in ("date_from", "date_to"):
        form.fields[name].widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    form.fields["has_deaths"].widget = forms.Select(
        choices=[("", _("(any)")), ("true", _("With deaths")), ("false", _("Without deaths"))]
    )


def _split(value: str) -> list[str]:
    return [part for part in re.split(r"[\s,;]+", value or "") if part]


class IncidentForm(forms.Form):
    occurred_on = forms.DateField(label=_("Date"), widget=DATE)
    location_type = forms.ChoiceField(label=_("Type of place"), choices=_blank(IncidentLocation.choices))
    incident_country = forms.ChoiceField(label=_("Country of the incident"))
    region = forms.CharField(
        label=_("Region"), max_length=10, required=False, help_text=_("ISO 3166-2 code, e.g. BR-RR.")
    )
    place = forms.CharField(
        label=_("Place"), max_length=200, required=False, help_text=_("A town, a crossing, a sea area.")
    )
    latitude = forms.CharField(
        label=_("Latitude"), required=False, help_text=_("Optional, in decimal degrees (−90 to 90).")
    )
    longitude = forms.CharField(
        label=_("Longitude"), required=False, help_text=_("Optional, in decimal degrees (−180 to 180).")
    )
    route = forms.CharField(label=_("Route"), max_length=100, required=False, help_text=_("e.g. Agadez–Sebha–Tripoli."))
    origin_countries = forms.MultipleChoiceField(label=_("Countries of origin"), required=False)
    transit_countries = forms.MultipleChoiceField(label=_("Transit countries"), required=False)
    destination_country = forms.ChoiceField(label=_("Country of destination"), required=False)
    transport_mode = forms.ChoiceField(
        label=_("Transport"), choices=TransportMode.choices, required=False, initial=TransportMode.UNKNOWN
    )
    migrants_total = forms.IntegerField(label=_("Migrants involved"), min_value=1, max_value=MAX_MIGRANTS)
    dead = forms.IntegerField(label=_("Dead"), min_value=0, max_value=MAX_MIGRANTS, required=False)
    missing = forms.IntegerField(label=_("Missing"), min_value=0, max_value=MAX_MIGRANTS, required=False)
    survivors = forms.IntegerField(label=_("Survivors"), min_value=0, max_value=MAX_MIGRANTS, required=False)
    injured = forms.IntegerField(
        label=_("Injured"),
        min_value=0,
        max_value=MAX_MIGRANTS,
        required=False,
        help_text=_("Among the survivors."),
    )
    cause_of_death = forms.ChoiceField(label=_("Cause of death"), choices=_blank(CauseOfDeath.choices), required=False)
    aggravating_circumstances = forms.MultipleChoiceField(
        label=_("Aggravating circumstances"),
        choices=Aggravation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Death of migrants is added when someone died."),
    )
    fee_per_migrant = forms.CharField(
        label=_("Fee paid per migrant"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"})
    )
    fee_currency = forms.CharField(
        label=_("Currency of the fee"), max_length=3, required=False, help_text=_("ISO 4217, e.g. EUR.")
    )
    information_source = forms.CharField(label=_("Information source"), max_length=200, required=False)
    criminal_case = forms.CharField(
        label=_("Criminal case"),
        max_length=24,
        required=False,
        help_text=_("Its reference, e.g. BR-CC-2026-000001."),
    )
    smugglers = forms.MultipleChoiceField(
        label=_("Smugglers"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Suspects of the criminal case (link the case and save first)."),
    )
    cases = forms.CharField(
        label=_("Cases of migrants assisted"),
        required=False,
        max_length=2000,
        help_text=_("Case numbers of smuggled migrants' cases, separated by spaces or commas."),
    )

    def __init__(self, *args: Any, user: User, incident: SmugglingIncident | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        countries = geography.country_choices()
        form_choice_field(self, "incident_country").choices = _blank(countries)
        form_choice_field(self, "destination_country").choices = _blank(countries)
        for name in ("origin_countries", "transit_countries"):
            form_choice_field(self, name).choices = countries
        form_choice_field(self, "smugglers").choices = self._smuggler_choices(incident)
        use_pickers(self, exclude=("aggravating_circumstances", "smugglers"))

    def _criminal_cases(self) -> QuerySet[CriminalCase]:
        return CriminalCase.objects.restrict(self.user, "view")

    def _smuggler_choices(self, incident: SmugglingIncident | None) -> list[tuple[str, str]]:
        reference = str((self.data.get("criminal_case") if self.is_bound else self.initial.get("criminal_case")) or "")
        criminal_case_id = (
            self._criminal_cases().filter(reference=reference.strip().upper()).values_list("pk", flat=True).first()
        )
        if criminal_case_id is None and incident is not None and not self.is_bound:
            criminal_case_id = incident.criminal_case_id
        if criminal_case_id is None:
            return []
        suspects = Suspect.objects.filter(criminal_case_id=criminal_case_id).order_by("pk")
        return [(str(suspect.pk), str(suspect)) for suspect in suspects]

    def clean_criminal_case(self) -> int | None:
        reference = self.cleaned_data["criminal_case"].strip().upper()
        if not reference:
            return None
        found = self._criminal_cases().filter(reference=reference).values_list("pk", flat=True).first()
        if found is None:
            raise forms.ValidationError(_("Choose a criminal case you may see."))
        return int(found)

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in INCIDENT_FIELDS}
        data["smugglers"] = [int(pk) for pk in self.cleaned_data.get("smugglers") or []]
        data["cases"] = _split(self.cleaned_data.get("cases") or "")
        return data

    @staticmethod
    def initial_for(incident: SmugglingIncident) -> dict[str, Any]:
        initial = {name: getattr(incident, name) for name in INCIDENT_FIELDS if name != "criminal_case"}
        initial["criminal_case"] = incident.criminal_case.reference if incident.criminal_case else ""
        initial["smugglers"] = [str(suspect.pk) for suspect in incident.smugglers.all()]
        initial["cases"] = " ".join(case.case_number for case in incident.cases.all())
        initial["version"] = incident.version
        return initial


class IncidentEditForm(IncidentForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class BreakdownRowForm(forms.Form):
    """One group of migrants; a row left empty is ignored."""

    sex = forms.ChoiceField(label=_("Sex"), choices=_blank(MigrantSex.choices), required=False)
    age_group = forms.ChoiceField(label=_("Age group"), choices=_blank(AgeGroup.choices), required=False)
    citizenship = forms.ChoiceField(label=_("Citizenship"), required=False)
    count = forms.IntegerField(label=_("Number"), min_value=1, max_value=MAX_MIGRANTS, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_choice_field(self, "citizenship").choices = _blank(geography.country_choices(), _("Unknown"))
        use_pickers(self)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        filled = any(cleaned.get(name) for name in ("sex", "age_group", "citizenship", "count"))
        if filled and not cleaned.get("count") and "count" not in self.errors:
            self.add_error("count", _("This field is required."))
        return cleaned

    def row(self) -> dict[str, Any] | None:
        """The group as the service takes it, or None for an empty row."""
        if not self.cleaned_data.get("count"):
            return None
        return {
            "sex": self.cleaned_data.get("sex") or MigrantSex.UNKNOWN,
            "age_group": self.cleaned_data.get("age_group") or AgeGroup.UNKNOWN,
            "citizenship": self.cleaned_data.get("citizenship") or "",
            "count": self.cleaned_data["count"],
        }


BreakdownFormSet = forms.formset_factory(BreakdownRowForm, extra=0, max_num=200, validate_max=True)


def breakdown_formset(data: Any = None, incident: SmugglingIncident | None = None) -> Any:
    """The rows of the breakdown: the incident's groups, then empty rows up to BREAKDOWN_ROWS (at least two)."""
    initial = []
    if incident is not None:
        initial = [
            {"sex": row.sex, "age_group": row.age_group, "citizenship": row.citizenship, "count": row.count}
            for row in incident.migrant_counts.all()
        ]
    formset_class = forms.formset_factory(
        BreakdownRowForm, extra=max(2, BREAKDOWN_ROWS - len(initial)), max_num=200, validate_max=True
    )
    return formset_class(data, initial=initial, prefix="migrants")
