"""The forms of the quality review and of blocked numbers: shapes only (helpline.services.review and .blocks check
every value and decide)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tipsom.helpline.models import BlockReason
from tipsom.helpline.numbers import MAX_NUMBER
from tipsom.helpline.selectors_review import DEFAULT_MINIMUM, DEFAULT_SHARE
from tipsom.helpline.services.blocks import NOTE_MAX, block_duration_choices
from tipsom.helpline.services.review import COMMENTS_MAX, REVIEW_CRITERIA

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
# The criteria's three answers on the form (a ticked box could not say "not applicable").
MET, NOT_MET, NOT_APPLICABLE = "yes", "no", ""


class BlockForm(forms.Form):
    """Block a number (typed, or the contact's: then without the number field)."""

    number = forms.CharField(label=gettext_lazy("Number"), max_length=MAX_NUMBER)
    reason = forms.ChoiceField(label=gettext_lazy("Reason"), choices=BlockReason.choices)
    duration = forms.ChoiceField(label=gettext_lazy("Blocked for"))
    note = forms.CharField(
        label=gettext_lazy("Why, in words"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Needed for a block longer than 24 hours. Kept encrypted."),
    )

    def __init__(self, *args: Any, longer: bool, with_number: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["duration"].choices = block_duration_choices(longer=longer)  # type: ignore[attr-defined]
        if with_number:
            self.fields["number"].widget.attrs.update({"dir": "ltr", "autocomplete": "off", "inputmode": "tel"})
        else:
            del self.fields["number"]
        if not longer:
            del self.fields["note"]


class BlockRevealForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Why do you need to see the number?"),
        max_length=500,
        help_text=gettext_lazy("Recorded in the audit log with your name."),
    )


class ReviewPeriodForm(forms.Form):
    """The period whose closed contacts are sampled, and how many of each operator's."""

    date_from = forms.DateField(label=gettext_lazy("From"), widget=DATE_INPUT)
    date_to = forms.DateField(label=gettext_lazy("Until"), widget=DATE_INPUT)
    share = forms.IntegerField(
        label=gettext_lazy("Share of each operator's contacts (%)"), min_value=1, max_value=100, initial=5
    )
    minimum = forms.IntegerField(
        label=gettext_lazy("At least, per operator"), min_value=0, max_value=50, initial=DEFAULT_MINIMUM
    )
    draw = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0, max_value=10_000)

    @staticmethod
    def initial_values() -> dict[str, Any]:
        """The last 30 days."""
        today = timezone.localdate()
        return {
            "date_from": today - timedelta(days=29),
            "date_to": today,
            "share": round(DEFAULT_SHARE * 100),
            "minimum": DEFAULT_MINIMUM,
            "draw": 0,
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period cannot come before its start."))
        if start and end and (end - start).days > 366:
            self.add_error("date_from", _("Choose a period of a year at most."))
        return data


class ReviewForm(forms.Form):
    score = forms.TypedChoiceField(
        label=gettext_lazy("Score"),
        choices=[(str(n), str(n)) for n in range(1, 6)],
        coerce=int,
        widget=forms.RadioSelect,
        help_text=gettext_lazy("1: poor, 5: excellent."),
    )
    comments = forms.CharField(
        label=gettext_lazy("Comments"),
        required=False,
        max_length=COMMENTS_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    follow_up_needed = forms.BooleanField(label=gettext_lazy("Follow-up needed with the operator"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        answers = [(MET, _("Met")), (NOT_MET, _("Not met")), (NOT_APPLICABLE, _("Not applicable"))]
        for code, label in REVIEW_CRITERIA.items():
            self.fields[f"criterion_{code}"] = forms.ChoiceField(
                label=label, choices=answers, required=False, widget=forms.RadioSelect, initial=NOT_APPLICABLE
            )

    @staticmethod
    def initial_for(review: Any) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "score": str(review.score or ""),
            "comments": review.comments,
            "follow_up_needed": review.follow_up_needed,
        }
        for code in REVIEW_CRITERIA:
            met = (review.criteria or {}).get(code)
            initial[f"criterion_{code}"] = NOT_APPLICABLE if met is None else MET if met else NOT_MET
        return initial

    def criteria_fields(self) -> list[Any]:
        return [self[f"criterion_{code}"] for code in REVIEW_CRITERIA]

    def review_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        criteria: dict[str, bool] = {}
        for code in REVIEW_CRITERIA:
            answer = data.get(f"criterion_{code}", NOT_APPLICABLE)
            if answer != NOT_APPLICABLE:
                criteria[code] = answer == MET
        return {
            "score": data["score"],
            "criteria": criteria,
            "comments": data.get("comments", ""),
            "follow_up_needed": bool(data.get("follow_up_needed")),
        }
