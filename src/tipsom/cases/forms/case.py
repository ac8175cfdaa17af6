"""Forms of the case page's actions. They parse input; cases.services decides what is valid.

Field names match the names the services give in their errors, so a refusal lands next to the right field.
Every form that changes the case carries its `version` (optimistic locking: a stale one answers 409)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tipsom.cases.models import (
    STATUS_ACTIVE,
    STATUS_CLOSED,
    STATUS_CLOSED_REFERRED,
    STATUS_FOLLOW_UP,
    Assessment,
    Case,
    CaseType,
    ChildProtection,
    ClosureReason,
    Consent,
    ServiceDelivery,
    SupportPlanItem,
)
from tipsom.cases.models.choices import consent_service_type_choices
from tipsom.cases.services.case import CASE_LIST_FIELDS
from tipsom.core.codes import code_choices, code_label
from tipsom.core.forms import form_choice_field
from tipsom.core.widgets import use_pickers
from tipsom.organizations import geography

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BLANK = [("", "—")]


def _codes(list_name: str) -> list[tuple[str, str]]:
    return code_choices(list_name)


class VersionForm(forms.Form):
    """The case's version when the form was opened: a newer one on the server means someone else changed it."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CaseEditForm(VersionForm):
    case_type = forms.ChoiceField(label=_("Type"), choices=CaseType.choices)
    region = forms.ChoiceField(label=_("Region of identification"), required=False)
    origin_country = forms.ChoiceField(label=_("Country of origin"), required=False)
    transit_countries = forms.MultipleChoiceField(
        label=_("Transit countries"), required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )
    destination_country = forms.ChoiceField(label=_("Country of destination"), required=False)
    case_owner = forms.ChoiceField(label=_("Case owner"), required=False)

    LIST_LABELS = {
        "exploitation_types": _("Forms of exploitation"),
        "industries": _("Industries"),
        "sex_exploitation_types": _("Types of sexual exploitation"),
        "means_of_control": _("Means of control"),
        "recruitment_methods": _("Methods of recruitment"),
        "relationship_to_recruiter": _("Relationship to the recruiter"),
        "recruitment_websites": _("Websites and apps used in recruitment"),
        "exploitation_websites": _("Websites and apps used in exploitation"),
        "vulnerabilities": _("Vulnerabilities"),
    }

    def __init__(self, *args: Any, case: Case, owners: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        countries = BLANK + geography.country_choices()
        form_choice_field(self, "region").choices = BLANK + geography.region_choices(case.country)
        form_choice_field(self, "origin_country").choices = countries
        form_choice_field(self, "destination_country").choices = countries
        form_choice_field(self, "transit_countries").choices = geography.country_choices()
        form_choice_field(self, "case_owner").choices = BLANK + [(str(pk), name) for pk, name in owners]
        for name, list_name in CASE_LIST_FIELDS.items():
            self.fields[name] = forms.MultipleChoiceField(
                label=self.LIST_LABELS[name],
                choices=_codes(list_name),
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        for name in ("region", "origin_country", "destination_country"):
            self.fields[name].widget.attrs["data-empty-label"] = _("Not known")
        use_pickers(self)  # long code lists (countries, industries, ...) become searchable pickers

    @classmethod
    def initial_for(cls, case: Case) -> dict[str, Any]:
        initial: dict[str, Any] = {
            name: getattr(case, name)
            for name in ("case_type", "region", "origin_country", "transit_countries", "destination_country")
        }
        initial.update({name: getattr(case, name) for name in CASE_LIST_FIELDS})
        initial["case_owner"] = str(case.case_owner_id or "")
        initial["version"] = case.version
        return initial

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.fields if name != "version"}
        data["case_owner"] = data["case_owner"] or None
        return data


class TeamForm(VersionForm):
    team = forms.MultipleChoiceField(
        label=_("Team"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Team members see identities."),
    )

    def __init__(self, *args: Any, members: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_choice_field(self, "team").choices = [(str(pk), name) for pk, name in members]


class DecisionForm(VersionForm):
    status = forms.ChoiceField(label=_("Status"), choices=[])
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    deciding_organization_type = forms.ChoiceField(label=_("Type of deciding organization"), choices=[])
    basis = forms.CharField(
        label=_("Basis"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required for an Actual or Not a victim decision. Stored encrypted."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_choice_field(self, "status").choices = _codes("vic_TraffickingStatus")
        form_choice_field(self, "deciding_organization_type").choices = _codes("vic_TraffickingStatusDecisionMakingOrg")


class ReviewForm(forms.Form):
    """A supervisor's answer to a pending decision or closure: the button pressed says which."""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.HiddenInput)
    comment = forms.CharField(label=_("Comment"), max_length=300, required=False, help_text=_("Required to reject."))


class ClosureForm(VersionForm):
    status = forms.ChoiceField(label=_("Closing status"), choices=[])
    reason = forms.ChoiceField(label=_("Closure reason"), choices=ClosureReason.choices)
    closed_on = forms.DateField(label=_("Closed on"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Labels in the language of the request, not of the import.
        form_choice_field(self, "status").choices = [
            (code, code_label("cas_Status", code)) for code in (STATUS_CLOSED, STATUS_CLOSED_REFERRED)
        ]


class StatusForm(VersionForm):
    status = forms.ChoiceField(label=_("Status"), choices=[])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_choice_field(self, "status").choices = [
            (code, code_label("cas_Status", code)) for code in (STATUS_ACTIVE, STATUS_FOLLOW_UP)
        ]


class ConsentForm(VersionForm):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Consent.Purpose.choices)
    given = forms.ChoiceField(
        label=_("Consent"),
        choices=[("given", _("Given")), ("withdrawn", _("Withdrawn"))],
        widget=forms.RadioSelect,
    )
    recorded_on = forms.DateField(label=_("Date"), widget=DATE)
    given_by = forms.ChoiceField(
        label=_("Given or withdrawn by"),
        choices=Consent.GivenBy.choices,
        help_text=_("For a child, a guardian or parent."),
    )
    service_types = forms.MultipleChoiceField(
        label=_("Types of service (referral only)"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The referral's service types, one box per support type consent stores (cases.models.choices).
        form_choice_field(self, "service_types").choices = consent_service_type_choices()

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version")
        data["given"] = data["given"] == "given"
        return data


class EventForm(VersionForm):
    event_type = forms.ChoiceField(label=_("Type"), choices=[])
    country = forms.ChoiceField(label=_("Country"), choices=[])
    place = forms.CharField(label=_("Place"), max_length=300, required=False, help_text=_("Stored encrypted."))
    start_date = forms.DateField(label=_("From"), required=False, widget=DATE)
    end_date = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_choice_field(self, "event_type").choices = _codes("hte_Type")
        form_choice_field(self, "country").choices = BLANK + geography.country_choices()


class AssessmentForm(VersionForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Assessment.Kind.choices)
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)
    level = forms.ChoiceField(label=_("Level"), choices=Assessment.Level.choices)
    needs = forms.MultipleChoiceField(label=_("Needs"), required=False, widget=forms.CheckboxSelectMultiple)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_choice_field(self, "needs").choices = _codes("spl_Type")


class PlanItemForm(VersionForm):
    support_type = forms.ChoiceField(label=_("Type of support"), choices=[])
    goal = forms.CharField(label=_("Goal"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    target_date = forms.DateField(label=_("Target date"), required=False, widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_choice_field(self, "support_type").choices = _codes("spl_Type")


class PlanStatusForm(VersionForm):
    status = forms.ChoiceField(label=_("Status"), choices=SupportPlanItem.Status.choices)


class ServiceForm(VersionForm):
    support_type = forms.ChoiceField(label=_("Type of support"), choices=[])
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DATE)
    provider = forms.ChoiceField(label=_("Provider"), choices=[])
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ServiceDelivery.Outcome.choices)
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, providers: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_choice_field(self, "support_type").choices = _codes("spl_Type")
        form_choice_field(self, "provider").choices = BLANK + [(str(pk), name) for pk, name in providers]


class TaskForm(VersionForm):
    title = forms.CharField(label=_("Task"), max_length=300)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)
    assigned_to = forms.ChoiceField(label=_("Assigned to"), required=False)

    def __init__(self, *args: Any, assignees: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_choice_field(self, "assigned_to").choices = BLANK + [(str(pk), name) for pk, name in assignees]


class JournalForm(forms.Form):
    text = forms.CharField(
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Notes are never edited: write a new note to correct one. Stored encrypted."),
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label=_("File"), allow_empty_file=True, help_text=_("PDF, JPEG or PNG. Stored encrypted."))


class ChildNotifyForm(VersionForm):
    organization = forms.ChoiceField(label=_("Child protection agency"), choices=[])

    def __init__(self, *args: Any, agencies: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_choice_field(self, "organization").choices = BLANK + [(str(pk), name) for pk, name in agencies]


class ChildUpdateForm(VersionForm):
    guardian_name = forms.CharField(
        label=_("Guardian"), max_length=300, required=False, help_text=_("Stored encrypted.")
    )
    guardian_organization = forms.ChoiceField(label=_("Guardian's organization"), required=False)
    guardian_appointed_on = forms.DateField(label=_("Guardian appointed on"), required=False, widget=DATE)
    best_interests = forms.ChoiceField(label=_("Best-interests assessment"), choices=ChildProtection.Assessment.choices)
    best_interests_completed_on = forms.DateField(
        label=_("Best-interests assessment completed on"), required=False, widget=DATE
    )
    family_tracing = forms.ChoiceField(label=_("Family tracing"), choices=ChildProtection.Tracing.choices)
    age_assessment = forms.ChoiceField(label=_("Age assessment"), choices=ChildProtection.AgeAssessment.choices)

    def __init__(self, *args: Any, organizations: list[tuple[int, str]], with_guardian_name: bool, **kwargs: Any):
        super().__init__(*args, **kwargs)
        form_choice_field(self, "guardian_organization").choices = BLANK + [
            (str(pk), name) for pk, name in organizations
        ]
        if not with_guardian_name:
            # Someone who may not read the guardian's name may not overwrite it unseen either.
            del self.fields["guardian_name"]

    @classmethod
    def initial_for(cls, track: ChildProtection, case: Case, *, with_guardian_name: bool) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "guardian_organization": str(track.guardian_organization_id or ""),
            "guardian_appointed_on": track.guardian_appointed_on,
            "best_interests": track.best_interests,
            "best_interests_completed_on": track.best_interests_completed_on,
            "family_tracing": track.family_tracing,
            "age_assessment": track.age_assessment,
            "version": case.version,
        }
        if with_guardian_name:
            initial["guardian_name"] = track.guardian_name
        return initial

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.fields if name != "version"}
        data["guardian_organization"] = data["guardian_organization"] or None
        return data
