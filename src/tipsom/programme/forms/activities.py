"""Activity screens: the list's filters (shared with the API), the activity form (with the campaign and cooperation
parts, and the participants by sector) and the follow-up action forms. Forms parse; programme.services.activities
decides."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tipsom.core.forms import form_choice_field
from tipsom.core.widgets import use_pickers
from tipsom.organizations import geography
from tipsom.organizations.models import Organization
from tipsom.programme.models import (
    ActionStatus,
    Activity,
    ActivityType,
    Channel,
    FourP,
    Pillar,
    Sector,
    Topic,
)
from tipsom.programme.selectors.activities import filter_organizations
from tipsom.programme.services.activities import ACTIVITY_FIELDS, MAX_PARTICIPANTS, MAX_PEOPLE

if TYPE_CHECKING:
    from tipsom.accounts.models import User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FIRST_YEAR, LAST_YEAR = 1990, 2100
SECTOR_PREFIX = "sector_"


def _blank(choices: Any, label: Any = "") -> list[tuple[Any, Any]]:
    return [("", label or "—"), *choices]


class YearFilter(django_filters.Filter):
    field_class = forms.IntegerField


def _organizations(request: Any) -> QuerySet[Organization]:
    if request is None or not getattr(request.user, "is_authenticated", False):
        return Organization.objects.none()
    return filter_organizations(user=request.user)


class ActivityFilterSet(django_filters.FilterSet):
    """The activity list's filters, for the screen and the API."""

    kind = django_filters.ChoiceFilter(label=_("Type"), choices=ActivityType.choices)
    pillar = django_filters.ChoiceFilter(label=_("Pillar"), choices=Pillar.choices)
    year = YearFilter(label=_("Year"), method="filter_year", min_value=FIRST_YEAR, max_value=LAST_YEAR)
    region = django_filters.CharFilter(
        label=_("Region"), method="filter_region", max_length=10, help_text=_("ISO 3166-2 code, e.g. CO-ANT.")
    )
    organization = django_filters.ModelChoiceFilter(
        label=_("Reporting organization"), field_name="owner_organization", queryset=_organizations
    )
    country = django_filters.ChoiceFilter(label=_("Country"), choices=geography.country_choices)

    class Meta:
        model = Activity
        fields: list[str] = []

    def filter_year(self, queryset: QuerySet[Activity], name: str, value: Any) -> QuerySet[Activity]:
        if value in (None, ""):
            return queryset
        year = int(value)
        return queryset.filter(start_date__range=(datetime.date(year, 1, 1), datetime.date(year, 12, 31)))

    def filter_region(self, queryset: QuerySet[Activity], name: str, value: Any) -> QuerySet[Activity]:
        code = str(value or "").strip().upper()
        if not code:
            return queryset
        # The JSON text holds the code in quotes: the quotes keep "CO-AN" from matching "CO-ANT".
        return queryset.filter(regions__icontains=f'"{code}"')


def filter_widgets(form: forms.Form, *, every_country: bool) -> None:
    """The year as a number; the country only for a user who reads every country."""
    if not every_country:
        form.fields.pop("country", None)
    use_pickers(form)


def _sector_field_name(code: str) -> str:
    return f"{SECTOR_PREFIX}{code}"


class ActivityForm(forms.Form):
    owner_organization = forms.ChoiceField(
        label=_("Reporting organization"),
        help_text=_("The organization that reports the activity."),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=_blank(ActivityType.choices))
    title = forms.CharField(label=_("Title"), max_length=300)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    pillar = forms.ChoiceField(label=_("Pillar"), choices=_blank(Pillar.choices))
    four_ps = forms.MultipleChoiceField(
        label=_("4Ps"), choices=FourP.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(
        label=_("End date"), widget=DATE, required=False, help_text=_("Leave empty for a one-day activity.")
    )
    regions = forms.MultipleChoiceField(label=_("Regions"), required=False)
    places = forms.CharField(label=_("Places"), max_length=500, required=False, help_text=_("Towns, venues."))
    implementing_organizations = forms.MultipleChoiceField(label=_("Implementing organizations"), required=False)
    partners = forms.CharField(
        label=_("Partners"), max_length=500, required=False, help_text=_("Partners outside tipsom, e.g. UNODC, IOM.")
    )
    topics = forms.MultipleChoiceField(label=_("Topics"), choices=Topic.choices, required=False)
    target_groups = forms.MultipleChoiceField(label=_("Target groups"), choices=Sector.choices, required=False)
    currency = forms.CharField(label=_("Currency"), max_length=3, required=False, initial="USD")
    budget = forms.CharField(label=_("Budget"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    cost = forms.CharField(label=_("Cost"), required=False, widget=forms.TextInput(attrs={"inputmode": "decimal"}))
    participants_total = forms.IntegerField(
        label=_("Participants"),
        min_value=0,
        max_value=MAX_PARTICIPANTS,
        required=False,
        help_text=_("Where there is no roster: the roster, once entered, is counted instead."),
    )
    participants_women = forms.IntegerField(label=_("Women"), min_value=0, max_value=MAX_PARTICIPANTS, required=False)
    participants_men = forms.IntegerField(label=_("Men"), min_value=0, max_value=MAX_PARTICIPANTS, required=False)
    channels = forms.MultipleChoiceField(
        label=_("Channels and media"), choices=Channel.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    people_reached = forms.IntegerField(label=_("People reached"), min_value=0, max_value=MAX_PEOPLE, required=False)
    materials = forms.CharField(label=_("Materials"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    materials_count = forms.IntegerField(
        label=_("Materials distributed"), min_value=0, max_value=MAX_PEOPLE, required=False
    )
    countries = forms.MultipleChoiceField(label=_("Participating countries"), required=False)
    agreements = forms.CharField(label=_("Agreements"), required=False, widget=forms.Textarea(attrs={"rows": 3}))

    CAMPAIGN = ("channels", "people_reached", "materials", "materials_count")
    COOPERATION = ("countries", "agreements")

    def __init__(
        self,
        *args: Any,
        user: User,
        country: str,
        organizations: QuerySet[Organization] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.country = country
        if organizations is None:
            self.fields.pop("owner_organization")
        else:
            form_choice_field(self, "owner_organization").choices = [(str(org.pk), org.name) for org in organizations]
        form_choice_field(self, "regions").choices = geography.region_choices(country)
        form_choice_field(self, "implementing_organizations").choices = [
            (str(pk), name)
            for pk, name in Organization.objects.filter(country=country, is_active=True)
            .order_by("name")
            .values_list("pk", "name")
        ]
        form_choice_field(self, "countries").choices = geography.country_choices()
        for code, label in Sector.choices:
            self.fields[_sector_field_name(code)] = forms.IntegerField(
                label=label, min_value=0, max_value=MAX_PARTICIPANTS, required=False
            )
        use_pickers(self, exclude=("four_ps", "channels"))

    @property
    def sector_fields(self) -> list[Any]:
        return [self[_sector_field_name(code)] for code in Sector.values]

    def main_fields(self) -> list[Any]:
        skip = {*self.CAMPAIGN, *self.COOPERATION, "participants_total", "participants_women", "participants_men"}
        return [
            self[name]
            for name in self.fields
            if name not in skip and not name.startswith(SECTOR_PREFIX) and not self[name].is_hidden
        ]

    def count_fields(self) -> list[Any]:
        return [self[name] for name in ("participants_total", "participants_women", "participants_men")]

    def campaign_fields(self) -> list[Any]:
        return [self[name] for name in self.CAMPAIGN]

    def cooperation_fields(self) -> list[Any]:
        return [self[name] for name in self.COOPERATION]

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data.get(name) for name in ACTIVITY_FIELDS if name in self.fields}
        pillar = data.get("pillar")
        data["pillar"] = int(pillar) if pillar else None
        data["implementing_organizations"] = [
            int(pk) for pk in self.cleaned_data.get("implementing_organizations") or []
        ]
        data["participants_by_sector"] = {
            code: self.cleaned_data[_sector_field_name(code)]
            for code in Sector.values
            if self.cleaned_data.get(_sector_field_name(code))
        }
        return data

    def reporting_organization_id(self) -> int | None:
        value = self.cleaned_data.get("owner_organization")
        return int(value) if value else None

    @staticmethod
    def initial_for(activity: Activity) -> dict[str, Any]:
        initial: dict[str, Any] = {name: getattr(activity, name) for name in ACTIVITY_FIELDS}
        initial["pillar"] = str(activity.pillar)
        initial["implementing_organizations"] = [str(org.pk) for org in activity.implementing_organizations.all()]
        for code, count in (activity.participants_by_sector or {}).items():
            initial[_sector_field_name(code)] = count
        initial["version"] = activity.version
        return initial


class ActivityEditForm(ActivityForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class FollowUpForm(forms.Form):
    """A follow-up action agreed at a cooperation meeting."""

    description = forms.CharField(label=_("Action"), widget=forms.Textarea(attrs={"rows": 2}))
    owner_name = forms.CharField(
        label=_("Owner"), max_length=200, help_text=_("Who will do it: a person or an office.")
    )
    owner_country = forms.ChoiceField(label=_("Owner's country"), required=False)
    due_on = forms.DateField(label=_("Due on"), widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_choice_field(self, "owner_country").choices = _blank(geography.country_choices())
        use_pickers(self)


class FollowUpStatusForm(forms.Form):
    """The status of a follow-up action: done (on a day, today by default) or dropped, or open again."""

    status = forms.ChoiceField(
        label=_("Status"),
        choices=ActionStatus.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    done_on = forms.DateField(
        label=_("Done on"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"),
        required=False,
        help_text=_("Today when left empty and done."),
    )
