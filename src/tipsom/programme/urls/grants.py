"""The programme's grants pages under /programme/grants/."""

from django.urls import URLPattern, path

from tipsom.programme.views import grants

urlpatterns: list[URLPattern] = [
    path("", grants.grant_list_view, name="grants"),
    path("new/", grants.grant_create_view, name="grant_create"),
    path("<int:pk>/", grants.grant_detail_view, name="grant"),
    path("<int:pk>/edit/", grants.grant_edit_view, name="grant_edit"),
    path("<int:pk>/transactions/new/", grants.grant_transaction_create_view, name="grant_transaction_create"),
    path("tranches/<int:pk>/release/", grants.tranche_release_view, name="tranche_release"),
    path("reports/<int:pk>/submit/", grants.grant_report_submit_view, name="grant_report_submit"),
    path("reports/<int:pk>/approve/", grants.grant_report_approve_view, name="grant_report_approve"),
    path("reports/<int:pk>/return/", grants.grant_report_return_view, name="grant_report_return"),
    path("reports/<int:pk>/document/", grants.grant_report_document_view, name="grant_report_document"),
]
