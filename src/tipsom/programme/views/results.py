"""The results framework screens: the framework of a country for a period (the tree of results, each indicator's
baseline, target, actual, status and breakdowns), an indicator's value for a period with its review, its baseline,
and the framework's results and indicators. Thin: selectors read, programme.services.results decides."""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tipsom.core.errors import ApplicationError, Conflict, NotFound
from tipsom.core.forms import form_add_application_error
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.permissions import access_by_id, require_permission, user_can
from tipsom.organizations import geography
from tipsom.programme.forms.results import (
    BaselineForm,
    IndicatorForm,
    IndicatorPeriodForm,
    ResultNodeForm,
    ResultsFilterForm,
    ReviewForm,
    breakdown_text,
)
from tipsom.programme.models import Indicator, IndicatorBaseline, IndicatorPeriod, ResultNode
from tipsom.programme.selectors import results as selectors
from tipsom.programme.selectors.computations import COMPUTATIONS
from tipsom.programme.services import results as services


def _period_query(country: str, start: date, end: date) -> str:
    if start.month == 1 and start.day == 1 and end == date(start.year, 12, 31):
        return urlencode({"country": country, "year": start.year})
    return urlencode({"country": country, "period_from": start.isoformat(), "period_to": end.isoformat()})


def _chosen(request: AuthenticatedHttpRequest, countries: list[str]) -> tuple[ResultsFilterForm, Any]:
    """The filter form and (country, start, end), or None when the choice is not valid."""
    query = request.GET.copy()
    if not query.get("country") and countries:
        own = request.user.organization.country if request.user.organization else ""
        query["country"] = own if own in countries else countries[0]
    form = ResultsFilterForm(query, countries=countries)
    if not countries or not form.is_valid():
        return form, None
    start, end = form.period()
    return form, (form.cleaned_data["country"], start, end)


@require_GET
def results_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The framework: with values for a user who may read a country's values, else the results and indicators
    alone (an implementing partner)."""
    require_permission(request.user, "view", ResultNode)
    countries = selectors.value_countries(request.user)
    form, choice = _chosen(request, countries)
    context: dict[str, Any] = {
        "section": "results",
        "form": form,
        "can_shape": user_can(request.user, "add", ResultNode),
        "values": bool(countries),
        "computations": COMPUTATIONS,
    }
    if choice is not None:
        country, start, end = choice
        table = selectors.framework_table(user=request.user, country=country, period_start=start, period_end=end)
        context.update(
            table=table,
            country_name=geography.country_name(country),
            query=_period_query(country, start, end),
            can_edit=user_can(request.user, "change", IndicatorPeriod),
            can_approve=user_can(request.user, "approve", IndicatorPeriod),
            can_baseline=user_can(request.user, "change", IndicatorBaseline),
        )
    else:
        context["tree"] = selectors.framework_tree(user=request.user)
    return render(request, "programme/results/framework.html", context, status=200)


def _period_from_query(request: AuthenticatedHttpRequest) -> tuple[str, date, date]:
    countries = selectors.value_countries(request.user)
    form, choice = _chosen(request, countries)
    if choice is None:
        raise NotFound()
    country, start, end = choice
    if not selectors.may_view_values(request.user, country):
        raise NotFound()
    return country, start, end


def _back(country: str, start: date, end: date) -> str:
    return f"{reverse('programme:results')}?{_period_query(country, start, end)}"


def _period_errors(form: IndicatorPeriodForm, error: ApplicationError) -> None:
    """The service's errors beside the fields: a breakdown's ("disaggregated.sex...") beside its by_ field, one
    of the breakdowns as a whole above the form."""
    fields = error.extra.get("fields") if isinstance(error.extra.get("fields"), dict) else {}
    if not fields:
        form.add_error(None, error.message)
        return
    for name, message in fields.items():
        target = str(name)
        if target.startswith("disaggregated."):
            target = "by_" + target.split(".")[1]
        form.add_error(target if target in form.fields else None, str(message))


@require_http_methods(["GET", "POST"])
def period_edit_view(request: AuthenticatedHttpRequest, indicator_pk: int) -> HttpResponse:
    """An indicator's target and (entered by hand) its value for the country and period of the query."""
    require_permission(request.user, "change", IndicatorPeriod)
    indicator = access_by_id(Indicator, request.user, indicator_pk, "view")
    country, start, end = _period_from_query(request)
    period = (
        IndicatorPeriod.objects.restrict(request.user)
        .filter(indicator=indicator, country=country, period_start=start, period_end=end)
        .defer("evidence_content")
        .first()
    )
    initial: dict[str, Any] = {}
    if period is not None:
        initial = {name: getattr(period, name) for name in ("target", "numerator", "denominator", "actual", "comment")}
        initial["version"] = period.version
        for dimension, values in (period.disaggregated or {}).items():
            initial[f"by_{dimension}"] = breakdown_text(values)
    status = 200
    stale = False
    if request.method == "POST":
        form = IndicatorPeriodForm(request.POST, request.FILES, indicator=indicator)
        if form.is_valid():
            try:
                services.indicator_period_save(
                    actor=request.user,
                    indicator_id=indicator.pk,
                    country=country,
                    period_start=start,
                    period_end=end,
                    data=form.values(),
                    version=form.cleaned_data.get("version"),
                )
            except NotFound:
                raise
            except ApplicationError as error:
                stale = isinstance(error, Conflict)
                _period_errors(form, error)
                status = 409 if stale else 400
            else:
                messages.success(request, _("The value was saved."))
                return redirect(_back(country, start, end))
        else:
            status = 400
    else:
        form = IndicatorPeriodForm(initial=initial, indicator=indicator)
    row = selectors.indicator_row(
        indicator,
        country,
        start,
        end,
        period,
        IndicatorBaseline.objects.restrict(request.user).filter(indicator=indicator, country=country).first(),
    )
    context = {
        "section": "results",
        "indicator": indicator,
        "period": period,
        "row": row,
        "form": form,
        "stale": stale,
        "country_name": geography.country_name(country),
        "period_start": start,
        "period_end": end,
        "back": _back(country, start, end),
    }
    return render(request, "programme/results/period_form.html", context, status=status)


@require_POST
def period_submit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = access_by_id(IndicatorPeriod, request.user, pk, "change")
    try:
        services.indicator_period_submit(actor=request.user, period_id=period.pk)
    except NotFound:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("The value was submitted for review."))
    return redirect(_back(period.country, period.period_start, period.period_end))


@require_POST
def period_review_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    period = access_by_id(IndicatorPeriod, request.user, pk, "approve")
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose to approve or to return the value."))
        return redirect(_back(period.country, period.period_start, period.period_end))
    comment = form.cleaned_data.get("comment", "")
    try:
        if form.cleaned_data["decision"] == "approve":
            services.indicator_period_approve(actor=request.user, period_id=period.pk, comment=comment)
            messages.success(request, _("The value was approved; its period is locked."))
        else:
            services.indicator_period_return(actor=request.user, period_id=period.pk, comment=comment)
            messages.success(request, _("The value was returned for revision."))
    except NotFound:
        raise
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect(_back(period.country, period.period_start, period.period_end))


@never_cache
@require_GET
def period_evidence_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The period's evidence, decrypted, as a download (audited by the service)."""
    period, content = services.indicator_period_evidence_open(actor=request.user, period_id=pk)
    response = HttpResponse(content, content_type=period.evidence_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, period.evidence_name or "evidence")
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@require_http_methods(["GET", "POST"])
def baseline_view(request: AuthenticatedHttpRequest, indicator_pk: int) -> HttpResponse:
    require_permission(request.user, "change", IndicatorBaseline)
    indicator = access_by_id(Indicator, request.user, indicator_pk, "view")
    country, start, end = _period_from_query(request)
    baseline = IndicatorBaseline.objects.restrict(request.user).filter(indicator=indicator, country=country).first()
    status = 200
    if request.method == "POST":
        form = BaselineForm(request.POST)
        if form.is_valid():
            try:
                services.baseline_set(
                    actor=request.user,
                    indicator_id=indicator.pk,
                    country=country,
                    year=form.cleaned_data["year"],
                    value=form.cleaned_data["value"],
                    comment=form.cleaned_data.get("comment", ""),
                )
            except NotFound:
                raise
            except ApplicationError as error:
                form_add_application_error(form, error)
                status = 400
            else:
                messages.success(request, _("The baseline was saved."))
                return redirect(_back(country, start, end))
        else:
            status = 400
    else:
        initial = (
            {"year": baseline.year, "value": baseline.value, "comment": baseline.comment}
            if baseline
            else {"year": timezone.localdate().year}
        )
        form = BaselineForm(initial=initial)
    context = {
        "section": "results",
        "indicator": indicator,
        "form": form,
        "country_name": geography.country_name(country),
        "back": _back(country, start, end),
    }
    return render(request, "programme/results/baseline_form.html", context, status=status)


def _framework_form(
    request: AuthenticatedHttpRequest,
    form_class: type[ResultNodeForm] | type[IndicatorForm],
    save: Any,
    initial: dict[str, Any],
    title: str,
) -> HttpResponse:
    nodes = list(ResultNode.objects.restrict(request.user, "view"))
    status = 200
    if request.method == "POST":
        form = form_class(request.POST, nodes=nodes)
        if form.is_valid():
            try:
                save(form.values())
            except NotFound:
                raise
            except ApplicationError as error:
                form_add_application_error(form, error)
                status = 400
            else:
                messages.success(request, _("The framework was saved."))
                return redirect("programme:results")
        else:
            status = 400
    else:
        form = form_class(initial=initial, nodes=nodes)
    context = {"section": "results", "form": form, "title": title}
    return render(request, "programme/results/framework_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def node_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "add", ResultNode)
    return _framework_form(
        request,
        ResultNodeForm,
        lambda data: services.result_node_create(actor=request.user, data=data),
        {},
        _("Add a result"),
    )


@require_http_methods(["GET", "POST"])
def node_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    node = access_by_id(ResultNode, request.user, pk, "change")
    initial = {
        "level": node.level,
        "parent": node.parent_id or "",
        "code": node.code,
        "title": node.title,
        "description": node.description,
        "pillar": node.pillar or "",
        "position": node.position,
    }
    return _framework_form(
        request,
        ResultNodeForm,
        lambda data: services.result_node_update(actor=request.user, node_id=node.pk, data=data),
        initial,
        _("Edit %(code)s") % {"code": node.code},
    )


@require_http_methods(["GET", "POST"])
def indicator_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "add", Indicator)
    initial = {"node": request.GET.get("node", "")}
    return _framework_form(
        request,
        IndicatorForm,
        lambda data: services.indicator_create(actor=request.user, data=data),
        initial,
        _("Add an indicator"),
    )


@require_http_methods(["GET", "POST"])
def indicator_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    indicator = access_by_id(Indicator, request.user, pk, "change")
    initial = {name: getattr(indicator, name) for name in services.INDICATOR_FIELDS if name != "node"}
    initial["node"] = indicator.node_id
    return _framework_form(
        request,
        IndicatorForm,
        lambda data: services.indicator_update(actor=request.user, indicator_id=indicator.pk, data=data),
        initial,
        _("Edit %(code)s") % {"code": indicator.code},
    )
