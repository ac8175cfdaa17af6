"""The programme's pages under /programme/."""

from django.urls import include, path

app_name = "programme"

urlpatterns = [
    path("", include("tipsom.programme.urls.activities")),
    path("", include("tipsom.programme.urls.participants")),
    path("results/", include("tipsom.programme.urls.results")),
    path("impact/", include("tipsom.programme.urls.impact")),
    path("grants/", include("tipsom.programme.urls.grants")),
    path("report/", include("tipsom.programme.urls.reports")),
]
