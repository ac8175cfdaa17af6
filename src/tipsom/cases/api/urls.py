"""The case API on /api/v1/ (a case's parts are sub-resources of its viewset)."""

from tipsom.cases.api.tasks import TaskViewSet
from tipsom.cases.api.views import CaseViewSet
from tipsom.core.registry import ApiRoute

routes = [ApiRoute("cases", CaseViewSet, "case"), ApiRoute("tasks", TaskViewSet, "task")]
