"""Forms of the Process tab: formal contact, charges, their withdrawal, court decisions (appeals included), the
closing of the investigation and the conclusion of the case. They parse input; justice.services.process decides
what is valid. Field names are the service's, so a refusal lands beside its field.

A decision form is of one kind: a conviction (with the sentence's fields) or an acquittal or dismissal (without
them), so no script is needed to show the fields an outcome takes."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tipsom.accounts.models import User
from tipsom.core.forms import form_choice_field
from tipsom.core.widgets import use_pickers
from tipsom.justice.forms.cases import BLANK, DATE, VersionForm, organization_choices
from tipsom.justice.models import (
    CONVICTIONS,
    Charge,
    ContactType,
    CourtDecision,
    CriminalCase,
    DecisionLevel,
    Outcome,
    Suspect,
)
from tipsom.justice.selectors.process import offences_for_case, provisions_for_case

KIND_CONVICTION = "conviction"
KIND_ACQUITTAL = "acquittal"
DECISION_KINDS = (KIND_CONVICTION, KIND_ACQUITTAL)
SENTENCE_FIELDS = (
    "convicted_provision",
    "prison_months",
    "prison_suspended",
    "fine_amount",
    "currency",
    "confiscated_assets",
    "confiscated_assets_value",
    "compensation_ordered",
)


def _provision_choices(criminal_case: CriminalCase) -> list[tuple[str, str]]:
    rows = provisions_for_case(criminal_case).only("id", "law", "article", "title")
    return [*BLANK, *((str(row.pk), f"{row.law}, {row.article} — {row.title}") for row in rows)]


class FormalContactForm(VersionForm):
    contact_type = forms.ChoiceField(label=_("Formal contact"), choices=[*BLANK, *ContactType.choices])
    formal_contact_on = forms.DateField(label=_("Formal contact on"), widget=DATE)


class ChargeForm(forms.Form):
    suspect = forms.ChoiceField(label=_("Defendant"))
    provision = forms.ChoiceField(label=_("Legal provision"), help_text=_("The active laws of the case's country."))
    offence = forms.ChoiceField(label=_("Offence"), required=False)
    charged_on = forms.DateField(label=_("Charged on"), widget=DATE)

    def __init__(self, *args: Any, criminal_case: CriminalCase, suspects: list[Suspect], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_choice_field(self, "suspect").choices = [*BLANK, *((str(s.pk), str(s)) for s in suspects)]
        form_choice_field(self, "provision").choices = _provision_choices(criminal_case)
        offences = [
            (str(o.pk), f"{o.get_offence_type_display()} · {o.date_from.isoformat()}")
            for o in offences_for_case(criminal_case)
        ]
        form_choice_field(self, "offence").choices = [*BLANK, *offences]
        use_pickers(self)


class ChargeWithdrawForm(forms.Form):
    withdrawn_on = forms.DateField(label=_("Withdrawn on"), widget=DATE)


class InvestigationCloseForm(VersionForm):
    closed_on = forms.DateField(label=_("Investigation closed on"), widget=DATE)


class ConcludeForm(VersionForm):
    concluded_on = forms.DateField(label=_("Concluded on"), widget=DATE)


class DecisionRemoveForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why the decision was recorded by mistake. It is kept in the audit log."),
    )


class DecisionForm(forms.Form):
    """A court decision of one kind (a conviction, or an acquittal or dismissal), at first instance or on appeal
    of the standing decision (`appeal_of`, given by the page)."""

    charge = forms.ChoiceField(label=_("Charge"))
    appeal_of = forms.IntegerField(widget=forms.HiddenInput, required=False)
    level = forms.ChoiceField(label=_("Level"))
    decided_on = forms.DateField(label=_("Decided on"), widget=DATE)
    outcome = forms.ChoiceField(label=_("Outcome"))
    court = forms.ChoiceField(label=_("Court"), required=False)
    court_name = forms.CharField(
        label=_("Court name"), max_length=200, required=False, help_text=_("If the court is not in the list.")
    )
    convicted_provision = forms.ChoiceField(
        label=_("Provision convicted under"),
        required=False,
        help_text=_("Only for a conviction of another offence."),
    )
    prison_months = forms.IntegerField(label=_("Prison term (months)"), required=False)
    prison_suspended = forms.BooleanField(label=_("Prison term suspended"), required=False)
    fine_amount = forms.DecimalField(label=_("Fine"), required=False)
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False, help_text=_("ISO 4217, e.g. BRL."))
    confiscated_assets = forms.CharField(label=_("Confiscated assets"), max_length=300, required=False)
    confiscated_assets_value = forms.DecimalField(label=_("Value of confiscated assets"), required=False)
    compensation_ordered = forms.DecimalField(label=_("Compensation ordered to victims"), required=False)
    is_final = forms.BooleanField(label=_("Final (no further appeal)"), required=False)

    def __init__(
        self,
        *args: Any,
        user: User,
        criminal_case: CriminalCase,
        charges: list[Charge],
        kind: str,
        appeal_of: CourtDecision | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.kind = kind
        form_choice_field(self, "charge").choices = [
            *BLANK,
            *((str(c.pk), f"{c.suspect} · {c.provision}") for c in charges),
        ]
        levels = [(value, label) for value, label in DecisionLevel.choices]
        if appeal_of is not None:
            levels = [(value, label) for value, label in levels if value != DecisionLevel.FIRST_INSTANCE]
            self.fields["charge"].disabled = True
            self.fields["appeal_of"].disabled = True
        else:
            levels = [(value, label) for value, label in levels if value == DecisionLevel.FIRST_INSTANCE]
        form_choice_field(self, "level").choices = levels
        convicted = kind == KIND_CONVICTION
        outcomes = [(value, label) for value, label in Outcome.choices if (value in CONVICTIONS) == convicted]
        form_choice_field(self, "outcome").choices = outcomes
        form_choice_field(self, "court").choices = organization_choices(user, criminal_case.country)
        if convicted:
            form_choice_field(self, "convicted_provision").choices = _provision_choices(criminal_case)
        else:
            for name in SENTENCE_FIELDS:
                del self.fields[name]
        use_pickers(self)

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        for name in ("court", "convicted_provision"):
            data[name] = data.get(name) or None
        return data
