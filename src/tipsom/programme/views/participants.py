"""Roster screens: an activity's roster (names masked, the summary on top) with the forms to add a person and to
import a file, the audited reveal of the names, an attendance's edit and removal, the certificate of participation
and a participant's page. Thin: selectors read, programme.services.participants decides."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.forms import form_add_application_error, submit_form
from tipsom.core.http import AuthenticatedHttpRequest
from tipsom.core.masking import mask
from tipsom.intake.files import too_large_error
from tipsom.organizations import geography
from tipsom.people.forms import RevealForm
from tipsom.programme.forms.participants import AttendanceEditForm, RosterAddForm, RosterImportForm
from tipsom.programme.models import Activity, Attendance, Participant
from tipsom.programme.selectors import participants as selectors
from tipsom.programme.services import participants as services


def participant_row(participant: Participant, revealed: dict[int, dict[str, str]] | None = None) -> dict[str, Any]:
    """What a screen shows of a participant: the name masked (or as revealed), sex, sector, organization, region."""
    shown = (revealed or {}).get(participant.pk)
    organization = participant.organization.name if participant.organization else participant.organization_name
    return {
        "participant": participant,
        "name": shown["name"] if shown else mask(participant.name),
        "name_latin": shown["name_latin"] if shown else "",
        "revealed": shown is not None,
        "sex": participant.get_sex_display(),
        "sector": participant.get_sector_display(),
        "organization": organization,
        "region": geography.region_name(participant.country, participant.region) if participant.region else "",
    }


def _gain(attendance: Attendance) -> Any:
    if attendance.pre_score is None or attendance.post_score is None:
        return None
    return attendance.post_score - attendance.pre_score


def _roster_context(
    request: AuthenticatedHttpRequest,
    activity: Activity,
    *,
    form: RosterAddForm | None = None,
    revealed: dict[int, dict[str, str]] | None = None,
) -> dict[str, Any]:
    attendances = list(selectors.roster_list(user=request.user, activity=activity))
    revealable = selectors.can_reveal(request.user, [item.participant_id for item in attendances])
    can_change = selectors.can_change_roster(request.user, activity)
    rows = [
        {
            **participant_row(item.participant, revealed),
            "attendance": item,
            "gain": _gain(item),
            "can_certify": item.participant_id in revealable,
        }
        for item in attendances
    ]
    return {
        "activity": activity,
        "summary": selectors.roster_summary(activity),
        "rows": rows,
        "can_change": can_change,
        "can_reveal": bool(revealable),
        "revealed": revealed is not None,
        "form": form or (RosterAddForm(activity=activity) if can_change else None),
        "import_form": RosterImportForm() if can_change else None,
    }


@require_GET
def roster_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = selectors.roster_activity(user=request.user, activity_id=pk)
    return render(request, "programme/participants/roster.html", _roster_context(request, activity))


def _added_message(attendance: Attendance) -> str:
    others = attendance.participant.attendances.exclude(pk=attendance.pk).count()
    if not others:
        return _("The participant was added to the roster.")
    return ngettext(
        "Already registered, attended %(count)d other activity: added to the roster as the same participant.",
        "Already registered, attended %(count)d other activities: added to the roster as the same participant.",
        others,
    ) % {"count": others}


@require_POST
def roster_add_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    activity = selectors.roster_activity(user=request.user, activity_id=pk, action="change")
    form = RosterAddForm(request.POST, activity=activity)
    submission = submit_form(
        form,
        lambda _data: services.attendance_add(
            actor=request.user, activity_id=activity.pk, participant=form.participant(), scores=form.scores()
        ),
    )
    if submission.ok and submission.result is not None:
        messages.success(request, _added_message(submission.result))
        return redirect("programme:roster", pk=activity.pk)
    context = _roster_context(request, activity, form=form)
    return render(request, "programme/participants/roster.html", context, status=submission.status)


@require_http_methods(["GET", "POST"])
def roster_import_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the upload form and the columns. POST: the import, all or nothing; each bad row named by its line."""
    activity = selectors.roster_activity(user=request.user, activity_id=pk, action="change")
    form = RosterImportForm(request.POST or None, request.FILES or None)
    problems: list[dict[str, Any]] = []
    status = 200
    if request.method == "POST":
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                if upload.size > services.IMPORT_MAX_BYTES:
                    raise too_large_error(services.IMPORT_MAX_BYTES)
                result = services.roster_import(
                    actor=request.user, activity_id=activity.pk, content=upload.read(), filename=upload.name or ""
                )
            except NotFound:
                raise
            except ApplicationError as error:
                form_add_application_error(form, error)
                problems = list(error.extra.get("rows", []))
                status = error.status_code
            else:
                messages.success(
                    request,
                    _("%(rows)d people added to the roster: %(created)d newly registered, %(reused)d already known.")
                    % {"rows": result.rows, "created": result.created, "reused": result.reused},
                )
                return redirect("programme:roster", pk=activity.pk)
        else:
            status = 400
    context = {"activity": activity, "form": form, "problems": problems, "columns": services.IMPORT_COLUMNS}
    return render(request, "programme/participants/import.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def roster_reveal_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """GET: the form asking why. POST: the roster with the names, once, each reveal audited with the reason."""
    activity = selectors.roster_activity(user=request.user, activity_id=pk)
    attendances = selectors.roster_list(user=request.user, activity=activity)
    if not selectors.can_reveal(request.user, list(attendances.values_list("participant_id", flat=True))):
        raise NotFound()
    form = RevealForm(request.POST if request.method == "POST" else None)
    status = 200
    if request.method == "POST":
        submission = submit_form(
            form,
            lambda data: services.roster_reveal(actor=request.user, activity_id=activity.pk, reason=data["reason"]),
        )
        if submission.ok and submission.result is not None:
            context = _roster_context(request, activity, revealed=submission.result)
            return render(request, "programme/participants/roster.html", context)
        status = submission.status
    context = {"activity": activity, "form": form, "cancel_url": reverse("programme:roster", args=[activity.pk])}
    return render(request, "programme/participants/reveal.html", context, status=status)


@require_http_methods(["GET", "POST"])
def attendance_edit_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attendance = services.attendance_for_change(request.user, pk)
    form = AttendanceEditForm(request.POST or None, initial=AttendanceEditForm.initial_for(attendance))
    status = 200
    if request.method == "POST":
        submission = submit_form(
            form, lambda _data: services.attendance_update(actor=request.user, attendance_id=pk, data=form.scores())
        )
        if submission.ok:
            messages.success(request, _("The attendance was saved."))
            return redirect("programme:roster", pk=attendance.activity_id)
        status = submission.status
    context = {"attendance": attendance, "row": participant_row(attendance.participant), "form": form}
    return render(request, "programme/participants/attendance_edit.html", context, status=status)


@require_http_methods(["GET", "POST"])
def attendance_remove_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    attendance = services.attendance_for_change(request.user, pk)
    if request.method == "POST":
        services.attendance_remove(actor=request.user, attendance_id=pk)
        messages.success(request, _("The participant was removed from the roster."))
        return redirect("programme:roster", pk=attendance.activity_id)
    context = {"attendance": attendance, "row": participant_row(attendance.participant)}
    return render(request, "programme/participants/attendance_remove.html", context)


@never_cache
@require_GET
def certificate_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The certificate of participation as a PDF (it prints the name: audited)."""
    try:
        data = services.certificate_issue(actor=request.user, attendance_id=pk)
    except NotFound:
        raise
    except ApplicationError as error:
        attendance = selectors.attendance_detail(user=request.user, attendance_id=pk)
        messages.error(request, error.message)
        return redirect("programme:roster", pk=attendance.activity_id)
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="certificate-{int(pk)}.pdf"'
    return response


@require_GET
def participant_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = selectors.participant_detail(user=request.user, participant_id=pk)
    attendances = [
        {"attendance": item, "activity": item.activity, "gain": _gain(item)}
        for item in selectors.participant_attendances(user=request.user, participant=participant)
    ]
    context = {
        **participant_row(participant),
        "attendances": attendances,
        "can_reveal": bool(selectors.can_reveal(request.user, [participant.pk])),
    }
    return render(request, "programme/participants/participant.html", context)


@never_cache
@require_http_methods(["GET", "POST"])
def participant_reveal_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    participant = selectors.participant_detail(user=request.user, participant_id=pk, action="reveal")
    form = RevealForm(request.POST if request.method == "POST" else None)
    shown = None
    status = 200
    if request.method == "POST":
        submission = submit_form(
            form,
            lambda data: services.participant_reveal(
                actor=request.user, participant_id=participant.pk, reason=data["reason"]
            ),
        )
        shown, status = submission.result, submission.status
    context = {
        "participant": participant,
        "form": form,
        "shown": shown,
        "cancel_url": reverse("programme:participant", args=[participant.pk]),
    }
    return render(request, "programme/participants/reveal.html", context, status=status)
