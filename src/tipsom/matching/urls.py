"""Matching screens under /matching/ (namespace "matching")."""

from django.urls import path

from tipsom.matching.views import jobs, merges, queue, requests

app_name = "matching"

urlpatterns = [
    path("", queue.queue_view, name="queue"),
    path("pairs/<int:pk>/", queue.pair_view, name="pair"),
    path("pairs/<int:pk>/decide/", queue.pair_decide_view, name="pair_decide"),
    path("pairs/<int:pk>/merge/", queue.pair_merge_view, name="pair_merge"),
    path("merges/", merges.merge_list_view, name="merges"),
    path("merges/<int:pk>/undo/", merges.merge_undo_view, name="merge_undo"),
    path("jobs/", jobs.job_list_view, name="jobs"),
    path("requests/", requests.request_list_view, name="access_requests"),
    path("requests/new/", requests.request_create_view, name="access_request_create"),
    path("requests/<int:pk>/", requests.request_view, name="access_request"),
]
