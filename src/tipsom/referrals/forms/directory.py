"""Forms of the service directory screens. They parse input; referrals.services.directory decides what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tipsom.cases.models import CaseType
from tipsom.core.codes import code_choices
from tipsom.core.forms import form_choice_field
from tipsom.organizations import geography
from tipsom.referrals.filters import language_choices
from tipsom.referrals.models import Pathway, Service, ServiceType, Urgency
from tipsom.referrals.services.directory import PATHWAY_FIELDS, SERVICE_FIELDS


class ServiceForm(forms.Form):
    organization = forms.TypedChoiceField(label=_("Organization"), coerce=int)
    service_type = forms.ChoiceField(label=_("Type of service"), choices=ServiceType.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(label=_("Description"), max_length=2000, required=False, widget=forms.Textarea)
    sexes = forms.MultipleChoiceField(
        label=_("Sexes served"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: everyone."),
    )
    age_min = forms.IntegerField(label=_("Youngest age served"), max_value=120, required=False, min_value=0)
    age_max = forms.IntegerField(label=_("Oldest age served"), max_value=120, required=False, min_value=0)
    serves_tip = forms.BooleanField(label=_("Serves victims of trafficking"), required=False)
    serves_som = forms.BooleanField(label=_("Serves smuggled migrants"), required=False)
    regions = forms.MultipleChoiceField(
        label=_("Regions covered"), required=False, help_text=_("None chosen: nationwide.")
    )
    languages = forms.MultipleChoiceField(label=_("Languages"), required=False)
    capacity_total = forms.IntegerField(
        label=_("Places in all"), help_text=_("Blank: not counted in places."), required=False, min_value=0
    )
    capacity_available = forms.IntegerField(label=_("Places free"), required=False, min_value=0)
    hours = forms.CharField(label=_("Hours"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, help_text=_("Such as +551199998888."))
    email = forms.EmailField(label=_("Email"), required=False)

    def __init__(self, *args: Any, country: str, organizations: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_choice_field(self, "sexes").choices = code_choices("prs_Gender")
        form_choice_field(self, "regions").choices = geography.region_choices(country)
        form_choice_field(self, "languages").choices = language_choices()
        if organizations is None:
            del self.fields["organization"]
        else:
            form_choice_field(self, "organization").choices = [(org.pk, org.name) for org in organizations]

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in SERVICE_FIELDS if name in self.cleaned_data}


class ServiceEditForm(ServiceForm):
    is_active = forms.BooleanField(label=_("Active"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def initial_for(cls, service: Service) -> dict[str, Any]:
        initial = {name: getattr(service, name) for name in SERVICE_FIELDS}
        initial["version"] = service.version
        return initial


class CapacityForm(forms.Form):
    available = forms.IntegerField(label=_("Places free"), min_value=0)
    total = forms.IntegerField(label=_("Places in all"), min_value=0, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PathwayForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    child = forms.ChoiceField(label=_("For a child"), choices=Pathway.Applies.choices)
    foreign = forms.ChoiceField(label=_("For a foreign national"), choices=Pathway.Applies.choices)
    case_types = forms.MultipleChoiceField(
        label=_("Types of case"),
        choices=CaseType.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: every type."),
    )
    exploitation_types = forms.MultipleChoiceField(
        label=_("Forms of exploitation"), required=False, help_text=_("None chosen: any.")
    )
    # In order, so a text of codes: a list of checkboxes could not say which comes first.
    service_types = forms.CharField(label=_("Services to suggest, in order"), max_length=400)
    priority = forms.IntegerField(
        label=_("Priority"), min_value=0, max_value=32767, initial=100, help_text=_("Lower comes first.")
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_choice_field(self, "exploitation_types").choices = code_choices("vic_TypeOfExploitation")
        self.fields["service_types"].help_text = _("Codes separated by commas: %(codes)s.") % {
            "codes": ", ".join(ServiceType.values)
        }

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in PATHWAY_FIELDS if name in self.cleaned_data}
        text = data.get("service_types", "")
        data["service_types"] = [code for code in (part.strip() for part in text.replace(",", " ").split()) if code]
        return data


class PathwayEditForm(PathwayForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def initial_for(cls, pathway: Pathway) -> dict[str, Any]:
        initial = {name: getattr(pathway, name) for name in PATHWAY_FIELDS}
        initial["service_types"] = ", ".join(pathway.service_types)
        initial["version"] = pathway.version
        return initial


class ResponseTimeForm(forms.Form):
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, widget=forms.HiddenInput)
    hours = forms.IntegerField(label=_("Hours to answer"), min_value=1, max_value=24 * 365)
