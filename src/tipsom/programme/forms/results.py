"""The forms of the results framework screens: the country and period chosen, an indicator's value for a period,
the review, a baseline, and the framework's results and indicators. They carry the values; the checks are
programme.services.results' (so a screen and the API refuse the same input)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tipsom.organizations import geography
from tipsom.programme.models import (
    DISAGGREGATIONS,
    Indicator,
    IndicatorSource,
    Measure,
    Pillar,
    ResultLevel,
    ResultNode,
)
from tipsom.programme.selectors.computations import computation_choices
from tipsom.programme.selectors.results import dimension_label
from tipsom.programme.services.results import DIMENSIONS, FACTORS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ResultsFilterForm(forms.Form):
    """Country and period: a year by default, or from and to."""

    country = forms.ChoiceField(label=_("Country"))
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100, required=False)
    period_from = forms.DateField(label=_("From"), required=False, widget=DATE)
    period_to = forms.DateField(label=_("To"), required=False, widget=DATE)

    def __init__(self, *args: Any, countries: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["country"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(code, geography.country_name(code)) for code in countries]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("period_from"), data.get("period_to")
        if (start is None) != (end is None):
            raise forms.ValidationError(_("Give both the start and the end of the period, or a year."))
        if start and end and end < start:
            self.add_error("period_to", _("The period ends before it starts."))
        return data

    def period(self) -> tuple[date, date]:
        data = self.cleaned_data
        if data.get("period_from") and data.get("period_to"):
            return data["period_from"], data["period_to"]
        year = data.get("year") or timezone.localdate().year
        return date(year, 1, 1), date(year, 12, 31)


def parse_breakdown(text: str) -> dict[str, Any] | str:
    """ "female=12, male=8" (or one per line) as {"female": "12", "male": "8"}; the bad part as a string."""
    result: dict[str, Any] = {}
    for part in text.replace("\n", ",").split(","):
        if not part.strip():
            continue
        if "=" not in part:
            return part.strip()[:40]
        key, _sep, value = part.partition("=")
        result[key.strip()] = value.strip()
    return result


class IndicatorPeriodForm(forms.Form):
    target = forms.CharField(label=_("Target"), max_length=24, required=False)
    numerator = forms.CharField(label=_("Numerator"), max_length=24, required=False)
    denominator = forms.CharField(label=_("Denominator"), max_length=24, required=False)
    actual = forms.CharField(
        label=_("Actual"), max_length=24, required=False, help_text=_("Where there is no numerator.")
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    evidence = forms.FileField(
        label=_("Evidence"), required=False, help_text=_("PDF, XLSX, DOCX, PNG or JPEG; replaces the file before.")
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        self.computed = indicator.source != IndicatorSource.MANUAL
        if self.computed:
            for name in ("numerator", "denominator", "actual"):
                del self.fields[name]
        else:
            if indicator.numerator_label:
                self.fields["numerator"].label = indicator.numerator_label
            if indicator.denominator_label:
                self.fields["denominator"].label = indicator.denominator_label
            else:
                del self.fields["denominator"]
            for dimension in indicator.disaggregations or DISAGGREGATIONS:
                self.fields[f"by_{dimension}"] = forms.CharField(
                    label=_("By %(name)s") % {"name": dimension_label(dimension)},
                    required=False,
                    max_length=2000,
                    help_text=_("category=number, separated by commas, e.g. female=12, male=8."),
                )

    def breakdown_fields(self) -> list[Any]:
        return [self[name] for name in self.fields if name.startswith("by_")]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name in list(self.fields):
            if name.startswith("by_") and data.get(name):
                parsed = parse_breakdown(data[name])
                if isinstance(parsed, str):
                    self.add_error(name, _("Write category=number: %(part)s") % {"part": parsed})
        return data

    def values(self) -> dict[str, Any]:
        """The data for indicator_period_save."""
        data = self.cleaned_data
        values: dict[str, Any] = {"target": data.get("target", ""), "comment": data.get("comment", "")}
        if not self.computed:
            for name in ("numerator", "denominator", "actual"):
                if name in self.fields:
                    values[name] = data.get(name, "")
            breakdown = {}
            for name in self.fields:
                if name.startswith("by_") and data.get(name):
                    parsed = parse_breakdown(data[name])
                    if isinstance(parsed, dict) and parsed:
                        breakdown[name[3:]] = parsed
            values["disaggregated"] = breakdown
        if data.get("evidence"):
            values["evidence"] = data["evidence"]
        return values


def breakdown_text(values: dict[str, Any]) -> str:
    return ", ".join(f"{key}={value}" for key, value in values.items())


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("return", _("Return for revision"))])
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required to return a value."),
    )


class BaselineForm(forms.Form):
    year = forms.IntegerField(label=_("Baseline year"), min_value=1990, max_value=2100)
    value = forms.CharField(label=_("Baseline value"), max_length=24)
    comment = forms.CharField(label=_("Comment"), max_length=500, required=False)


class ResultNodeForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=ResultLevel.choices)
    parent = forms.ChoiceField(label=_("Under"), required=False)
    code = forms.CharField(label=_("Code"), max_length=20, help_text=_("e.g. OC1, OP1.2."))
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    pillar = forms.ChoiceField(label=_("Pillar"), required=False, choices=[("", "—"), *Pillar.choices])
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=30000, required=False)

    def __init__(self, *args: Any, nodes: list[ResultNode], **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["parent"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "—"), *((str(node.pk), str(node)) for node in nodes)]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["parent"] = data.get("parent") or None
        data["pillar"] = data.get("pillar") or None
        data["position"] = data.get("position") or 0
        return data


class IndicatorForm(forms.Form):
    node = forms.ChoiceField(label=_("Result"))
    code = forms.CharField(label=_("Code"), max_length=20)
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    measure = forms.ChoiceField(label=_("Measure"), choices=Measure.choices)
    unit = forms.CharField(label=_("Unit"), max_length=60, required=False)
    ascending = forms.BooleanField(label=_("Higher is better"), required=False, initial=True)
    numerator_label = forms.CharField(label=_("Numerator"), max_length=200, required=False)
    denominator_label = forms.CharField(
        label=_("Denominator"), max_length=200, required=False, help_text=_("Empty for a count.")
    )
    factor = forms.TypedChoiceField(
        label=_("Factor"), coerce=int, choices=[(str(f), f"{f:,}") for f in FACTORS], initial="1"
    )
    source = forms.ChoiceField(label=_("Source"), choices=IndicatorSource.choices)
    source_key = forms.ChoiceField(label=_("Computation"), required=False)
    disaggregations = forms.MultipleChoiceField(
        label=_("Breakdowns"),
        required=False,
        choices=[(name, dimension_label(name)) for name in DIMENSIONS],
        widget=forms.CheckboxSelectMultiple,
    )
    position = forms.IntegerField(label=_("Order"), min_value=0, max_value=30000, required=False)

    def __init__(self, *args: Any, nodes: list[ResultNode], **kwargs: Any):
        super().__init__(*args, **kwargs)
        node_field = self.fields["node"]
        assert isinstance(node_field, forms.ChoiceField)
        node_field.choices = [(str(node.pk), str(node)) for node in nodes]
        key_field = self.fields["source_key"]
        assert isinstance(key_field, forms.ChoiceField)
        key_field.choices = [("", "—"), *computation_choices()]

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["position"] = data.get("position") or 0
        return data
