"""Forms of the organization screens. They parse input; organizations.services decides what is valid."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tipsom.core.permissions import scope_allows_organization
from tipsom.organizations import geography
from tipsom.organizations.models import Organization, OrganizationFunction, OrganizationType
from tipsom.organizations.services import ORGANIZATION_FIELDS

if TYPE_CHECKING:
    from tipsom.accounts.models import User


def countries_for_organizations(actor: User, action: str) -> list[str]:
    """Country codes in which the actor may `action` (add, change) organizations."""
    return [
        code
        for code, _name in geography.country_choices()
        if scope_allows_organization(actor, action, Organization, Organization(country=code))
    ]


class OrganizationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=OrganizationType.choices)
    functions = forms.MultipleChoiceField(
        label=_("Functions"), choices=OrganizationFunction.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    # Country and region are checked by the service (ISO 3166), so a wrong code gets its clear message there.
    country = forms.CharField(label=_("Country"), max_length=2, widget=forms.Select)
    region = forms.CharField(label=_("Region"), max_length=10, required=False, widget=forms.Select)
    city = forms.CharField(label=_("City"), max_length=100, required=False)
    street_address = forms.CharField(
        label=_("Street address"), required=False, help_text=_("Confidential: stored encrypted.")
    )
    postal_code = forms.CharField(label=_("Postal code"), max_length=20, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False, help_text=_("Such as +551199998888."))
    email = forms.EmailField(label=_("Email"), required=False)
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")

    def __init__(self, *args: Any, actor: User, action: str, region_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = set(countries_for_organizations(actor, action))
        if self.initial.get("country"):
            codes.add(self.initial["country"])
        self.fields["country"].widget.choices = sorted(
            ((code, geography.country_name(code)) for code in codes), key=lambda pair: pair[1]
        )
        country = str((self.data.get("country") if self.is_bound else self.initial.get("country")) or "").upper()
        if not country and len(codes) == 1:
            country = next(iter(codes))
        regions = geography.region_choices(country) if geography.is_country(country) else []
        self.fields["region"].widget.choices = [("", _("(none)")), *regions]
        for name in ("country", "region"):
            self.fields[name].widget.attrs.pop("maxlength", None)  # a <select> has no maxlength
        if region_url:
            # Progressive enhancement: choosing a country reloads the region list of that country.
            self.fields["country"].widget.attrs.update(
                {
                    "hx-get": region_url,
                    "hx-trigger": "change",
                    "hx-target": "#id_region",
                    "hx-select": "#id_region",
                    "hx-swap": "outerHTML",
                }
            )

    def service_data(self) -> dict[str, Any]:
        return {name: self.cleaned_data[name] for name in ORGANIZATION_FIELDS if name in self.cleaned_data}


class OrganizationEditForm(OrganizationForm):
    is_active = forms.BooleanField(label=_("Active"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    @classmethod
    def initial_for(cls, organization: Organization) -> dict[str, Any]:
        initial = {name: getattr(organization, name) for name in ORGANIZATION_FIELDS}
        initial["version"] = organization.version
        return initial
