"""URL map: pages per app, the API under /api/v1/, its schema and docs, health and language switching."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from tipsom.core import views as core_views

api_v1 = [
    path("", include("tipsom.core.api.urls")),
]

urlpatterns = [
    path("", core_views.home, name="home"),
    path("healthz", core_views.healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("tipsom.accounts.urls")),
    path("organizations/", include("tipsom.organizations.urls")),
    path("audit/", include("tipsom.audit.urls")),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
