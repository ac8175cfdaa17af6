"""Activity screens: the list with its filters and totals, one activity (who took part, the links to its roster and
its effect, the follow-up actions of a cooperation meeting), and the form to record or change one. Thin: selectors
read, programme.services.activities decides."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.filtering import filter_data, is_valid
from tipsom.core.forms import form_add_application_error
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.listing import SortColumn, list_page, several_organizations
from tipsom.core.permissions import SCOPE_GLOBAL, require_permission, user_can, user_scopes
from tipsom.organizations import geography
from tipsom.programme.forms.activities import (
    ActivityEditForm,
    ActivityFilterSet,
    ActivityForm,
    FollowUpForm,
    FollowUpStatusForm,
    filter_widgets,
)
from tipsom.programme.models import (
    COOPERATION_TYPES,
    LEARNING_TYPES,
    Activity,
    ActivityType,
    Channel,
    FollowUpAction,
    FourP,
    Sector,
    Topic,
)
from tipsom.programme.selectors import activities as selectors
from tipsom.programme.services import activities as services

# start_date: never NULL, served by the scope's index with the date (country or organization, then the date).
SORTS = (SortColumn("start_date", "start_date", descending_first=True, label=_lazy("Start date")),)
ROW_COLUMNS = (
    "reference",
    "country",
    "kind",
    "title",
    "pillar",
    "start_date",
    "end_date",
    "regions",
    "participants_total",
    "owner_organization_id",
    "owner_organization__name",
)


def _order_text(sort: str) -> str:
    return {
        "-pk": _("Most recently recorded first."),
        "pk": _("First recorded first."),
        "-start_date": _("Most recent first."),
        "start_date": _("Oldest first."),
    }.get(sort, "")


def _every_country(request: AuthenticatedHttpRequest) -> bool:
    return SCOPE_GLOBAL in user_scopes(request.user, "view", Activity)


@require_GET
def activity_list_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "view", Activity)
    activities = selectors.activity_list(user=request.user).select_related("owner_organization").only(*ROW_COLUMNS)
    filterset = ActivityFilterSet(filter_data(request.GET, ActivityFilterSet), queryset=activities, request=request)
    every_country = _every_country(request)
    filter_widgets(filterset.form, every_country=every_country)
    valid = is_valid(filterset)
    chosen = filterset.qs if valid else activities.none()
    listing = list_page(request, chosen, SORTS, count=valid)
    participants = selectors.participants_of(listing.page.items)
    context = {
        "filter": filterset,
        "listing": listing,
        "page": listing.page,
        "order": _order_text(listing.sort),
        "rows": [{"activity": activity, "participants": participants[activity.pk]} for activity in listing.page.items],
        "totals": selectors.activity_totals(chosen) if valid else None,
        "show_organization": several_organizations(listing.page.items),
        "show_country": every_country,
        "can_add": user_can(request.user, "add", Activity),
        "section": "activities",
    }
    return render(request, "programme/activities/list.html", context, status=200 if valid else 400)


@require_GET
def activity_detail_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_detail(user=request.user, activity_id=pk)
    return _detail_page(request, activity)


def _detail_page(
    request: AuthenticatedHttpRequest,
    activity: Activity,
    *,
    follow_up_form: FollowUpForm | None = None,
    status: int = 200,
) -> HttpResponse:
    counts = selectors.participant_counts(activity)
    sectors = dict(Sector.choices)
    can_change = Activity.objects.restrict(request.user, "change").filter(pk=activity.pk).exists()
    cooperation = activity.kind in COOPERATION_TYPES
    follow_ups = selectors.follow_up_list(user=request.user, activity=activity) if cooperation else []
    can_follow_up = cooperation and can_change and user_can(request.user, "add", FollowUpAction)
    context = {
        "activity": activity,
        "counts": counts,
        "by_sector": [(sectors.get(code, code), count) for code, count in counts.by_sector.items()],
        "regions": [geography.region_name(activity.country, code) for code in activity.regions],
        "countries": [geography.country_name(code) for code in activity.countries],
        "country": geography.country_name(activity.country),
        "four_ps": _labels(FourP, activity.four_ps),
        "topics": _labels(Topic, activity.topics),
        "target_groups": [sectors.get(code, code) for code in activity.target_groups],
        "channels": _labels(Channel, activity.channels),
        "is_campaign": activity.kind == ActivityType.CAMPAIGN,
        "is_cooperation": cooperation,
        "roster_url": reverse("programme:roster", kwargs={"pk": activity.pk}),
        "campaign_effect_url": reverse("programme:campaign_effect", kwargs={"pk": activity.pk})
        if activity.kind == ActivityType.CAMPAIGN
        else "",
        "impact_url": reverse("programme:impact") + f"?activities={activity.pk}"
        if activity.kind in LEARNING_TYPES
        else "",
        "follow_ups": [
            {"action": action, "overdue": selectors.is_overdue(action), "form": _status_form(action)}
            for action in follow_ups
        ],
        "follow_up_form": follow_up_form or (FollowUpForm() if can_follow_up else None),
        "can_change": can_change,
        "can_follow_up": can_follow_up,
        "section": "activities",
    }
    return render(request, "programme/activities/detail.html", context, status=status)


def _status_form(action: FollowUpAction) -> FollowUpStatusForm:
    return FollowUpStatusForm(
        initial={"status": action.status, "done_on": action.done_on}, prefix=f"followup-{action.pk}"
    )


def _labels(choices: Any, codes: list[str]) -> list[str]:
    names = dict(choices.choices)
    return [str(names.get(code, code)) for code in codes]


@require_http_methods(["GET", "POST"])
def activity_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "add", Activity)
    organization = request.user.organization
    if organization is None:
        raise NotFound()
    choices = selectors.reporting_organizations(user=request.user)
    form = ActivityForm(
        request.POST or None,
        user=request.user,
        country=organization.country,
        organizations=choices if choices.count() > 1 else None,
        initial={"owner_organization": str(organization.pk), "currency": "USD"},
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            reporting = form.reporting_organization_id()
            chosen = choices.filter(pk=reporting).first() if reporting else organization
            try:
                activity = services.activity_create(
                    actor=request.user, organization=chosen or organization, data=form.service_data()
                )
            except NotFound:
                raise
            except ApplicationError as error:
                _place_errors(form, error)
                status = error.status_code
            else:
                messages.success(request, _("The activity was recorded."))
                return redirect(reverse("programme:activity", args=[activity.pk]))
        else:
            status = 400
    return render(request, "programme/activities/form.html", _form_context(form, None), status=status)


@require_http_methods(["GET", "POST"])
def activity_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_detail(user=request.user, activity_id=pk, action="change")
    form = ActivityEditForm(
        request.POST or None, user=request.user, country=activity.country, initial=ActivityForm.initial_for(activity)
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.activity_update(
                    actor=request.user,
                    activity_id=activity.pk,
                    version=form.cleaned_data["version"],
                    data=form.service_data(),
                )
            except NotFound:
                raise
            except ApplicationError as error:
                _place_errors(form, error)
                status = error.status_code
            else:
                messages.success(request, _("The activity was saved."))
                return redirect(reverse("programme:activity", args=[activity.pk]))
        else:
            status = 400
    return render(request, "programme/activities/form.html", _form_context(form, activity, status), status=status)


def _place_errors(form: Any, error: ApplicationError) -> None:
    """The service's field errors at their fields; those of no field of the form (the counts by sector are several
    fields) above it, with their own words."""
    fields = dict(error.extra.get("fields") or {})
    for name in [name for name in fields if name not in form.fields]:
        form.add_error(None, str(fields.pop(name)))
    form_add_application_error(form, ApplicationError(error.code, error.message, {"fields": fields}))


def _form_context(form: ActivityForm, activity: Activity | None, status: int = 200) -> dict[str, Any]:
    return {
        "form": form,
        "activity": activity,
        "stale": status == 409,
        "campaign": ActivityType.CAMPAIGN.value,
        "cooperation": " ".join(str(kind) for kind in COOPERATION_TYPES),
        "section": "activities",
    }


@require_POST
def follow_up_add_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = selectors.activity_detail(user=request.user, activity_id=pk, action="change")
    form = FollowUpForm(request.POST)
    if form.is_valid():
        try:
            services.follow_up_add(actor=request.user, activity_id=activity.pk, data=dict(form.cleaned_data))
        except NotFound:
            raise
        except ApplicationError as error:
            _place_errors(form, error)
            return _detail_page(request, activity, follow_up_form=form, status=error.status_code)
        messages.success(request, _("The follow-up action was added."))
        return redirect(reverse("programme:activity", args=[activity.pk]) + "#follow-ups")
    return _detail_page(request, activity, follow_up_form=form, status=400)


@require_POST
def follow_up_update_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = selectors.follow_up_detail(user=request.user, follow_up_id=pk, action="change")
    form = FollowUpStatusForm(request.POST, prefix=f"followup-{action.pk}")
    target = reverse("programme:activity", args=[action.activity_id]) + "#follow-ups"
    if not form.is_valid():
        messages.error(request, _("Choose a status, and a valid date."))
        return redirect(target)
    try:
        services.follow_up_update(actor=request.user, follow_up_id=action.pk, data=dict(form.cleaned_data))
    except NotFound:
        raise
    except ApplicationError as error:
        fields = error.extra.get("fields") or {}
        messages.error(request, " ".join(str(message) for message in fields.values()) or error.message)
        return redirect(target)
    messages.success(request, _("The follow-up action was saved."))
    return redirect(target)
