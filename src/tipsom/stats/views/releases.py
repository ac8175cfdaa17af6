"""Releases of victim records (/stats/releases/): the CTDC dataset (k-anonymised) and the differentially private
synthetic dataset, each downloaded as a zip holding the file and its report, the same files `tipsom export ctdc` and
`tipsom export synthetic` write (stats.ctdc.export, stats.synthetic: they check, write and audit). A synthetic release
of a large country takes minutes: above SCREEN_SYNTHETIC_MAX victims the screen sends the user to the command."""

from __future__ import annotations

import io
import tempfile
import zipfile
from pathlib import Path

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.forms import form_add_application_error
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.permissions import SCOPE_NATIONAL, user_scopes
from tipsom.stats.ctdc.export import DEFAULT_K, ctdc_export
from tipsom.stats.exports import Scope, user_scope
from tipsom.stats.models import VictimFact
from tipsom.stats.synthetic import parse_epsilon, synthetic_export

TEMPLATE = "stats/releases.html"
SCREEN_SYNTHETIC_MAX = 50_000


class CtdcReleaseForm(forms.Form):
    k = forms.IntegerField(
        label=gettext_lazy("Smallest group (k)"),
        initial=DEFAULT_K,
        help_text=gettext_lazy(
            "Every combination of the identifying columns is shared by at least k victims (CTDC: 11)."
        ),
    )


class SyntheticReleaseForm(forms.Form):
    epsilon = forms.CharField(
        label=gettext_lazy("Privacy budget (epsilon)"),
        initial="4",
        max_length=20,
        help_text=gettext_lazy("Smaller is more private and less exact; 4 is the usual choice."),
    )


def release_scope(user: object) -> Scope:
    """The national scope of a user who may export the country's statistics; NotFound for anyone else."""
    if not getattr(user, "is_authenticated", False) or SCOPE_NATIONAL not in user_scopes(user, "export", VictimFact):  # type: ignore[arg-type]
        raise NotFound()
    return user_scope(user)  # type: ignore[arg-type]


@require_http_methods(["GET", "POST"])
def releases_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = release_scope(request.user)
    which = request.POST.get("release", "")
    ctdc_form = CtdcReleaseForm(request.POST if which == "ctdc" else None)
    synthetic_form = SyntheticReleaseForm(request.POST if which == "synthetic" else None)
    status = 200
    if request.method == "POST":
        form: forms.Form = ctdc_form if which == "ctdc" else synthetic_form
        if which not in ("ctdc", "synthetic"):
            return HttpResponse(_("Choose the CTDC or the synthetic release."), status=400)
        if form.is_valid():
            try:
                return _release(scope, which, form)
            except ApplicationError as error:
                form_add_application_error(form, error)
        status = 400
    victims = scope.facts(VictimFact).filter(counted=True).count()
    context = {
        "ctdc_form": ctdc_form,
        "synthetic_form": synthetic_form,
        "victims": victims,
        "synthetic_on_screen": victims <= SCREEN_SYNTHETIC_MAX,
        "synthetic_max": SCREEN_SYNTHETIC_MAX,
    }
    return render(request, TEMPLATE, context, status=status)


def _release(scope: Scope, which: str, form: forms.Form) -> HttpResponse:
    """Run the export into a temporary folder, then answer the file and its report in one zip."""
    stamp = f"{scope.country}-{timezone.localdate():%Y%m%d}"
    with tempfile.TemporaryDirectory(prefix="tipsom-release-") as folder:
        output = Path(folder) / f"{which}-{stamp}.csv"
        if which == "ctdc":
            ctdc_export(scope, k=form.cleaned_data["k"], output=output)
        else:
            victims = scope.facts(VictimFact).filter(counted=True).count()
            if victims > SCREEN_SYNTHETIC_MAX:
                raise ApplicationError(
                    "invalid",
                    _(
                        "A synthetic release of %(n)s victims takes several minutes: run `tipsom export synthetic` "
                        "on the server."
                    )
                    % {"n": victims},
                )
            synthetic_export(scope, epsilon=parse_epsilon(form.cleaned_data["epsilon"]), output=output)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in (output, Path(f"{output}.report.json")):
                archive.write(path, path.name)
    response = HttpResponse(buffer.getvalue(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{which}-{stamp}.zip"'
    return response
