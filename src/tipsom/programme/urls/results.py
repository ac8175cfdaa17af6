"""The results framework pages under /programme/results/."""

from django.urls import URLPattern, path

from tipsom.programme.views import results

urlpatterns: list[URLPattern] = [
    path("", results.results_view, name="results"),
    path("indicators/<int:indicator_pk>/value/", results.period_edit_view, name="results_period_edit"),
    path("indicators/<int:indicator_pk>/baseline/", results.baseline_view, name="results_baseline"),
    path("values/<int:pk>/submit/", results.period_submit_view, name="results_period_submit"),
    path("values/<int:pk>/review/", results.period_review_view, name="results_period_review"),
    path("values/<int:pk>/evidence/", results.period_evidence_view, name="results_period_evidence"),
    path("framework/results/new/", results.node_create_view, name="results_node_create"),
    path("framework/results/<int:pk>/", results.node_edit_view, name="results_node_edit"),
    path("framework/indicators/new/", results.indicator_create_view, name="results_indicator_create"),
    path("framework/indicators/<int:pk>/", results.indicator_edit_view, name="results_indicator_edit"),
]
