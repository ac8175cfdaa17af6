"""Justice screens: reports (the criminal case's anonymised brief on its tab, as JSON and as PDF)."""

from django.urls import path

from tipsom.justice.views import reports

urlpatterns = [
    path("cases/<int:pk>/brief/", reports.brief_view, name="brief"),
    path("cases/<int:pk>/brief/json/", reports.brief_json_view, name="brief_json"),
    path("cases/<int:pk>/brief/pdf/", reports.brief_pdf_view, name="brief_pdf"),
]
