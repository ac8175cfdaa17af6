"""Statistics screens (namespace "stats", under /stats/): the national dashboard and its panel downloads."""

from django.urls import URLPattern, path

from tipsom.stats.views import ctdc, dashboard, glotip, htcds, releases

app_name = "stats"

urlpatterns: list[URLPattern] = [
    path("", dashboard.dashboard_view, name="dashboard"),
    path("export/htcds/", htcds.htcds_export_view, name="htcds-export"),
    path("glotip/", glotip.glotip_view, name="glotip"),
    path("ctdc/", ctdc.ctdc_view, name="ctdc"),
    path("releases/", releases.releases_view, name="releases"),
]
