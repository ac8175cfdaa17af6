"""Forms of the Victims tab: linking a victim case, the victim's role, protection and compensation, a defendant's
relationship to a victim, hearings, and the reason asked before a reveal. They parse input; the services in
justice.services.victims decide what is valid (field names are the services', so a refusal lands beside its field)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tipsom.accounts.models import User
from tipsom.core.codes import code_choices
from tipsom.core.widgets import use_pickers
from tipsom.justice.models import (
    CriminalCase,
    Hearing,
    HearingKind,
    ProtectionMeasure,
    TestimonyMode,
    VictimInProceedings,
    VictimRole,
)
from tipsom.justice.services.victims import RELATIONSHIP_LIST
from tipsom.organizations.selectors import organization_list

BLANK = [("", "—")]
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def court_choices(user: User, country: str) -> list[tuple[str, str]]:
    """The active organizations of the case's country the user may see in the directory."""
    rows = (
        organization_list(user=user).filter(country=country, is_active=True).order_by("name").values_list("pk", "name")
    )
    return [*BLANK, *((str(pk), name) for pk, name in rows)]


class VictimLinkForm(forms.Form):
    """A victim case linked to the criminal case (by its number), or the change of a linked victim's record."""

    case_number = forms.CharField(
        label=_("Victim case number"),
        max_length=40,
        help_text=_("As the victim's case manager gives it, e.g. BR-2026-000063 or 2026-63."),
    )
    role = forms.ChoiceField(label=_("Role in the proceedings"), choices=[*BLANK, *VictimRole.choices])
    protection_measures = forms.MultipleChoiceField(
        label=_("Protection measures"),
        choices=ProtectionMeasure.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    testimony_mode = forms.ChoiceField(label=_("Testimony"), choices=TestimonyMode.choices)
    compensation_claimed = forms.CharField(label=_("Compensation claimed"), required=False, max_length=30)
    compensation_received = forms.CharField(label=_("Compensation received"), required=False, max_length=30)
    currency = forms.CharField(
        label=_("Currency"), required=False, max_length=3, help_text=_("ISO 4217 code, e.g. BRL or USD.")
    )
    statement = forms.CharField(
        label=_("Statement"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Kept encrypted; shown only through an audited reveal."),
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)

    def __init__(self, *args: Any, link: VictimInProceedings | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = link is not None
        if link is not None:
            del self.fields["case_number"]
            self.fields["version"].required = True
            self.fields["statement"].help_text = _(
                "Leave empty to keep the statement recorded; what you write replaces it."
            )
        else:
            del self.fields["version"]

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        if self.editing and not data.get("statement"):
            data.pop("statement", None)
        return data


def link_initial(link: VictimInProceedings) -> dict[str, Any]:
    return {
        "role": link.role,
        "protection_measures": link.protection_measures,
        "testimony_mode": link.testimony_mode,
        "compensation_claimed": "" if link.compensation_claimed is None else str(link.compensation_claimed),
        "compensation_received": "" if link.compensation_received is None else str(link.compensation_received),
        "currency": link.currency,
        "version": link.version,
    }


class RelationForm(forms.Form):
    """How a defendant of the case is related to the victim (HTCDS vic_RelationshipToTrafficker)."""

    suspect = forms.ChoiceField(label=_("Suspect or defendant"))
    relationship = forms.ChoiceField(label=_("Relationship"))
    detail = forms.CharField(
        label=_("Detail"), required=False, max_length=100, help_text=_("e.g. employer, partner, uncle.")
    )

    def __init__(self, *args: Any, suspects: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["suspect"].choices = [*BLANK, *suspects]  # type: ignore[attr-defined]
        self.fields["relationship"].choices = [*BLANK, *code_choices(RELATIONSHIP_LIST)]  # type: ignore[attr-defined]


class HearingForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[*BLANK, *HearingKind.choices])
    starts_at = forms.DateTimeField(
        label=_("Date and time"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
    )
    court = forms.ChoiceField(label=_("Court"), required=False)
    court_name = forms.CharField(
        label=_("Court name"), required=False, max_length=200, help_text=_("If the court is not in the list.")
    )
    room = forms.CharField(label=_("Courtroom"), required=False, max_length=60)
    victims = forms.MultipleChoiceField(
        label=_("Victims summoned"), required=False, widget=forms.CheckboxSelectMultiple
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=300, help_text=_("No names."))

    def __init__(
        self, *args: Any, user: User, criminal_case: CriminalCase, victims: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["court"].choices = court_choices(user, criminal_case.country)  # type: ignore[attr-defined]
        self.fields["victims"].choices = victims  # type: ignore[attr-defined]
        use_pickers(self, exclude=("victims",))

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["court"] = data.get("court") or None
        return data


def hearing_initial(hearing: Hearing) -> dict[str, Any]:
    from django.utils import timezone

    return {
        "kind": hearing.kind,
        "starts_at": timezone.localtime(hearing.starts_at),
        "court": hearing.court_id or "",
        "court_name": hearing.court_name,
        "room": hearing.room,
        "victims": [str(link.pk) for link in hearing.victims.all()],
        "note": hearing.note,
    }


class HearingCancelForm(forms.Form):
    reason = forms.CharField(label=_("Why is it cancelled?"), required=False, max_length=300)


class RevealForm(forms.Form):
    """The reason asked before a victim's name or statement is shown (audited with it)."""

    reason = forms.CharField(
        label=_("Why do you need to see it?"),
        max_length=500,
        help_text=_("Your reason is kept in the audit log with your name."),
    )
