"""Forms of the criminal case, its offences, its defendants and the organised criminal groups. They parse input;
justice.services decide what is valid. Field names are the services' names, so a refusal lands beside its field."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tipsom.accounts.models import User
from tipsom.core.codes import code_choices
from tipsom.core.widgets import use_pickers
from tipsom.justice.models import (
    ContactType,
    CriminalCase,
    CriminalGroup,
    LegalProvision,
    OffenceType,
    SuspectRole,
)
from tipsom.organizations import geography
from tipsom.organizations.selectors import organization_list
from tipsom.people.models import gender_choices

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BLANK = [("", "—")]


def organization_choices(user: User, country: str) -> list[tuple[str, str]]:
    """The active organizations of the case's country the user may see in the directory."""
    rows = (
        organization_list(user=user).filter(country=country, is_active=True).order_by("name").values_list("pk", "name")
    )
    return [*BLANK, *((str(pk), name) for pk, name in rows)]


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CriminalCaseForm(forms.Form):
    """A new criminal case, or the change of one (with its version)."""

    title = forms.CharField(
        label=_("Short title"),
        max_length=200,
        help_text=_("A few words that name no one, e.g. “forced labour on a farm in Pará”."),
    )
    file_number = forms.CharField(label=_("File number"), max_length=60, required=False)
    offence_type = forms.ChoiceField(label=_("Main offence"), choices=[*BLANK, *OffenceType.choices], required=False)
    investigation_opened_on = forms.DateField(label=_("Investigation opened on"), widget=DATE)
    investigation_closed_on = forms.DateField(label=_("Investigation closed on"), widget=DATE, required=False)
    investigating_unit = forms.ChoiceField(label=_("Investigating unit"), required=False)
    prosecution_office = forms.ChoiceField(label=_("Prosecution office"), required=False)
    court = forms.ChoiceField(label=_("Court"), required=False)
    is_transnational = forms.BooleanField(label=_("Transnational"), required=False)
    countries_involved = forms.MultipleChoiceField(label=_("Countries involved"), required=False)
    facts = forms.CharField(
        label=_("Facts"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Kept encrypted; never shown in lists, statistics or briefs."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, user: User, country: str, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        organizations = organization_choices(user, country)
        for name in ("investigating_unit", "prosecution_office", "court"):
            self.fields[name].choices = organizations  # type: ignore[attr-defined]
        self.fields["countries_involved"].choices = geography.country_choices()  # type: ignore[attr-defined]
        if editing:
            del self.fields["offence_type"]
            self.fields["version"].required = True
        else:
            del self.fields["investigation_closed_on"]
            del self.fields["version"]
        use_pickers(self)

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


def case_initial(criminal_case: CriminalCase) -> dict[str, Any]:
    return {
        "title": criminal_case.title,
        "file_number": criminal_case.file_number,
        "investigation_opened_on": criminal_case.investigation_opened_on,
        "investigation_closed_on": criminal_case.investigation_closed_on,
        "investigating_unit": criminal_case.investigating_unit_id or "",
        "prosecution_office": criminal_case.prosecution_office_id or "",
        "court": criminal_case.court_id or "",
        "is_transnational": criminal_case.is_transnational,
        "countries_involved": criminal_case.countries_involved,
        "facts": criminal_case.facts,
        "version": criminal_case.version,
    }


class OffenceForm(forms.Form):
    offence_type = forms.ChoiceField(label=_("Offence type"), choices=[*BLANK, *OffenceType.choices], required=False)
    provision = forms.ChoiceField(label=_("Legal provision"), required=False)
    date_from = forms.DateField(label=_("From"), widget=DATE)
    date_to = forms.DateField(label=_("Until"), widget=DATE, required=False)
    recorded_on = forms.DateField(
        label=_("Recorded on"), widget=DATE, required=False, help_text=_("Today if left empty.")
    )
    country = forms.ChoiceField(label=_("Country"))
    region = forms.ChoiceField(label=_("Region"), required=False)
    places = forms.CharField(
        label=_("Places"), required=False, max_length=300, help_text=_("Towns, sites; no addresses.")
    )
    reporting_unit = forms.ChoiceField(label=_("Reporting unit"), required=False)
    exploitation_types = forms.MultipleChoiceField(label=_("Forms of exploitation"), required=False)
    recruitment_methods = forms.MultipleChoiceField(label=_("Methods of recruitment"), required=False)
    means_of_control = forms.MultipleChoiceField(label=_("Means of control"), required=False)
    modus_operandi = forms.CharField(
        label=_("Modus operandi"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept encrypted."),
    )
    is_transnational = forms.BooleanField(label=_("Transnational"), required=False)
    countries_involved = forms.MultipleChoiceField(label=_("Countries involved"), required=False)

    def __init__(self, *args: Any, user: User, criminal_case: CriminalCase, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = criminal_case.country
        provisions = LegalProvision.objects.filter(country=country, is_active=True).order_by("law", "article")
        self.fields["provision"].choices = [  # type: ignore[attr-defined]
            *BLANK,
            *((str(p.pk), f"{p.law}, {p.article} ({p.get_offence_type_display()})") for p in provisions),
        ]
        self.fields["country"].choices = geography.country_choices()  # type: ignore[attr-defined]
        self.fields["countries_involved"].choices = geography.country_choices()  # type: ignore[attr-defined]
        self.fields["region"].choices = [*BLANK, *geography.region_choices(country)]  # type: ignore[attr-defined]
        self.fields["reporting_unit"].choices = organization_choices(user, country)  # type: ignore[attr-defined]
        self.fields["exploitation_types"].choices = code_choices("vic_TypeOfExploitation")  # type: ignore[attr-defined]
        self.fields["recruitment_methods"].choices = code_choices("vic_MethodOfRecruitment")  # type: ignore[attr-defined]
        self.fields["means_of_control"].choices = code_choices("vic_MethodsOfControl")  # type: ignore[attr-defined]
        if not self.is_bound and "country" not in self.initial:
            self.initial["country"] = country
        use_pickers(self)

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["recorded_on"] = data.get("recorded_on") or ""
        return data


def offence_initial(offence: Any) -> dict[str, Any]:
    names = [name for name in OffenceForm.base_fields]
    initial = {name: getattr(offence, name) for name in names if name not in ("provision", "reporting_unit")}
    initial["provision"] = offence.provision_id or ""
    initial["reporting_unit"] = offence.reporting_unit_id or ""
    return initial


class SuspectForm(forms.Form):
    """A suspect: a new person of the registry (names, sex, birth year, citizenships) and their part in the case."""

    name = forms.CharField(label=_("Name"), max_length=300, required=False)
    aliases = forms.CharField(
        label=_("Other names or aliases"),
        required=False,
        max_length=600,
        help_text=_("One per line."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    gender = forms.ChoiceField(label=_("Sex"), required=False)
    birth_year = forms.IntegerField(label=_("Birth year"), required=False, min_value=1900, max_value=2100)
    citizenships = forms.MultipleChoiceField(label=_("Citizenships"), required=False)
    roles = forms.MultipleChoiceField(label=_("Role in the crime"), choices=SuspectRole.choices, required=False)
    groups = forms.MultipleChoiceField(label=_("Organised criminal groups"), required=False)
    age_at_offence = forms.IntegerField(
        label=_("Age at the time of the offence"), required=False, min_value=0, max_value=120
    )
    contact_type = forms.ChoiceField(label=_("Formal contact"), choices=[*BLANK, *ContactType.choices], required=False)
    formal_contact_on = forms.DateField(label=_("Formal contact on"), widget=DATE, required=False)
    in_custody = forms.BooleanField(label=_("In custody"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    PERSON_FIELDS = ("name", "aliases", "gender", "birth_year", "citizenships")

    def __init__(self, *args: Any, groups: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["gender"].choices = [*BLANK, *gender_choices()]  # type: ignore[attr-defined]
        self.fields["citizenships"].choices = geography.country_choices()  # type: ignore[attr-defined]
        self.fields["groups"].choices = [(str(g.pk), g.name) for g in groups]  # type: ignore[attr-defined]
        if editing:
            for name in self.PERSON_FIELDS:
                del self.fields[name]
            self.fields["version"].required = True
        else:
            self.fields["name"].required = True
            del self.fields["version"]
        use_pickers(self)

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        if "name" in data:
            aliases = [line.strip() for line in (data.pop("aliases") or "").splitlines() if line.strip()]
            data["names"] = [data.pop("name"), *aliases]
            year = data.pop("birth_year")
            data["birth_date"] = str(year) if year else ""
            data["gender"] = data["gender"] or None
        return data


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to see the identity?"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the audit log with your name."),
    )


class GroupForm(forms.Form):
    name = forms.CharField(label=_("Name or alias"), max_length=200)
    estimated_size = forms.IntegerField(label=_("Estimated number of members"), required=False, min_value=1)
    countries_of_activity = forms.MultipleChoiceField(label=_("Countries of activity"), required=False)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}), help_text=_("Kept encrypted.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["countries_of_activity"].choices = geography.country_choices()  # type: ignore[attr-defined]
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]
        use_pickers(self)


def group_initial(group: CriminalGroup) -> dict[str, Any]:
    return {
        "name": group.name,
        "estimated_size": group.estimated_size,
        "countries_of_activity": group.countries_of_activity,
        "notes": group.notes,
        "version": group.version,
    }
