"""The benchmark's URL map (settings.ROOT_URLCONF when TIPSOM_BENCH_FLOOR=1, never in production): tipsom's own,
plus the framework floor `make bench` measures beside the case list (bench/README.md).

The floor is the least an API list can cost here: a trivial authenticated DRF view answering 50 rows through the
same middleware, knox token authentication, throttles and JSON renderer as every endpoint, with one small query."""

from __future__ import annotations

from django.urls import path
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from tipsom.organizations.models import Organization
from tipsom.urls import handler400, handler404, handler500
from tipsom.urls import urlpatterns as tipsom_urlpatterns

FLOOR_ROWS = 50


class FrameworkFloorView(APIView):
    def get(self, request: Request) -> Response:
        rows = list(Organization.objects.order_by("id").values("id", "name", "country")[:FLOOR_ROWS])
        return Response({"next": None, "previous": None, "results": rows})


urlpatterns = [path("api/v1/bench/floor/", FrameworkFloorView.as_view(), name="bench-floor"), *tipsom_urlpatterns]
__all__ = ["handler400", "handler404", "handler500", "urlpatterns"]
