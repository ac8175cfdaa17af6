"""Forms of the referral screens. They parse input; referrals.services decides what is valid.

Field names match the names the services give in their errors, so a refusal lands next to the right field.
Forms that answer a referral carry its `version` (optimistic locking: a stale one answers 409)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from tipsom.cases.models import Consent, ServiceDelivery
from tipsom.cases.models.choices import consent_service_type_choices
from tipsom.core.forms import form_choice_field
from tipsom.organizations import geography
from tipsom.referrals.models import Channel, Section, ServiceType, Urgency

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
BLANK = [("", "—")]
REASON = forms.Textarea(attrs={"rows": 2})


class SectionsWidget(forms.CheckboxSelectMultiple):
    """The sections as checkboxes; the profile is always shared, so its box is ticked and cannot be unticked."""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        if value == Section.PROFILE:
            option["attrs"]["disabled"] = True
            option["attrs"]["checked"] = True
        return option


class SectionsSelect(forms.Select):
    """A select whose options say which sections their choice needs (data-sections), for the form's script to tick
    them: choosing from the list ticks what starting from a suggestion ticks."""

    def __init__(self, *args: Any, sections_by_choice: dict[str, list[str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.sections_by_choice = sections_by_choice
        self.attrs["data-ticks-sections"] = ""

    def create_option(self, name: str, value: Any, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(name, value, *args, **kwargs)
        sections = self.sections_by_choice.get(str(value))
        if sections:
            option["attrs"]["data-sections"] = " ".join(sections)
        return option


class ReferralSendForm(forms.Form):
    """Refer the person of a case: to a service on tipsom, by letter, or to another country's tipsom (`channel`).

    The reasons to refer anyway (`warning_override`) and to refer without consent (`consent_override`) appear
    only once the service asked for them (a 409), or when the posted form already carried them."""

    channel = forms.ChoiceField(choices=Channel.choices, widget=forms.HiddenInput, initial=Channel.SYSTEM)
    service = forms.ChoiceField(label=_("Service"), required=False)
    service_type = forms.ChoiceField(label=_("Type of service"), choices=[*BLANK, *ServiceType.choices], required=False)
    recipient = forms.CharField(
        label=_("Receiving organization"),
        max_length=300,
        required=False,
        help_text=_("The organization's name (and the office or person), as it goes on the letter."),
    )
    partner_country = forms.ChoiceField(label=_("Country"), required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.ROUTINE)
    sections = forms.MultipleChoiceField(
        label=_("What to share"),
        choices=Section.choices,
        required=False,
        widget=SectionsWidget,
        help_text=_("Share only what the service needs. The profile (no name) always goes."),
    )
    message = forms.CharField(
        label=_("Message to the service"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(
        self,
        data: Any = None,
        *,
        channel: str,
        services: list[tuple[str, str]] | None = None,
        partner_countries: list[tuple[str, str]] | None = None,
        ask_warning: bool = False,
        ask_consent: bool = False,
        consent_initial: dict[str, Any] | None = None,
        sections_by_choice: dict[str, list[str]] | None = None,
        **kwargs: Any,
    ):
        super().__init__(data, **kwargs)
        self.warnings: list[dict[str, str]] = []
        self.fields["channel"].initial = channel
        if channel == Channel.SYSTEM:
            del self.fields["service_type"], self.fields["recipient"], self.fields["partner_country"]
            self.fields["service"].required = True
            form_choice_field(self, "service").choices = [*BLANK, *(services or [])]
        else:
            del self.fields["service"]
            self.fields["service_type"].required = True
            self.fields["recipient"].required = True
            if channel == Channel.ABROAD:
                self.fields["partner_country"].required = True
                form_choice_field(self, "partner_country").choices = [*BLANK, *(partner_countries or [])]
            else:
                del self.fields["partner_country"]
        posted = data if data is not None else {}
        if ask_warning or "warning_override" in posted:
            self.fields["warning_override"] = forms.CharField(
                label=_("Reason to refer anyway"),
                max_length=1000,
                widget=REASON,
                help_text=_("At least 10 characters. It is kept with the referral."),
            )
        if ask_consent or "consent_override" in posted or "record_consent" in posted:
            self._add_consent_fields(consent_initial or {})
            self.fields["consent_override"] = forms.CharField(
                label=_("Emergency: why refer without consent"),
                max_length=1000,
                widget=REASON,
                help_text=_("At least 10 characters. This is audited and your supervisors are told."),
                required=False,
            )

        # Choosing a service (or a type) ticks the sections it needs, as starting from a suggestion does.
        chooser = "service" if channel == Channel.SYSTEM else "service_type"
        self.fields[chooser].widget = SectionsSelect(
            choices=form_choice_field(self, chooser).choices, sections_by_choice=sections_by_choice or {}
        )

    def _add_consent_fields(self, initial: dict[str, Any]) -> None:
        """Record consent now: the person agreed (today, say), and the referral goes on with what was typed."""
        self.fields["record_consent"] = forms.BooleanField(
            label=_("Record the person's consent now"),
            required=False,
            initial=True,
            help_text=_(
                "Tick if the person (or, for a child, a guardian or parent) agrees now: the consent is recorded on "
                "the case and the referral goes out. Untick to refer without consent in an emergency."
            ),
        )
        self.fields["consent_given_by"] = forms.ChoiceField(
            label=_("Consent given by"), choices=Consent.GivenBy.choices, required=False
        )
        self.fields["consent_recorded_on"] = forms.DateField(
            label=_("Date of the consent"), required=False, widget=DATE
        )
        self.fields["consent_service_types"] = forms.MultipleChoiceField(
            label=_("Types of service the person agrees to share with"),
            choices=consent_service_type_choices(),
            required=False,
            widget=forms.CheckboxSelectMultiple,
        )
        for name in ("record_consent", "consent_given_by", "consent_recorded_on", "consent_service_types"):
            if name.removeprefix("consent_") in initial:
                self.fields[name].initial = initial[name.removeprefix("consent_")]

    CONSENT_FIELDS = ("record_consent", "consent_given_by", "consent_recorded_on", "consent_service_types")

    def main_fields(self) -> list[Any]:
        """The referral's own fields (the consent ones are laid out apart)."""
        return [self[name] for name in self.fields if name not in self.CONSENT_FIELDS and name != "consent_override"]

    def consent_fields(self) -> list[Any]:
        return [self[name] for name in self.CONSENT_FIELDS if name in self.fields]

    def override_fields(self) -> list[Any]:
        return [self[name] for name in ("consent_override",) if name in self.fields]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["sections"] = list(data.get("sections") or [])
        return data

    def consent_data(self) -> dict[str, Any] | None:
        """The consent to record before sending, when the user chose to record it now; else None."""
        data = self.cleaned_data
        if not data.get("record_consent"):
            return None
        recorded_on = data.get("consent_recorded_on")
        return {
            "given_by": data.get("consent_given_by") or "",
            "recorded_on": recorded_on.isoformat() if recorded_on else None,
            "service_types": list(data.get("consent_service_types") or []),
        }


class ReasonForm(forms.Form):
    """A referral's answer or revocation that needs a reason (decline, revoke)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=REASON)


class VersionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CompleteForm(VersionForm):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ServiceDelivery.Outcome.choices)
    delivered_on = forms.DateField(label=_("Date of the service"), widget=DATE)
    notes = forms.CharField(label=_("Notes"), required=False, max_length=4000, widget=REASON)


class TransferRequestForm(forms.Form):
    to_organization = forms.ChoiceField(label=_("Organization to take the case"))
    reason = forms.CharField(label=_("Reason"), max_length=1000, widget=REASON)

    def __init__(self, data: Any = None, *, organizations: list[tuple[int, str]], **kwargs: Any):
        super().__init__(data, **kwargs)
        form_choice_field(self, "to_organization").choices = [*BLANK, *((str(pk), name) for pk, name in organizations)]


class TransferDeclineForm(forms.Form):
    response = forms.CharField(label=_("Why not"), max_length=1000, widget=REASON)


class StateFilterForm(forms.Form):
    """The state a referral list shows: open by default."""

    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, data: Any = None, *, extra: list[tuple[str, Any]] | None = None, **kwargs: Any):
        super().__init__(data, **kwargs)
        from tipsom.referrals.models import State

        form_choice_field(self, "state").choices = [
            ("open", pgettext_lazy("referrals in a list", "Open")),
            ("all", pgettext_lazy("referrals in a list", "All")),
            *(extra or []),
            *State.choices,
        ]


def partner_country_choices(codes: list[str]) -> list[tuple[str, str]]:
    return [(code, geography.country_name(code)) for code in codes]
