"""Forms of the helpline screens. They parse input; helpline.services decides what is valid (an unknown code gets
the service's message). The contact form is one screen in sections; which sections show depends on the type of
contact, who contacted and the consent to be called back (ContactForm.visible), and HTMX redraws them as those
change. What a hidden section holds is never sent: contact_data() leaves it out."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tipsom.cases.models import TraffickingAct
from tipsom.core.codes import code_choices
from tipsom.core.widgets import use_pickers
from tipsom.helpline.languages import language_choices
from tipsom.helpline.models import (
    NON_DATA_TYPES,
    TICKED_ACTIONS,
    AgeGroup,
    CallbackStatus,
    CallerRole,
    Channel,
    ContactAction,
    ContactType,
    Direction,
    Urgency,
)
from tipsom.helpline.services.contact import CALLBACK_FIELDS, CALLER_FIELDS
from tipsom.organizations import geography
from tipsom.people.forms import CodeField, CodeListField
from tipsom.people.models import gender_choices

DATETIME_INPUT = "%Y-%m-%dT%H:%M"
_DURATION = re.compile(r"^(\d{1,4})(?::([0-5]?\d))?$")
NOT_KNOWN = {"data-empty-label": _("Not known")}
# The sections of the contact form, in order, and the fields of each.
SECTIONS: dict[str, tuple[str, ...]] = {
    "contact": ("contact_type", "channel", "direction", "started_at", "duration"),
    "caller": ("caller_role", "language"),
    "identity": CALLER_FIELDS,
    "callback": ("callback_consent",),
    "protocol": (*CALLBACK_FIELDS, "callback_no_message"),
    "about": ("subject_age_group", "subject_gender", "subject_count", "region", "place", "summary"),
    "screening": ("acts", "means_of_control", "exploitation_types", "industries"),
    "triage": ("urgency", "actions"),
}


def _checkboxes(label: Any, choices: Any, help_text: Any = "") -> CodeListField:
    return CodeListField(
        label=label, choices=choices, required=False, widget=forms.CheckboxSelectMultiple, help_text=help_text
    )


def _answer(form: forms.BaseForm, name: str) -> Any:
    """What the form holds for a field: the typed value when bound, else the initial one."""
    if form.is_bound:
        field = form.fields[name]
        return field.widget.value_from_datadict(form.data, form.files, form.add_prefix(name))
    value = form.initial.get(name, form.fields[name].initial)
    return value() if callable(value) else value


def duration_seconds(text: str) -> int | None:
    """Minutes ("7") or minutes and seconds ("7:30") as seconds; None for nothing; ValueError otherwise."""
    text = "".join((text or "").split())
    if not text:
        return None
    match = _DURATION.match(text)
    if match is None:
        raise ValueError(text)
    return int(match.group(1)) * 60 + int(match.group(2) or 0)


def duration_text(seconds: int | None) -> str:
    if seconds is None:
        return ""
    return f"{seconds // 60}:{seconds % 60:02d}"


class ContactForm(forms.Form):
    """A contact in one screen. In an edit (`editing`), the caller's encrypted fields start empty and an empty one
    keeps what is recorded: they are never shown without an audited reveal."""

    contact_type = forms.ChoiceField(label=_("Type of contact"), choices=ContactType.choices, widget=forms.RadioSelect)
    channel = forms.ChoiceField(label=_("Channel"), choices=Channel.choices)
    direction = forms.ChoiceField(label=_("Direction"), choices=Direction.choices, widget=forms.RadioSelect)
    started_at = forms.DateTimeField(
        label=_("Time"),
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
    )
    duration = forms.CharField(
        label=_("Duration"), required=False, max_length=10, help_text=_("Minutes, or minutes:seconds (7:30).")
    )
    caller_role = forms.ChoiceField(
        label=_("Who contacted"), choices=CallerRole.choices, required=False, widget=forms.RadioSelect
    )
    language = CodeField(label=_("Language"), required=False, widget=forms.Select(attrs=NOT_KNOWN))
    caller_name = forms.CharField(
        label=_("Caller's name"), required=False, max_length=300, help_text=_("Confidential: stored encrypted.")
    )
    caller_number = forms.CharField(label=_("Caller's number"), required=False, max_length=40)
    caller_email = forms.CharField(label=_("Caller's email or other address"), required=False, max_length=254)
    callback_consent = forms.BooleanField(label=_("The caller agrees to be contacted back"), required=False)
    callback_number = forms.CharField(label=_("Safe number"), required=False, max_length=40)
    callback_safe_times = forms.CharField(
        label=_("Safe times"), required=False, max_length=300, help_text=_("When it is safe to call.")
    )
    callback_code_word = forms.CharField(
        label=_("Code word"),
        required=False,
        max_length=100,
        help_text=_("The word the caller will say, or ask for, to know it is safe to talk."),
    )
    callback_no_message = forms.BooleanField(label=_("Never leave a message"), required=False, initial=True)
    subject_age_group = forms.ChoiceField(
        label=_("The person concerned is"),
        choices=[("", _("Not known")), *[c for c in AgeGroup.choices if c[0] != AgeGroup.UNKNOWN]],
        required=False,
        widget=forms.RadioSelect,
    )
    subject_gender = CodeField(label=_("Sex"), required=False, widget=forms.Select(attrs=NOT_KNOWN))
    subject_count = forms.IntegerField(label=_("Persons concerned"), required=False, min_value=1)
    region = CodeField(label=_("Region"), required=False, widget=forms.Select(attrs=NOT_KNOWN))
    place = forms.CharField(
        label=_("Place"), required=False, max_length=300, help_text=_("Confidential: stored encrypted.")
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What was said. Confidential: stored encrypted."),
    )
    acts = _checkboxes(_("Act: the person was"), TraffickingAct.choices)
    means_of_control = _checkboxes(
        _("Means: how the person is controlled"),
        lambda: code_choices("vic_MethodsOfControl"),
        _("Not needed for a child: a child's consent is irrelevant."),
    )
    exploitation_types = _checkboxes(
        _("Purpose: forms of exploitation"), lambda: code_choices("vic_TypeOfExploitation")
    )
    industries = _checkboxes(_("Industries"), lambda: code_choices("vic_ForcedLabourIndustry"))
    urgency = forms.ChoiceField(
        label=_("Urgency"), choices=Urgency.choices, widget=forms.RadioSelect, initial=Urgency.ROUTINE
    )
    actions = _checkboxes(_("Actions taken"), [(a.value, a.label) for a in ContactAction if a in TICKED_ACTIONS])

    def __init__(self, *args: Any, country: str, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.editing = editing
        self.fields["language"].choices = [("", "—"), *language_choices()]  # type: ignore[attr-defined]
        self.fields["subject_gender"].choices = [("", "—"), *gender_choices()]  # type: ignore[attr-defined]
        self.fields["region"].choices = [("", "—"), *geography.region_choices(country)]  # type: ignore[attr-defined]
        if editing:
            for name in (*CALLER_FIELDS, *CALLBACK_FIELDS):
                self.fields[name].help_text = _("Recorded values are kept unless you type new ones.")
        use_pickers(self, exclude=("acts", "actions"))

    @classmethod
    def initial_new(cls) -> dict[str, Any]:
        """A new contact: now, by phone, incoming, routine."""
        return {
            "started_at": timezone.localtime().replace(second=0, microsecond=0),
            "channel": Channel.PHONE,
            "direction": Direction.INCOMING,
            "urgency": Urgency.ROUTINE,
            "callback_no_message": True,
        }

    @classmethod
    def initial_for(cls, contact: Any) -> dict[str, Any]:
        """An existing contact's values, but the caller's encrypted ones (never shown unrevealed)."""
        names = [name for section in SECTIONS.values() for name in section]
        initial = {
            name: getattr(contact, name)
            for name in names
            if name not in (*CALLER_FIELDS, *CALLBACK_FIELDS, "duration", "actions", "started_at")
        }
        initial["started_at"] = timezone.localtime(contact.started_at)
        initial["duration"] = duration_text(contact.duration_seconds)
        initial["actions"] = [a for a in contact.actions if a in TICKED_ACTIONS]
        return initial

    def clean_duration(self) -> int | None:
        try:
            return duration_seconds(self.cleaned_data.get("duration") or "")
        except ValueError:
            raise forms.ValidationError(_("Give minutes, or minutes:seconds (7:30).")) from None

    # --- What shows ---------------------------------------------------------------------------------------------
    @property
    def visible(self) -> dict[str, bool]:
        """{section: shown?}, from the type of contact, who contacted and the consent to be called back."""
        data = str(_answer(self, "contact_type") or "") not in NON_DATA_TYPES
        anonymous = _answer(self, "caller_role") == CallerRole.ANONYMOUS
        consent = _answer(self, "callback_consent") in (True, "on", "true", "True", "1")
        shown = dict.fromkeys(SECTIONS, data)
        shown["contact"] = True
        shown["identity"] = shown["callback"] = data and not anonymous
        shown["protocol"] = data and not anonymous and consent
        return shown

    @property
    def is_emergency(self) -> bool:
        return self.visible["triage"] and _answer(self, "urgency") == Urgency.EMERGENCY

    @property
    def recommendation(self) -> tuple[str, str]:
        """The case screening's recommendation for what is ticked so far: (code, words), ("", "") for none."""
        from tipsom.cases.models import Screening
        from tipsom.helpline.services.contact import contact_recommendation

        def codes(name: str) -> list[str]:
            value = _answer(self, name) or []
            return [value] if isinstance(value, str) else [str(item) for item in value]

        code = contact_recommendation(
            {
                "contact_type": str(_answer(self, "contact_type") or ""),
                "acts": codes("acts"),
                "means_of_control": codes("means_of_control"),
                "exploitation_types": codes("exploitation_types"),
                "subject_age_group": str(_answer(self, "subject_age_group") or ""),
            }
        )
        return code, str(dict(Screening.Recommendation.choices).get(code, ""))

    def section_fields(self) -> list[dict[str, Any]]:
        """[{name, fields, shown}] for the template, in order."""
        visible = self.visible
        return [
            {"name": name, "fields": [self[field] for field in fields], "shown": visible[name]}
            for name, fields in SECTIONS.items()
        ]

    def contact_data(self) -> dict[str, Any]:
        """The service's fields from the shown sections only; in an edit, an empty caller field keeps its value,
        and a hidden caller section empties them (an anonymous or non-data contact keeps none)."""
        data = self.cleaned_data
        visible = self.visible
        result: dict[str, Any] = {
            "contact_type": data["contact_type"],
            "channel": data["channel"],
            "direction": data["direction"],
            "started_at": data["started_at"],
            "duration_seconds": data["duration"],
        }
        if not visible["caller"]:
            if self.editing:
                result.update(_emptied(SECTIONS_AFTER_CONTACT))
            return result
        for section in ("caller", "about", "screening", "triage"):
            for name in SECTIONS[section]:
                value = data[name]
                result[name] = list(value) if isinstance(value, (list, tuple)) else value
        for section in ("identity", "callback", "protocol"):
            for name in SECTIONS[section]:
                if not visible[section]:
                    if self.editing:
                        result[name] = False if name in ("callback_consent", "callback_no_message") else ""
                    continue
                value = data[name]
                if self.editing and name in (*CALLER_FIELDS, *CALLBACK_FIELDS) and not value:
                    continue
                result[name] = value
        return result


SECTIONS_AFTER_CONTACT = tuple(name for section, names in SECTIONS.items() if section != "contact" for name in names)


def _emptied(names: tuple[str, ...]) -> dict[str, Any]:
    from tipsom.helpline.services.contact import EMPTY

    return {name: EMPTY[name] for name in names if name in EMPTY}


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to see the caller's details?"),
        max_length=500,
        help_text=_("Recorded in the audit log with your name."),
    )


class AssignForm(forms.Form):
    assignee = forms.ChoiceField(label=_("Assign to"), required=False)

    def __init__(self, *args: Any, operators: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            ("", _("Nobody")),
            *[(str(user.pk), user.full_name or user.username) for user in operators],
        ]


class LinkForm(forms.Form):
    other = forms.CharField(
        label=_("Another contact about the same situation"), max_length=24, help_text=_("Its number: HL-2026-000123.")
    )


class CaseLinkForm(forms.Form):
    case = forms.CharField(
        label=_("Case number"), max_length=24, help_text=_("A case you may see, e.g. PK-2026-000012.")
    )


class ReferForm(forms.Form):
    """Refer from the contact's case to a service of the directory; the consent to the referral may be recorded in
    the same step (or, in immediate danger, an emergency reason given instead)."""

    service = forms.ChoiceField(label=_("Service"))
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices)
    message = forms.CharField(
        label=_("Message to the service"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )
    consent_given_by = forms.ChoiceField(
        label=_("Record the consent to this referral now, given by"),
        required=False,
        help_text=_("Leave empty if the consent is already recorded on the case."),
    )
    consent_override = forms.CharField(
        label=_("Emergency: why refer without consent"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
        help_text=_("Only in immediate danger; the case's supervisors are told."),
    )
    warning_override = forms.CharField(
        label=_("Why refer anyway"),
        required=False,
        max_length=1000,
        help_text=_("Only if the service reports no place or does not serve this person."),
    )

    def __init__(self, *args: Any, services: list[tuple[str, str]], given_by: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["service"].choices = [("", "—"), *services]  # type: ignore[attr-defined]
        self.fields["consent_given_by"].choices = [("", "—"), *given_by]  # type: ignore[attr-defined]
        use_pickers(self)


class CallbackForm(forms.Form):
    due_at = forms.DateTimeField(
        label=_("Call back at"),
        input_formats=[DATETIME_INPUT, "%Y-%m-%d %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_INPUT),
        help_text=_("Within the safe times the caller gave."),
    )


class CallbackDoneForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[c for c in CallbackStatus.choices if c[0] != CallbackStatus.PENDING]
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, help_text=_("Confidential: stored encrypted.")
    )


def now_input() -> datetime:
    return timezone.localtime().replace(second=0, microsecond=0)
