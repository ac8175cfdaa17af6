"""Justice screens (namespace "justice"): each part of the record brings its own URL module."""

from tipsom.justice.urls import cases, cooperation, incidents, process, provisions, reports, victims

app_name = "justice"

urlpatterns = [
    *cases.urlpatterns,
    *process.urlpatterns,
    *victims.urlpatterns,
    *cooperation.urlpatterns,
    *incidents.urlpatterns,
    *provisions.urlpatterns,
    *reports.urlpatterns,
]
