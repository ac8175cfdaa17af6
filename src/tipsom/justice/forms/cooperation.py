"""Forms of the Cooperation tab: a request for mutual legal assistance or extradition, or a joint investigation
team, and its answer. The rules are justice.services.cooperation's."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tipsom.core.widgets import use_pickers
from tipsom.justice.models import CooperationKind, CooperationRequest, CooperationStatus, Direction
from tipsom.organizations import geography

BLANK = [("", "—")]
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_FIELDS = ("sent_on", "deadline", "answered_on", "starts_on", "ends_on")


class CooperationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[*BLANK, *CooperationKind.choices])
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices)
    countries = forms.MultipleChoiceField(label=_("Other countries"))
    authority = forms.CharField(
        label=_("Authority"), max_length=200, help_text=_("The central or competent authority on the other side.")
    )
    subject = forms.CharField(
        label=_("Subject"), required=False, max_length=300, help_text=_("What is asked; no names.")
    )
    status = forms.ChoiceField(label=_("Status"), choices=CooperationStatus.choices)
    sent_on = forms.DateField(label=_("Sent or received on"), required=False, widget=DATE)
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DATE)
    answered_on = forms.DateField(label=_("Answered on"), required=False, widget=DATE)
    starts_on = forms.DateField(
        label=_("Starts on"), required=False, widget=DATE, help_text=_("A joint investigation team only.")
    )
    ends_on = forms.DateField(
        label=_("Ends on"), required=False, widget=DATE, help_text=_("A joint investigation team only.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["countries"].choices = geography.country_choices()  # type: ignore[attr-defined]
        if editing:
            self.fields["version"].required = True
        else:
            del self.fields["version"]
        use_pickers(self)

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        return data


def cooperation_initial(request: CooperationRequest) -> dict[str, Any]:
    fields = ("kind", "direction", "countries", "authority", "subject", "status", *DATE_FIELDS, "version")
    return {name: getattr(request, name) for name in fields}


class CooperationAnswerForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Answer"),
        choices=[
            (CooperationStatus.ANSWERED, CooperationStatus.ANSWERED.label),
            (CooperationStatus.REFUSED, CooperationStatus.REFUSED.label),
        ],
    )
    answered_on = forms.DateField(label=_("Answered on"), widget=DATE, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
