"""Submitting a form to a service: a service's ApplicationError is shown on the form that caused it; and the one
flow of a form page (GET the form, POST it to a service, redirect on success, show the errors otherwise)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render

from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.http import AuthenticatedHttpRequest

T = TypeVar("T")


@dataclass(frozen=True)
class Submission(Generic[T]):
    """What became of a submitted form: the service's result, or None and the status to answer with."""

    result: T | None
    status: int

    @property
    def ok(self) -> bool:
        return self.status < 300


def form_choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A form's choice field, for filling its options at run time (they come from data: code lists, regions)."""
    field = form.fields[name]
    if not isinstance(field, forms.ChoiceField):
        raise TypeError(f"{type(form).__name__}.{name} is not a choice field")
    return field


def form_add_application_error(form: forms.BaseForm, error: ApplicationError) -> None:
    """Put the error next to the fields it names (`extra["field"]` or `extra["fields"]`), else above the form."""
    named: dict[str, str] = {}
    if isinstance(error.extra.get("fields"), dict):
        named.update({str(name): str(message) for name, message in error.extra["fields"].items()})
    if error.extra.get("field"):
        named[str(error.extra["field"])] = error.message
    placed = [name for name in named if name in form.fields]
    for name in placed:
        form.add_error(name, named[name])
    if not placed or error.message not in named.values():
        form.add_error(None, error.message)


def submit_form(form: forms.BaseForm, service: Callable[[dict[str, Any]], T]) -> Submission[T]:
    """Validate the form and hand its data to `service`. Invalid input answers 400; a refusal from the
    service keeps its status (409 for a stale edit). NotFound is not a form problem: it propagates (404)."""
    if not form.is_valid():
        return Submission(None, 400)
    try:
        return Submission(service(form.cleaned_data), 200)
    except NotFound:
        raise
    except ApplicationError as error:
        form_add_application_error(form, error)
        return Submission(None, error.status_code)


def edit_view(
    request: AuthenticatedHttpRequest,
    *,
    form: forms.BaseForm,
    save: Callable[[dict[str, Any]], T],
    template: str,
    success_message: str,
    success_url: Callable[[T], str] | str,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """A form page: GET shows `form`; POST hands its data to `save` (a service call), then says
    `success_message` and redirects to `success_url` (a URL, or a function of the service's result); a refusal
    shows the form again with the errors and the service's status (400, or 409 with `stale` for a stale edit)."""
    status = 200
    if request.method == "POST":
        submission = submit_form(form, save)
        if submission.ok and submission.result is not None:
            messages.success(request, success_message)
            return redirect(success_url(submission.result) if callable(success_url) else success_url)
        status = submission.status
    page = {**(context or {}), "form": form, "stale": status == 409}
    return render(request, template, page, status=status)
