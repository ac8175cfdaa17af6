"""Submitting a form to a service: a service's ApplicationError is shown on the form that caused it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django import forms

from tipsom.core.errors import ApplicationError, NotFound

T = TypeVar("T")


@dataclass(frozen=True)
class Submission(Generic[T]):
    """What became of a submitted form: the service's result, or None and the status to answer with."""

    result: T | None
    status: int

    @property
    def ok(self) -> bool:
        return self.status < 300


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
