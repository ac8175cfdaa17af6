"""The programme's reports pages (placeholder until the reports work lands)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path


def _placeholder(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=404)


urlpatterns: list[Any] = [path("", _placeholder, name="report")]
