"""Grant screens' forms: the list's filters (shared with the API), the grant with its schedule generator, a
tranche's release, a report's submission and review, a transaction. Forms parse; programme.services.grants
decides (the amounts, the dates, who may do what)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tipsom.core.forms import form_choice_field
from tipsom.core.permissions import SCOPE_GLOBAL, user_scopes
from tipsom.organizations import geography
from tipsom.organizations.models import Organization
from tipsom.programme.models import Activity, Grant, Tranche
from tipsom.programme.models.choices import TransactionType
from tipsom.programme.services.grants import GRANTEE_TYPES, MAX_TRANCHES, REPORT_DUE_DAYS, grant_schedule

if TYPE_CHECKING:
    from tipsom.accounts.models import User

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
FIRST_YEAR, LAST_YEAR = 1990, 2100
YES_NO = [("", "—"), ("yes", _("Yes")), ("no", _("No"))]


def reads_every_country(user: User) -> bool:
    return SCOPE_GLOBAL in user_scopes(user, "view", Grant)


def _grantees(country: str) -> list[tuple[Any, Any]]:
    rows = Organization.objects.filter(country=country, is_active=True, type__in=GRANTEE_TYPES).order_by("name")
    return [(organization.pk, organization.name) for organization in rows.only("pk", "name")]


class GrantFilterForm(forms.Form):
    """The grant list's filters, for the screen and the API: country (for who reads every country), grantee,
    year (grants running in it), overdue (with a report past its due date)."""

    country = forms.ChoiceField(label=_("Country"), required=False)
    grantee = forms.TypedChoiceField(label=_("Grantee"), required=False, coerce=int, empty_value=None)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR)
    overdue = forms.ChoiceField(label=_("Overdue report"), required=False, choices=YES_NO)

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        country = user.organization.country if user.organization else ""
        if reads_every_country(user):
            countries = sorted(
                Grant.objects.restrict(user, "view").order_by().values_list("country", flat=True).distinct()
            )
            form_choice_field(self, "country").choices = [
                ("", "—"),
                *[(code, geography.country_name(code)) for code in countries],
            ]
            chosen = self.data.get("country") if self.is_bound else ""
            country = str(chosen or country)
        else:
            del self.fields["country"]
        # The grantees of the grants the user may see (a grantee sees itself alone).
        visible = Grant.objects.restrict(user, "view").filter(country=country).values("grantee")
        grantees = Organization.objects.filter(pk__in=visible).order_by("name").only("pk", "name")
        form_choice_field(self, "grantee").choices = [("", "—"), *[(org.pk, org.name) for org in grantees]]

    def filters(self) -> dict[str, Any]:
        """The selector's arguments (call after is_valid)."""
        data = self.cleaned_data
        overdue = {"yes": True, "no": False}.get(data.get("overdue") or "")
        return {
            "country": data.get("country") or None,
            "grantee": data.get("grantee"),
            "year": data.get("year"),
            "overdue": overdue,
        }


class GrantForm(forms.Form):
    """A grant and, when it is recorded (or its schedule replaced), the schedule generator: the grant in N equal
    tranches, one planned at the start of each of N equal periods, and one report per period due some days after
    it ends (services.grant_schedule). The API takes any tranches and periods."""

    title = forms.CharField(label=_("Title"), max_length=300)
    purpose = forms.CharField(label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    grantee = forms.TypedChoiceField(label=_("Grantee"), coerce=int)
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2)
    currency = forms.CharField(label=_("Currency"), max_length=3, initial="USD", help_text=_("ISO 4217, e.g. USD."))
    start_date = forms.DateField(label=_("Start date"), widget=DATE)
    end_date = forms.DateField(label=_("End date"), widget=DATE)
    activity = forms.TypedChoiceField(label=_("Activity"), required=False, coerce=int, empty_value=None)
    tranche_count = forms.IntegerField(
        label=_("Number of tranches"),
        min_value=1,
        max_value=MAX_TRANCHES,
        initial=4,
        help_text=_("Equal tranches, one per period (four: quarterly for a year); a report for each period."),
    )
    report_due_days = forms.IntegerField(
        label=_("Report due, days after its period"), min_value=0, max_value=365, initial=REPORT_DUE_DAYS
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, user: User, country: str, grant: Grant | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.grant = grant
        form_choice_field(self, "grantee").choices = [("", "—"), *_grantees(country)]
        activities = Activity.objects.restrict(user, "view").filter(country=country).order_by("-start_date", "-pk")
        form_choice_field(self, "activity").choices = [
            ("", "—"),
            *[
                (activity.pk, f"{activity.reference} {activity.title}")
                for activity in activities.only("pk", "reference", "title")[:300]
            ],
        ]
        if grant is not None:
            self.fields["tranche_count"].required = False
            self.fields["tranche_count"].initial = None
            self.fields["tranche_count"].help_text = _(
                "Only to replace the schedule, while no tranche is released, no report submitted and no money moved."
            )
            self.fields["report_due_days"].required = False

    @staticmethod
    def initial_for(grant: Grant) -> dict[str, Any]:
        return {
            "title": grant.title,
            "purpose": grant.purpose,
            "grantee": grant.grantee_id,
            "amount": grant.amount,
            "currency": grant.currency,
            "start_date": grant.start_date,
            "end_date": grant.end_date,
            "activity": grant.activity_id,
            "version": grant.version,
        }

    def service_data(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            name: data.get(name)
            for name in ("title", "purpose", "grantee", "amount", "currency", "start_date", "end_date", "activity")
        }

    def schedule(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]] | None:
        """The generated tranches and reports, or None (an edit that keeps the schedule, or dates that make none:
        the service names the problem)."""
        data = self.cleaned_data
        start, end, amount, count = (
            data.get("start_date"),
            data.get("end_date"),
            data.get("amount"),
            data.get("tranche_count"),
        )
        if not count:
            return None
        if not (isinstance(start, datetime.date) and isinstance(end, datetime.date) and isinstance(amount, Decimal)):
            return [], []
        if end < start or amount <= 0:
            return [], []
        due = data.get("report_due_days")
        return grant_schedule(
            start=start, end=end, amount=amount, tranches=count, due_days=REPORT_DUE_DAYS if due is None else due
        )


class TrancheReleaseForm(forms.Form):
    released_on = forms.DateField(label=_("Released on"), required=False, widget=DATE, help_text=_("Empty: today."))


class GrantReportSubmitForm(forms.Form):
    narrative = forms.CharField(label=_("Narrative"), widget=forms.Textarea(attrs={"rows": 6}))
    document = forms.FileField(label=_("Document"), required=False, help_text=_("PDF, XLSX, DOCX, PNG or JPEG."))


class GrantReportReviewForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class GrantTransactionForm(forms.Form):
    """A transaction; the grantee is offered expenditure only (the service refuses anything else to it anyway)."""

    transaction_type = forms.ChoiceField(label=_("Type"))
    date = forms.DateField(label=_("Date"), widget=DATE)
    amount = forms.DecimalField(label=_("Amount"), max_digits=14, decimal_places=2)
    tranche = forms.TypedChoiceField(label=_("Tranche"), required=False, coerce=int, empty_value=None)
    description = forms.CharField(label=_("Description"), required=False, max_length=500)

    def __init__(self, *args: Any, grant: Grant, tranches: list[Tranche], manager: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kinds = [TransactionType.COMMITMENT, TransactionType.DISBURSEMENT, TransactionType.EXPENDITURE]
        if not manager:
            kinds = [TransactionType.EXPENDITURE]
        form_choice_field(self, "transaction_type").choices = [(kind.value, kind.label) for kind in kinds]
        form_choice_field(self, "tranche").choices = [
            ("", "—"),
            *[(tranche.pk, _("Tranche %(number)d") % {"number": tranche.number}) for tranche in tranches],
        ]
        if not manager:
            del self.fields["tranche"]
