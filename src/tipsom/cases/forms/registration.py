"""Forms of the registration screen: the identification screening, the person and the case. They parse input;
cases.services and people.services decide what is valid (an unknown code gets the service's message)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tipsom.cases.models import CaseType, SomVulnerability, TraffickingAct
from tipsom.core.codes import code_choices
from tipsom.core.errors import ApplicationError
from tipsom.core.forms import form_choice_field
from tipsom.organizations import geography
from tipsom.people.forms import CodeField, CodeListField, person_statistics_fields

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise
from tipsom.people.models import BirthDatePrecision

SCREENING_FIELDS = ("acts", "means", "purposes", "som_vulnerabilities")
CASE_CODE_LISTS = {
    "exploitation_types": ("vic_TypeOfExploitation", _("Forms of exploitation")),
    "industries": ("vic_ForcedLabourIndustry", _("Industries")),
    "means_of_control": ("vic_MethodsOfControl", _("Means of control")),
    "recruitment_methods": ("vic_MethodOfRecruitment", _("Methods of recruitment")),
}
# Which part of the page each field belongs to, in order (the template lays the parts out as fieldsets).
SECTIONS = {
    "screening": ("acts", "means", "purposes", "som_vulnerabilities", "screening_notes"),
    "person": (
        "name",
        "name_latin",
        "aliases",
        "gender",
        "citizenships",
        "languages",
        "birth_date",
        "birth_date_precision",
        "is_presumed_minor",
        "phone",
    ),
    "case": (
        "case_type",
        "identified_on",
        "region",
        "origin_country",
        "transit_countries",
        "destination_country",
        *CASE_CODE_LISTS,
    ),
}
_NAME_KEY = re.compile(r"^names\.(\d+)(?:\.(\w+))?$")


def _checkboxes(label: Any, choices: Any, help_text: Any = "") -> CodeListField:
    return CodeListField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


class CaseRegisterForm(forms.Form):
    # (a) The identification screening: act, means, purpose (Palermo Protocol), and SOM vulnerabilities.
    acts = _checkboxes(_("Act: the person was"), TraffickingAct.choices)
    means = _checkboxes(
        _("Means: how the person was controlled"),
        lambda: code_choices("vic_MethodsOfControl"),
        _("Not needed for a child: a child's consent is irrelevant."),
    )
    purposes = _checkboxes(_("Purpose: forms of exploitation"), lambda: code_choices("vic_TypeOfExploitation"))
    som_vulnerabilities = _checkboxes(_("Vulnerabilities of a smuggled migrant"), SomVulnerability.choices)
    screening_notes = forms.CharField(
        label=_("Screening notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Confidential: stored encrypted."),
    )

    # (b) The person.
    name = forms.CharField(
        label=_("Name"), max_length=300, help_text=_("In the person's own script. Confidential: stored encrypted.")
    )
    name_latin = forms.CharField(
        label=_("Name in Latin letters"),
        max_length=300,
        required=False,
        help_text=_("Leave empty to transliterate automatically."),
    )
    aliases = forms.CharField(
        label=_("Aliases"), required=False, widget=forms.Textarea(attrs={"rows": 2}), help_text=_("One per line.")
    )
    birth_date = forms.CharField(
        label=_("Birth date"),
        max_length=10,
        required=False,
        help_text=_("YYYY-MM-DD, YYYY-MM or YYYY, as precise as it is known."),
    )
    birth_date_precision = CodeField(
        label=_("Birth date precision"), required=False, choices=[("", "—"), *BirthDatePrecision.choices]
    )
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False, help_text=_("Optional."))

    # (c) The case.
    case_type = CodeField(label=_("Type of case"), choices=CaseType.choices, widget=forms.RadioSelect)
    identified_on = forms.DateField(
        label=_("Identified on"), widget=forms.DateInput(attrs={"type": "date"}), help_text=_("YYYY-MM-DD.")
    )
    region = CodeField(label=_("Region of identification"), required=False)
    origin_country = CodeField(label=_("Country of origin"), required=False)
    transit_countries = CodeListField(label=_("Transit countries"), required=False)
    destination_country = CodeField(label=_("Country of destination"), required=False)

    person_id = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, organization: Any, existing_person: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        statistics = person_statistics_fields()
        for name, (list_name, label) in CASE_CODE_LISTS.items():
            self.fields[name] = _checkboxes(label, lambda list_name=list_name: code_choices(list_name))
        self.fields.update(statistics)
        countries = [("", "—"), *geography.country_choices()]
        for name in ("origin_country", "destination_country"):
            form_choice_field(self, name).choices = countries
        form_choice_field(self, "transit_countries").choices = geography.country_choices()
        form_choice_field(self, "region").choices = [("", "—"), *geography.region_choices(organization.country)]
        self.order_fields([name for section in SECTIONS.values() for name in section])
        if existing_person is not None:
            # A new case for a person already in the registry: the person's fields are not asked again.
            for name in SECTIONS["person"]:
                del self.fields[name]
            self.fields["person_id"].initial = existing_person.pk
        else:
            del self.fields["person_id"]

    def sections(self) -> list[tuple[StrOrPromise, list[forms.BoundField]]]:
        titles = {"screening": _("Screening"), "person": _("The person"), "case": _("The case")}
        sections = [
            (titles[key], [self[name] for name in names if name in self.fields]) for key, names in SECTIONS.items()
        ]
        return [(title, fields) for title, fields in sections if fields]

    def screening_data(self) -> dict[str, Any]:
        data = {name: list(self.cleaned_data[name]) for name in SCREENING_FIELDS}
        data["notes"] = self.cleaned_data["screening_notes"]
        return data

    def person_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        names = [{"name": data["name"], "name_latin": data["name_latin"], "kind": "primary"}]
        names += [{"name": alias, "kind": "alias"} for alias in _lines(data["aliases"])]
        person: dict[str, Any] = {
            "names": names,
            "gender": data["gender"],
            "citizenships": list(data["citizenships"]),
            "languages": list(data["languages"]),
            "is_presumed_minor": data["is_presumed_minor"],
            "contacts": [{"kind": "phone", "value": data["phone"]}] if data["phone"] else [],
        }
        if data["birth_date"] or data["birth_date_precision"]:
            person["birth_date"] = data["birth_date"]
            person["birth_date_precision"] = data["birth_date_precision"] or precision_of(data["birth_date"])
        return person

    def case_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        case = {name: data[name] for name in ("case_type", "identified_on", "region")}
        case.update({name: data[name] for name in ("origin_country", "destination_country")})
        case["transit_countries"] = list(data["transit_countries"])
        case.update({name: list(data[name]) for name in CASE_CODE_LISTS})
        return case

    def add_service_error(self, error: ApplicationError) -> ApplicationError:
        """The error with the service's field names ("screening.acts", "names.0.name") turned into this form's."""
        fields = error.extra.get("fields")
        if not isinstance(fields, dict):
            return error
        renamed: dict[str, str] = {}
        for key, message in fields.items():
            name = form_field_for(str(key))
            renamed[name] = f"{renamed[name]} {message}" if name in renamed else str(message)
        return ApplicationError(error.code, error.message, {**error.extra, "fields": renamed}, status=error.status_code)


def form_field_for(key: str) -> str:
    """The registration form's field for a service's field name."""
    if key.startswith("screening."):
        name = key.split(".", 1)[1]
        return "screening_notes" if name == "notes" else name
    match = _NAME_KEY.match(key)
    if key == "names" or match:
        if match and int(match.group(1)) > 0:
            return "aliases"
        return "name_latin" if match and match.group(2) == "name_latin" else "name"
    if key.startswith("contacts"):
        return "phone"
    return key


def precision_of(birth_date: str) -> str:
    """The precision a birth date's own form says when none was chosen: YYYY, YYYY-MM or YYYY-MM-DD."""
    return {1: BirthDatePrecision.YEAR, 2: BirthDatePrecision.YEAR_MONTH}.get(
        len((birth_date or "").strip().split("-")), BirthDatePrecision.EXACT
    )


def _lines(text: str) -> list[str]:
    # Only line breaks separate aliases: other control characters stay, so the service refuses them.
    return [line.strip() for line in (text or "").replace("\r\n", "\n").split("\n") if line.strip()]
