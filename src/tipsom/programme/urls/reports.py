"""The donor report's pages under /programme/report/: the screen and its downloads (XLSX, PDF, IATI XML)."""

from django.urls import path

from tipsom.programme.views.reports import report_iati_view, report_pdf_view, report_view, report_xlsx_view

urlpatterns = [
    path("", report_view, name="report"),
    path("xlsx/", report_xlsx_view, name="report_xlsx"),
    path("pdf/", report_pdf_view, name="report_pdf"),
    path("iati/", report_iati_view, name="report_iati"),
]
