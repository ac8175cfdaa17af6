"""Forms of the person registry screens. They parse input; people.services decides what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tipsom.core import locale_names
from tipsom.core.dates import BirthDateField
from tipsom.core.widgets import use_pickers
from tipsom.organizations import geography
from tipsom.people.models import Person, education_choices, gender_choices


def language_choices() -> list[tuple[str, str]]:
    """The languages with an ISO 639-1 code, as (ISO 639-2/3 code, CLDR name in the active language), sorted by
    the language's collation."""
    return locale_names.language_choices(alpha=3)


def language_name(code: str) -> str:
    """An ISO 639 language named in the active language (CLDR)."""
    return locale_names.language_name(code)


class CodeListField(forms.MultipleChoiceField):
    """A multiple choice whose codes the service checks, so an unknown code gets the service's clear message."""

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")


class CodeField(forms.ChoiceField):
    """A single choice whose code the service checks."""

    def validate(self, value: Any) -> None:
        if self.required and value in self.empty_values:
            raise forms.ValidationError(self.error_messages["required"], code="required")


def person_statistics_fields() -> dict[str, forms.Field]:
    """The person's plain (statistical) fields, shared by registration and the person edit form."""
    return {
        "gender": CodeField(label=_("Gender"), choices=gender_choices),
        "citizenships": CodeListField(
            label=_("Citizenships"),
            choices=geography.country_choices,
            required=False,
            help_text=_("One or more: type to find a country."),
        ),
        "languages": CodeListField(label=_("Languages"), choices=language_choices, required=False),
        "is_presumed_minor": forms.BooleanField(
            label=_("Presumed minor"),
            required=False,
            help_text=_("The age is unknown but the person may be a child: the child track starts."),
        ),
    }


class PersonEditForm(forms.Form):
    """The statistical fields of a person, and a new birth date or age. The recorded birth date is identifying: it is
    not shown here (it is revealed, audited, on the person's page), so the field starts empty and empty keeps it."""

    education = CodeField(label=_("Highest level of education"), choices=education_choices)
    birth_date = BirthDateField(
        label=_("New birth date or age"),
        required=False,
        help_text=_(
            "Leave empty to keep the recorded one. A date (2009-05-31), a month (2009-05), a year (2009) or an age "
            '("about 15", "15 years").'
        ),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields = person_statistics_fields()
        education, birth_date, version = (self.fields.pop(name) for name in ("education", "birth_date", "version"))
        self.fields.update(fields)
        self.fields["birth_date"] = birth_date
        self.fields["education"] = education
        self.fields["version"] = version
        use_pickers(self)

    @classmethod
    def initial_for(cls, person: Person) -> dict[str, Any]:
        names = ("gender", "citizenships", "languages", "is_presumed_minor", "education", "version")
        return {name: getattr(person, name) for name in names}

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.fields if name not in ("version", "birth_date")}
        born = self.cleaned_data.get("birth_date")
        if born is not None:
            data.update(birth_date=born.text, birth_date_precision=born.precision)
        return data


class RevealForm(forms.Form):
    # The service checks the reason (so the rule lives in one place); the form only carries it.
    reason = forms.CharField(
        label=_("Why do you need to see the identity?"),
        max_length=500,
        required=False,
        help_text=_("Your reason is kept in the audit log."),
    )
