"""The impact screens: whether training changed detection (/programme/impact/?activities=..&before=..&after=..&unit=..)
and an awareness campaign's before, during and after (/programme/impact/campaign/<pk>/). Thin: the selectors
(programme.selectors.impact) count, estimate and protect; these pages show a chart beside its table. The charts
(static/programme/impact.js) draw the data of a json_script: no inline script (the Content-Security-Policy)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET

from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.forms import form_add_application_error
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.permissions import require_permission
from tipsom.core.widgets import as_picker
from tipsom.programme.models import LEARNING_TYPES, Activity
from tipsom.programme.selectors.impact import (
    DEFAULT_MONTHS,
    MAX_MONTHS,
    MIN_MONTHS,
    CampaignEffect,
    ImpactResult,
    campaign_effect,
    check_months,
    impact_analysis,
    parse_activity_ids,
)

IMPACT_TEMPLATE = "programme/impact/impact.html"
CAMPAIGN_TEMPLATE = "programme/impact/campaign.html"
ACTIVITY_CHOICES = 500  # the most recent learning activities offered in the form

UNIT_CHOICES = (
    ("region", _lazy("Regions")),
    ("organization", _lazy("Organizations")),
    ("user", _lazy("Trained users (roster linked to tipsom)")),
)


class ImpactForm(forms.Form):
    """What to analyse. The activities' own checks are the selector's (one country, learning activities)."""

    activities = forms.MultipleChoiceField(
        label=_lazy("Trainings, workshops or study visits"), required=False, choices=()
    )
    before = forms.IntegerField(
        label=_lazy("Months before"), min_value=MIN_MONTHS, max_value=MAX_MONTHS, initial=DEFAULT_MONTHS
    )
    after = forms.IntegerField(
        label=_lazy("Months after"), min_value=MIN_MONTHS, max_value=MAX_MONTHS, initial=DEFAULT_MONTHS
    )
    unit = forms.ChoiceField(label=_lazy("Compare"), choices=UNIT_CHOICES, initial="region")

    def __init__(self, *args: Any, activity_choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["activities"]
        assert isinstance(field, forms.MultipleChoiceField)
        field.choices = activity_choices
        as_picker(field)


def _activity_choices(request: AuthenticatedHttpRequest, chosen: list[int]) -> list[tuple[str, str]]:
    visible = Activity.objects.restrict(request.user).filter(kind__in=LEARNING_TYPES).order_by("-start_date", "-pk")
    rows = list(visible.values_list("pk", "reference", "title", "start_date")[:ACTIVITY_CHOICES])
    known = {pk for pk, *_rest in rows}
    missing = [pk for pk in chosen if pk not in known]
    if missing:
        rows += list(visible.filter(pk__in=missing).values_list("pk", "reference", "title", "start_date"))
    choices = [(str(pk), f"{reference} · {title} ({date_format(day, 'SHORT_DATE_FORMAT')})") for pk, reference,
               title, day in rows]  # fmt: skip
    shown = {pk for pk, *_rest in rows}
    # An id the user may not see keeps its number only: the selector answers 404 for it.
    choices += [(str(pk), f"#{pk}") for pk in chosen if pk not in shown]
    return choices


@require_GET
def impact_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "view", Activity)  # 404 for anyone who sees no activity
    submitted = "activities" in request.GET
    try:
        chosen = parse_activity_ids(request.GET.getlist("activities"))
        bad_ids: ApplicationError | None = None
    except ApplicationError as error:
        chosen, bad_ids = [], error
    data = request.GET.copy()
    data.setlist("activities", [str(pk) for pk in chosen])
    for name, default in (("before", DEFAULT_MONTHS), ("after", DEFAULT_MONTHS), ("unit", "region")):
        if name not in data:
            data[name] = str(default)  # "?activities=3" alone: the defaults
    form = ImpactForm(data if submitted else None, activity_choices=_activity_choices(request, chosen))
    context: dict[str, Any] = {"form": form, "section": "impact", "result": None}
    if not submitted:
        return render(request, IMPACT_TEMPLATE, context)
    if bad_ids is not None:
        form_add_application_error(form, bad_ids)
        return render(request, IMPACT_TEMPLATE, context, status=400)
    if not form.is_valid():
        return render(request, IMPACT_TEMPLATE, context, status=400)
    try:
        result = impact_analysis(
            user=request.user,
            activity_ids=chosen,
            months_before=form.cleaned_data["before"],
            months_after=form.cleaned_data["after"],
            unit=form.cleaned_data["unit"],
        )
    except NotFound:
        raise
    except ApplicationError as error:
        form_add_application_error(form, error)
        return render(request, IMPACT_TEMPLATE, context, status=error.status_code)
    context.update(result=result, chart=impact_chart(result))
    return render(request, IMPACT_TEMPLATE, context)


def _month_label(day: Any) -> str:
    return date_format(day, "YEAR_MONTH_FORMAT")


def impact_chart(result: ImpactResult) -> dict[str, Any]:
    """What static/programme/impact.js draws: the two series (a withheld month is null: a gap), a line at each
    training, the words in the page's language."""
    index = {month: position for position, month in enumerate(result.months)}
    markers = []
    for activity in result.activities:
        month = activity["start_date"].replace(day=1)
        if month in index:
            markers.append(
                {
                    "index": index[month],
                    "label": _("%(reference)s, %(date)s")
                    % {"reference": activity["reference"], "date": date_format(activity["start_date"])},
                }
            )
    return {
        "kind": "impact",
        "labels": [_month_label(month) for month in result.months],
        "series": [
            {"key": "treated", "label": _("Trained units (cases per unit)"), "data": result.treated_series},
            {"key": "comparison", "label": _("Comparison units (cases per unit)"), "data": result.comparison_series},
        ],
        "markers": markers,
        "span": None,
        "text": {
            "axis": _("Cases identified per unit and month"),
            "gap": _("A gap is a withheld count, not a zero."),
            "withheld": _("withheld to protect small numbers"),
            "training": _("Training"),
        },
    }


@require_GET
def campaign_effect_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    raw = request.GET.get("months", "").strip()
    months = check_months(raw, "months") if raw else None  # a bad number: the error page (400)
    effect = campaign_effect(user=request.user, activity_id=pk, months_around=months)
    context = {
        "effect": effect,
        "chart": campaign_chart(effect),
        "period_rows": campaign_period_rows(effect),
        "section": "impact",
        "months": months or "",
    }
    return render(request, CAMPAIGN_TEMPLATE, context)


def campaign_chart(effect: CampaignEffect) -> dict[str, Any]:
    during = [position for position, phase in enumerate(effect.phases) if phase == "during"]
    return {
        "kind": "campaign",
        "labels": [_month_label(month) for month in effect.months],
        "series": [
            {"key": "contacts", "label": _("Helpline contacts"), "data": effect.contacts_series},
            {"key": "identifications", "label": _("Victims identified"), "data": effect.identifications_series},
        ],
        "markers": [],
        "span": {"from": during[0], "to": during[-1], "label": _("Campaign")} if during else None,
        "text": {
            "axis": _("Number per month"),
            "gap": _("A gap is a withheld count, not a zero."),
            "withheld": _("withheld to protect small numbers"),
            "training": "",
        },
    }


def campaign_period_rows(effect: CampaignEffect) -> list[dict[str, Any]]:
    """The rows of the table of periods: each measure's total and its mean per month (a withheld total: no mean)."""
    phases = ("before", "during", "after")
    rows: list[dict[str, Any]] = [
        {
            "key": "months",
            "label": _("Months"),
            "cells": [{"display": str(effect.phase_months[phase]), "status": ""} for phase in phases],
        }
    ]
    labels = {
        "contacts": (_("Helpline contacts"), _("Helpline contacts per month")),
        "identifications": (_("Victims identified"), _("Victims identified per month")),
    }
    for measure, (label, mean_label) in labels.items():
        rows.append(
            {
                "key": measure,
                "label": label,
                "cells": [
                    {"display": effect.total_displays[measure][phase], "status": effect.total_statuses[measure][phase]}
                    for phase in phases
                ],
            }
        )
        means = effect.monthly_means[measure]
        shown = {phase: number_format(mean, 1) if mean is not None else "—" for phase, mean in means.items()}
        rows.append(
            {
                "key": f"{measure}-mean",
                "label": mean_label,
                "cells": [{"display": shown[phase], "status": ""} for phase in phases],
            }
        )
    return rows
