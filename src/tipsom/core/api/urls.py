"""The API root, mounted at /api/v1/ as namespace "api": the routes each app registers (`api_routes`,
`api_paths` in tipsom.core.registry, filled by `register_api` from the apps' `ready()`)."""

from rest_framework.routers import DefaultRouter

from tipsom.core.api import schema  # noqa: F401  (registers the token scheme with drf-spectacular)
from tipsom.core.registry import ordered, registry


class ApiRouter(DefaultRouter):
    # JSON is the only format, so the ".json" suffix routes would only duplicate every URL.
    include_format_suffixes = False


router = ApiRouter()
for route in ordered("api_routes"):
    router.register(route.prefix, route.viewset, basename=route.basename)

urlpatterns = [*registry["api_paths"], *router.urls]
