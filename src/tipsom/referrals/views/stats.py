"""The referral statistics screen: the date range and filters, then one table per breakdown."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from tipsom.accounts.models import User
from tipsom.core.disclosure import NOT_PUBLISHED
from tipsom.core.forms import form_choice_field
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.permissions import require_permission
from tipsom.organizations.selectors import organization_list
from tipsom.referrals.models import Channel, Referral, ServiceType, Urgency
from tipsom.referrals.selectors.stats import ReferralStats, StatsFilters, StatsRow, referral_stats

NOTHING = "—"


class ReferralStatsForm(forms.Form):
    """The filters of the statistics; the API reads the same names (referrals/api/stats.py)."""

    date_from = forms.DateField(label=gettext_lazy("Sent from"), required=False)
    date_to = forms.DateField(label=gettext_lazy("Sent until"), required=False)
    service_type = forms.ChoiceField(label=gettext_lazy("Type of service"), required=False)
    urgency = forms.ChoiceField(label=gettext_lazy("Urgency"), required=False)
    channel = forms.ChoiceField(label=gettext_lazy("Channel"), required=False)
    organization = forms.TypedChoiceField(
        label=gettext_lazy("Receiving organization"), required=False, coerce=int, empty_value=None
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        anyone = [("", _("(any)"))]
        form_choice_field(self, "service_type").choices = anyone + list(ServiceType.choices)
        form_choice_field(self, "urgency").choices = anyone + list(Urgency.choices)
        form_choice_field(self, "channel").choices = anyone + list(Channel.choices)
        country = user.organization.country if user.organization is not None else ""
        organizations = organization_list(user=user).filter(country=country).order_by("name")
        form_choice_field(self, "organization").choices = anyone + [
            (str(pk), name) for pk, name in organizations.values_list("pk", "name")
        ]
        for name in ("date_from", "date_to"):
            self.fields[name].widget = forms.DateInput(attrs={"type": "date"})

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end of the period cannot come before its start."))
        return data

    def filters(self) -> StatsFilters:
        """The valid form as the selector's filters; a missing date falls back to the last 365 days."""
        default = StatsFilters.default()
        data = self.cleaned_data
        return StatsFilters(
            date_from=data.get("date_from") or min(default.date_from, data.get("date_to") or default.date_to),
            date_to=data.get("date_to") or default.date_to,
            service_type=data.get("service_type") or "",
            urgency=data.get("urgency") or "",
            channel=data.get("channel") or "",
            organization_id=data.get("organization"),
        )


def _count(row: StatsRow, name: str, small_cell: int) -> str:
    """A count; "<5" when withheld as small, ".." when withheld so that no small count can be worked out."""
    value = getattr(row, name)
    if value is None:
        if name in row.small:
            return f"<{small_cell}"
        return NOT_PUBLISHED if name in row.suppressed else NOTHING
    return number_format(value, force_grouping=True)


def _share(value: float | None) -> str:
    return NOTHING if value is None else f"{number_format(round(value * 100, 1), decimal_pos=1)} %"


def _hours(value: float | None) -> str:
    return NOTHING if value is None else number_format(value, decimal_pos=1)


def _cells(row: StatsRow, small_cell: int) -> dict[str, Any]:
    def count(name: str) -> str:
        return _count(row, name, small_cell)

    return {
        "label": row.label,
        "values": [
            count("total"),
            count("answered"),
            count("accepted"),
            count("declined"),
            _share(row.acceptance_rate),
            _hours(row.median_hours),
            _hours(row.p90_hours),
            count("overdue"),
            _share(row.overdue_share),
            count("completed"),
            count("expired"),
        ],
        "withheld": bool(row.suppressed),
    }


def _tables(stats: ReferralStats) -> list[dict[str, Any]]:
    region_caption = _("By the region of the referring case")
    if stats.national:
        region_caption = _(
            "By the region of the referring case; counts below %(small)d withheld (<%(small)d), and other counts "
            "that would give them back (..)"
        ) % {"small": stats.small_cell}
    if stats.regions_withheld:
        region_caption = _("The counts by region are not published: they would give small counts back.")
    return [
        {
            "title": "",
            "caption": _("All referrals in the period"),
            "first": "",
            "rows": [_cells(stats.summary, stats.small_cell)],
        },
        {
            "title": _("By type of service"),
            "caption": _("Referrals by type of service"),
            "first": _("Type of service"),
            "rows": [_cells(row, stats.small_cell) for row in stats.by_service_type],
        },
        {
            "title": _("By region of the case"),
            "caption": region_caption,
            "first": _("Region"),
            "rows": [_cells(row, stats.small_cell) for row in stats.by_region],
        },
        {
            "title": _("By receiving organization"),
            "caption": _("Referrals by receiving organization"),
            "first": _("Organization"),
            "rows": [_cells(row, stats.small_cell) for row in stats.by_organization],
        },
    ]


@require_GET
def referral_stats_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_permission(request.user, "view", Referral)
    form = ReferralStatsForm(request.GET or None, user=request.user)
    if form.is_bound and not form.is_valid():
        return render(request, "referrals/stats.html", {"form": form, "stats": None}, status=400)
    filters = form.filters() if form.is_bound else StatsFilters.default()
    if not form.is_bound:
        form = ReferralStatsForm(
            initial={"date_from": filters.date_from, "date_to": filters.date_to}, user=request.user
        )
    stats = referral_stats(user=request.user, filters=filters)
    context = {
        "form": form,
        "stats": stats,
        "tables": _tables(stats),
    }
    return render(request, "referrals/stats.html", context)
