"""The forms of the roster screens: add a person, edit an attendance, import a file, reveal the names. They carry
the values; programme.services.participants checks them (so a screen and the API refuse the same input)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tipsom.organizations import geography
from tipsom.organizations.models import Organization
from tipsom.programme.models import Activity, ParticipantSex, Sector
from tipsom.programme.services.participants import IMPORT_COLUMNS, PARTICIPANT_FIELDS, SCORE_FIELDS


def _optional(label: Any, max_length: int = 200, **kwargs: Any) -> forms.CharField:
    return forms.CharField(label=label, max_length=max_length, required=False, **kwargs)


class ScoresForm(forms.Form):
    pre_score = _optional(_("Pre-test score"), 10, help_text=_("0 to 100."))
    post_score = _optional(_("Post-test score"), 10, help_text=_("0 to 100."))
    post_test_on = forms.CharField(
        label=_("Post-test date"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Not before the activity's start."),
    )
    satisfaction = _optional(_("Satisfaction"), 2, help_text=_("1 (poor) to 5 (excellent)."))
    attendance_percent = _optional(_("Attendance (%)"), 4, help_text=_("0 to 100."))

    def scores(self) -> dict[str, Any]:
        return {name: self.cleaned_data.get(name, "") for name in SCORE_FIELDS}


class RosterAddForm(ScoresForm):
    name = forms.CharField(label=_("Name"), max_length=200)
    name_latin = _optional(_("Name in Latin letters"), help_text=_("Where the name is written in another script."))
    sex = forms.ChoiceField(label=_("Sex"), choices=ParticipantSex.choices, initial=ParticipantSex.UNKNOWN)
    sector = forms.ChoiceField(label=_("Sector"), choices=[("", "—"), *Sector.choices])
    organization_id = forms.ChoiceField(label=_("Organization"), required=False)
    organization_name = _optional(_("Organization (outside tipsom)"))
    region = forms.ChoiceField(label=_("Region"), required=False)
    username = _optional(_("tipsom username"), 150, help_text=_("Where the participant has a tipsom account."))

    field_order = [*PARTICIPANT_FIELDS, *SCORE_FIELDS]

    def __init__(self, *args: Any, activity: Activity, **kwargs: Any):
        super().__init__(*args, **kwargs)
        organizations = Organization.objects.filter(country=activity.country, is_active=True).order_by("name")
        org_field = self.fields["organization_id"]
        assert isinstance(org_field, forms.ChoiceField)
        org_field.choices = [("", "—"), *((str(pk), name) for pk, name in organizations.values_list("pk", "name"))]
        region_field = self.fields["region"]
        assert isinstance(region_field, forms.ChoiceField)
        region_field.choices = [("", "—"), *geography.region_choices(activity.country)]

    def participant(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name, "") for name in PARTICIPANT_FIELDS}
        data["organization_id"] = data["organization_id"] or None
        return data


class AttendanceEditForm(ScoresForm):
    @classmethod
    def initial_for(cls, attendance: Any) -> dict[str, Any]:
        return {
            name: ("" if getattr(attendance, name) is None else str(getattr(attendance, name))) for name in SCORE_FIELDS
        }


class RosterImportForm(forms.Form):
    file = forms.FileField(label=_("Roster file (CSV or XLSX)"))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _("Headings in the first row: %(columns)s.") % {
            "columns": ", ".join(IMPORT_COLUMNS)
        }
