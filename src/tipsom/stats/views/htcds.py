"""The HTCDS export screen: filters (years of identification, statuses), identities for those who may export
them, and the archive's password twice; the answer is the encrypted archive as a download. Thin: stats.htcds
checks, exports and audits; a refusal shows the form again with the reason and nothing is exported."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from tipsom.accounts.models import User
from tipsom.cases.models import Case
from tipsom.core.errors import ApplicationError
from tipsom.core.forms import form_add_application_error, form_choice_field
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.permissions import require_permission, user_can
from tipsom.core.registry import MenuItem
from tipsom.stats.htcds import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    YEAR_MAX,
    YEAR_MIN,
    HtcdsFilters,
    htcds_export,
    htcds_filters,
    may_export_identities,
    status_choices,
    trafficking_status_filter_choices,
)

PASSWORD_INPUT = forms.PasswordInput(attrs={"autocomplete": "new-password"})


class HtcdsExportForm(forms.Form):
    year_from = forms.IntegerField(
        label=gettext_lazy("Identified from (year)"), required=False, min_value=YEAR_MIN, max_value=YEAR_MAX
    )
    year_to = forms.IntegerField(
        label=gettext_lazy("Identified until (year)"), required=False, min_value=YEAR_MIN, max_value=YEAR_MAX
    )
    status = forms.ChoiceField(label=gettext_lazy("Case status"), required=False)
    trafficking_status = forms.ChoiceField(label=gettext_lazy("Trafficking status"), required=False)
    include_identities = forms.BooleanField(
        label=gettext_lazy("Include identities"),
        required=False,
        help_text=gettext_lazy(
            "Names, birth dates, identity documents and contact details of your organization's persons. "
            "Include them only when the receiving system needs them; the export is audited."
        ),
    )
    password = forms.CharField(
        label=gettext_lazy("Password of the archive"),
        min_length=MIN_PASSWORD,
        max_length=MAX_PASSWORD,
        strip=False,
        widget=PASSWORD_INPUT,
        help_text=gettext_lazy(
            "At least 12 characters. tipsom does not keep it: give it to the recipient by another channel than "
            "the file."
        ),
    )
    password_confirmation = forms.CharField(
        label=gettext_lazy("Password again"), max_length=MAX_PASSWORD, strip=False, widget=PASSWORD_INPUT
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        form_choice_field(self, "status").choices = [("", _("Any status")), *status_choices()]
        form_choice_field(self, "trafficking_status").choices = [
            ("", _("Any trafficking status")),
            *trafficking_status_filter_choices(),
        ]
        if not may_export_identities(user):
            del self.fields["include_identities"]
        # Asked for without the box (a forged form): the service refuses it; never a quietly reduced export.
        self.asks_identities = self.is_bound and self.data.get("include_identities") not in (None, "", "false", "off")

    def identities_asked(self) -> bool:
        return bool(self.cleaned_data.get("include_identities")) or self.asks_identities

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        password, again = data.get("password"), data.get("password_confirmation")
        if password and again is not None and password != again:
            self.add_error("password_confirmation", _("The two passwords differ. Type the same password twice."))
        start, end = data.get("year_from"), data.get("year_to")
        if start and end and start > end:
            self.add_error("year_to", _("The last year cannot come before the first."))
        return data

    def filters(self) -> HtcdsFilters:
        data = self.cleaned_data
        return htcds_filters(
            year_from=data.get("year_from"),
            year_to=data.get("year_to"),
            status=data.get("status", ""),
            trafficking_status=data.get("trafficking_status", ""),
        )


@never_cache
@require_http_methods(["GET", "POST"])
def htcds_export_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """GET: the form; POST: the encrypted archive as a download, or the form with what is wrong."""
    require_permission(request.user, "export", Case)  # NotFound for anyone else
    form = HtcdsExportForm(request.POST if request.method == "POST" else None, user=request.user)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                archive = htcds_export(
                    actor=request.user,
                    password=form.cleaned_data["password"],
                    include_identities=form.identities_asked(),
                    filters=form.filters(),
                )
            except ApplicationError as error:
                form_add_application_error(form, error)
                status = error.status_code
            else:
                response = HttpResponse(archive.content, content_type="application/zip")
                response["Content-Disposition"] = content_disposition_header(True, archive.filename) or ""
                response["X-Content-Type-Options"] = "nosniff"
                return response
        else:
            status = 400
    # A password field never renders its value: a refused form comes back with both password fields empty.
    return render(request, "stats/htcds_export.html", {"form": form}, status=status)


def htcds_menu_entries() -> list[MenuItem]:
    """The navigation entry of the HTCDS export, for those who may export cases (stats/plugins.py yields it)."""
    return [
        MenuItem(gettext_lazy("HTCDS export"), "stats:htcds-export", lambda user: user_can(user, "export", Case), 78)
    ]
