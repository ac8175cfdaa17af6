"""Forms of the matching screens. They parse input; matching.services decides what is valid."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tipsom.matching.models import CandidatePair


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (CandidatePair.Status.CONFIRMED, _("Same person")),
            (CandidatePair.Status.REJECTED, _("Different persons")),
        ],
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


BIRTH_FROM_CHOICES = [
    ("survivor", _("Keep the birth data of the person kept")),
    ("merged", _("Take the birth data of the person merged into it")),
]


class MergeForm(forms.Form):
    """Which of the pair's two persons stays (the other is merged into it), and, when their birth data or child
    status differ, whose to keep (asked only then: the service says when it must be chosen)."""

    survivor = forms.TypedChoiceField(
        label=_("Person to keep"),
        coerce=int,
        widget=forms.RadioSelect,
        help_text=_("The other person's cases, referrals, names and history move to this one."),
    )
    birth_from = forms.ChoiceField(
        label=_("Birth data to keep"), choices=BIRTH_FROM_CHOICES, widget=forms.RadioSelect, required=False
    )

    def __init__(self, *args: Any, pair: CandidatePair, ask_birth: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        persons = (pair.person_low, pair.person_high)
        survivor = self.fields["survivor"]
        assert isinstance(survivor, forms.TypedChoiceField)
        survivor.choices = [
            (
                person.pk,
                _("%(person)s (%(organization)s)") % {"person": person, "organization": person.owner_organization.name},
            )
            for person in persons
        ]
        self.ask_birth = ask_birth or bool(self.data.get("birth_from"))
        if not self.ask_birth:
            self.fields["birth_from"].widget = forms.HiddenInput()


class AccessRequestForm(forms.Form):
    """Ask the organization holding a possible match for access. `token` is the check's signed token; `next` is
    where to go back to (the registration)."""

    reason = forms.CharField(
        label=_("Why does your organization need this person's record?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,  # the service says when it is missing, in the same words as the API
        help_text=_("The holding organization reads it before it answers. Do not write the person's name."),
    )
    token = forms.CharField(widget=forms.HiddenInput, max_length=500)
    next = forms.CharField(widget=forms.HiddenInput, max_length=2000, required=False)


class AccessAnswerForm(forms.Form):
    grant = forms.TypedChoiceField(
        label=_("Answer"),
        choices=[("yes", _("Grant access")), ("no", _("Refuse"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    until = forms.DateField(
        label=_("Access until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to grant access without an end."),
    )
    note = forms.CharField(
        label=_("Note to the asking organization"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=1000,
        required=False,
    )


class UndoForm(forms.Form):
    """Nothing to fill in: the page says what the undo restores, the button confirms it."""
