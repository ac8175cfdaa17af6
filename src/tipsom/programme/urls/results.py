"""The programme's results pages (placeholder until the results work lands)."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import path


def _placeholder(request: HttpRequest) -> HttpResponse:
    return HttpResponse(status=404)


urlpatterns: list[Any] = [path("", _placeholder, name="results")]
