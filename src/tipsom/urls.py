"""URL map: pages per app, the API under /api/v1/, its schema and docs, health and language switching."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView

from tipsom.core import views as core_views
from tipsom.core.api import views as api_views

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
    path("cases/", include("tipsom.cases.urls")),
    path("people/", include("tipsom.people.urls")),
    path("matching/", include("tipsom.matching.urls")),
    path("directory/", include("tipsom.referrals.urls.directory")),
    path("referrals/", include("tipsom.referrals.urls")),
    path("justice/", include("tipsom.justice.urls")),
    path("helpline/", include("tipsom.helpline.urls")),
    path("intake/", include("tipsom.intake.urls")),
    path("stats/", include("tipsom.stats.urls")),
    path("programme/", include("tipsom.programme.urls")),
    path("notifications/", include("tipsom.notifications.urls")),
    path("api/v1/", include((api_v1, "api"))),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", api_views.api_docs_view, name="api-docs"),
]

# Pages keep Django's templated error pages; under /api/ the same errors answer {"code", "message", "extra"}.
handler400 = api_views.bad_request
handler404 = api_views.not_found
handler500 = api_views.server_error
