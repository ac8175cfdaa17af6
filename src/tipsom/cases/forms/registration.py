"""Forms of the registration screen, one per step: the person, the identification screening, the case and consent.
They parse input; cases.services and people.services decide what is valid (an unknown code gets the service's
message). The screening's means and purposes fill the case's means of control and forms of exploitation, which the
user may refine (see cases.views.registration)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tipsom.cases.models import CaseType, Consent, SomVulnerability, TraffickingAct
from tipsom.cases.services.case import SOM_CASE_TYPES
from tipsom.core.codes import code_choices
from tipsom.core.dates import BirthDateField
from tipsom.core.errors import ApplicationError
from tipsom.core.forms import form_choice_field
from tipsom.core.widgets import use_pickers
from tipsom.organizations import geography
from tipsom.organizations.models import Organization, OrganizationFunction
from tipsom.people.forms import CodeField, CodeListField, person_statistics_fields

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

STEPS = ("person", "screening", "case", "consent")
STEP_TITLES: dict[str, StrOrPromise] = {
    "person": _("The person"),
    "screening": _("Screening"),
    "case": _("The case"),
    "consent": pgettext_lazy("registration step", "Consent"),
}
SCREENING_FIELDS = ("acts", "means", "purposes", "som_vulnerabilities")
SOM_TYPES = SOM_CASE_TYPES
CASE_CODE_LISTS = {
    "exploitation_types": ("vic_TypeOfExploitation", _("Forms of exploitation")),
    "industries": ("vic_ForcedLabourIndustry", _("Industries")),
    "means_of_control": ("vic_MethodsOfControl", _("Means of control")),
    "recruitment_methods": ("vic_MethodOfRecruitment", _("Methods of recruitment")),
}
# The case's fields the screening fills in (case field -> screening field): asked once, refined in the case step.
FILLED_FROM_SCREENING = {"means_of_control": "means", "exploitation_types": "purposes"}
NOT_KNOWN = {"data-empty-label": _("Not known")}
_NAME_KEY = re.compile(r"^names\.(\d+)(?:\.(\w+))?$")


def _codes(label: Any, choices: Any, help_text: Any = "") -> CodeListField:
    return CodeListField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


class StepForm(forms.Form):
    """A step of the registration; long code lists become searchable pickers."""

    step = ""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        use_pickers(self)


class PersonStepForm(StepForm):
    step = "person"

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
    birth_date = BirthDateField(label=_("Birth date or age"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False, help_text=_("Optional."))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        forms.Form.__init__(self, *args, **kwargs)
        self.fields.update(person_statistics_fields())
        self.order_fields(
            ["name", "name_latin", "aliases", "gender", "citizenships", "languages", "birth_date", "is_presumed_minor"]
        )
        use_pickers(self)

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
        if data["birth_date"] is not None:
            person["birth_date"] = data["birth_date"].text
            person["birth_date_precision"] = data["birth_date"].precision
        return person


class ScreeningStepForm(StepForm):
    """The identification screening (Palermo Protocol: act, means, purpose) and, for a smuggled migrant, the
    vulnerabilities. The type of case is asked here, as the screening is where it shows."""

    step = "screening"

    case_type = CodeField(label=_("Type of case"), choices=CaseType.choices, widget=forms.RadioSelect)
    acts = _codes(_("Act: the person was"), TraffickingAct.choices)
    means = _codes(
        _("Means: how the person was controlled"),
        lambda: code_choices("vic_MethodsOfControl"),
        _("Not needed for a child: a child's consent is irrelevant."),
    )
    purposes = _codes(_("Purpose: forms of exploitation"), lambda: code_choices("vic_TypeOfExploitation"))
    som_vulnerabilities = _codes(
        _("Vulnerabilities of a smuggled migrant"),
        SomVulnerability.choices,
        _("Only for a smuggled migrant."),
    )
    screening_notes = forms.CharField(
        label=_("Screening notes"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Confidential: stored encrypted."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("som_vulnerabilities") and data.get("case_type") not in SOM_TYPES:
            self.add_error(
                "som_vulnerabilities",
                _("The vulnerabilities of a smuggled migrant apply only to a case of smuggling of migrants."),
            )
        return data

    @property
    def is_som(self) -> bool:
        """Whether the vulnerabilities show: a smuggling case, or ones given (refused, their error must show)."""
        return self["case_type"].value() in SOM_TYPES or bool(self.is_bound and self["som_vulnerabilities"].value())

    def screening_data(self) -> dict[str, Any]:
        data = {name: list(self.cleaned_data[name]) for name in SCREENING_FIELDS}
        data["notes"] = self.cleaned_data["screening_notes"]
        return data


class CaseStepForm(StepForm):
    step = "case"

    identified_on = forms.DateField(
        label=_("Identified on"), widget=forms.DateInput(attrs={"type": "date"}), help_text=_("YYYY-MM-DD.")
    )
    region = CodeField(label=_("Region of identification"), required=False, widget=forms.Select(attrs=NOT_KNOWN))
    origin_country = CodeField(label=_("Country of origin"), required=False, widget=forms.Select(attrs=NOT_KNOWN))
    transit_countries = CodeListField(label=_("Transit countries"), required=False)
    destination_country = CodeField(
        label=_("Country of destination"), required=False, widget=forms.Select(attrs=NOT_KNOWN)
    )

    def __init__(self, *args: Any, organization: Any, **kwargs: Any) -> None:
        forms.Form.__init__(self, *args, **kwargs)
        for name, (list_name, label) in CASE_CODE_LISTS.items():
            help_text = _("Filled in from the screening: refine it if needed.") if name in FILLED_FROM_SCREENING else ""
            self.fields[name] = _codes(label, lambda list_name=list_name: code_choices(list_name), help_text)
        countries = [("", "—"), *geography.country_choices()]
        for name in ("origin_country", "destination_country"):
            form_choice_field(self, name).choices = countries
        form_choice_field(self, "transit_countries").choices = geography.country_choices()
        form_choice_field(self, "region").choices = [("", "—"), *geography.region_choices(organization.country)]
        use_pickers(self)

    def case_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        case = {name: data[name] for name in ("identified_on", "region", "origin_country", "destination_country")}
        case["transit_countries"] = list(data["transit_countries"])
        case.update({name: list(data[name]) for name in CASE_CODE_LISTS})
        return case


class ConsentStepForm(StepForm):
    """The consents asked at registration, and for a child the notification of the child protection agency."""

    step = "consent"
    ANSWERS = (("", _("Not asked yet")), ("given", _("Given")), ("refused", _("Refused")))

    data_processing = forms.ChoiceField(label=Consent.Purpose.DATA_PROCESSING.label, choices=ANSWERS, required=False)
    referral = forms.ChoiceField(label=Consent.Purpose.REFERRAL.label, choices=ANSWERS, required=False)
    service_types = CodeListField(
        label=_("Types of service the person agreed to share with"),
        choices=lambda: code_choices("spl_Type"),
        required=False,
    )
    statistics = forms.ChoiceField(label=Consent.Purpose.STATISTICS.label, choices=ANSWERS, required=False)
    follow_up = forms.ChoiceField(label=Consent.Purpose.FOLLOW_UP.label, choices=ANSWERS, required=False)
    given_by = CodeField(label=_("Consent given by"), choices=Consent.GivenBy.choices, required=False)
    notify_agency = forms.ChoiceField(
        label=_("Notify the child protection agency now"),
        required=False,
        help_text=_("Its officers get a notification and an email with the case number only, never a name."),
    )

    def __init__(self, *args: Any, organization: Any, is_child: bool, **kwargs: Any) -> None:
        forms.Form.__init__(self, *args, **kwargs)
        form_choice_field(self, "notify_agency").choices = [("", _("Not now")), *child_agency_choices(organization)]
        if not is_child:
            del self.fields["notify_agency"]
        # A child's consent is a guardian's or a parent's (the service refuses the child's own).
        self.fields["given_by"].initial = Consent.GivenBy.GUARDIAN if is_child else Consent.GivenBy.PERSON
        use_pickers(self)

    def consents(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "purpose": purpose,
                "given": data[purpose] == "given",
                "given_by": data["given_by"],
                "service_types": list(data["service_types"]) if purpose == Consent.Purpose.REFERRAL else [],
            }
            for purpose in Consent.Purpose.values
            if data.get(purpose)
        ]

    def notify_organization_id(self) -> int | None:
        value = self.cleaned_data.get("notify_agency")
        return int(value) if value else None


def child_agency_choices(organization: Any) -> list[tuple[str, str]]:
    """The active child protection agencies of the organization's country."""
    agencies = Organization.objects.filter(country=organization.country, is_active=True).order_by("name")
    return [
        (str(agency.pk), agency.name)
        for agency in agencies.only("pk", "name", "functions")
        if OrganizationFunction.CHILD_PROTECTION in (agency.functions or [])
    ]


def form_field_for(key: str) -> str:
    """The registration form's field for a service's field name."""
    if key.startswith("screening."):
        name = key.split(".", 1)[1]
        return "screening_notes" if name == "notes" else name
    if key.startswith("consent."):
        return key.split(".", 1)[1]
    match = _NAME_KEY.match(key)
    if key == "names" or match:
        if match and int(match.group(1)) > 0:
            return "aliases"
        return "name_latin" if match and match.group(2) == "name_latin" else "name"
    if key.startswith("contacts"):
        return "phone"
    if key in ("birth_date_precision", "organization"):
        return {"birth_date_precision": "birth_date", "organization": "notify_agency"}[key]
    return key


def rename_service_error(error: ApplicationError) -> ApplicationError:
    """The error with the service's field names ("screening.acts", "names.0.name") turned into the forms'."""
    fields = error.extra.get("fields")
    if not isinstance(fields, dict):
        return error
    renamed: dict[str, str] = {}
    for key, message in fields.items():
        name = form_field_for(str(key))
        renamed[name] = f"{renamed[name]} {message}" if name in renamed else str(message)
    return ApplicationError(error.code, error.message, {**error.extra, "fields": renamed}, status=error.status_code)


def _lines(text: str) -> list[str]:
    # Only line breaks separate aliases: other control characters stay, so the service refuses them.
    return [line.strip() for line in (text or "").replace("\r\n", "\n").split("\n") if line.strip()]
