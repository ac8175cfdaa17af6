"""The matching API on /api/v1/: the interactive check (persons/match/, a plain path: the paths are mounted before
the router, so it does not reach the persons/<pk>/ route), the review queue, merges, jobs and access requests."""

from typing import Any

from django.urls import path

from tipsom.core.registry import ApiRoute
from tipsom.matching.api.views import AccessRequestViewSet, JobViewSet, MatchCheckView, MergeViewSet, PairViewSet

routes = [
    ApiRoute("matching/pairs", PairViewSet, "matching-pair"),
    ApiRoute("matching/merges", MergeViewSet, "matching-merge"),
    ApiRoute("matching/jobs", JobViewSet, "matching-job"),
    ApiRoute("matching/access-requests", AccessRequestViewSet, "matching-access-request"),
]
paths: list[Any] = [path("persons/match/", MatchCheckView.as_view(), name="person-match")]
