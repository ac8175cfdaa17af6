"""/api/v1/tasks/: the user's tasks across all cases (a supervisor's organization's with ?scope=organization), with
the Tasks page's filters (?due=) and orderings (?ordering=), read-only, paged by cursor. The task's title is
identifying free text: masked here as in every case-part list of the API (reveal it on the case's tasks/)."""

from __future__ import annotations

from typing import Any, cast

from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from tipsom.cases import selectors
from tipsom.cases.models import Case, Task
from tipsom.cases.task_filters import DEFAULTS, ORDERINGS, TaskFilterSet, requested_scope
from tipsom.core.api.pagination import KeysetPagination
from tipsom.core.http import AuthenticatedRequest
from tipsom.core.masking import MASKED
from tipsom.core.permissions import require_permission


class TaskRowSerializer(serializers.ModelSerializer):
    """A task with its case's number; the title masked ("" when empty)."""

    case_number = serializers.CharField(read_only=True)
    title = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField(help_text="Not done and due before today.")

    class Meta:
        model = Task
        fields = ["id", "case", "case_number", "title", "due_on", "assigned_to", "done_at", "created_at", "overdue"]
        read_only_fields = fields

    def get_title(self, task: Task) -> str:
        return MASKED if task.title else ""

    def get_overdue(self, task: Task) -> bool:
        return task.done_at is None and task.due_on < self.context["today"]


class TaskPagination(KeysetPagination):
    """The cursor follows the chosen ordering (ties within a column are paged by offset, as DRF does)."""

    def get_ordering(self, request: Request, queryset: Any, view: Any) -> tuple[str, ...]:
        chosen = request.query_params.get("ordering") or DEFAULTS["ordering"]
        return ORDERINGS.get(chosen, ORDERINGS[DEFAULTS["ordering"]])


@extend_schema(tags=["cases"])
@extend_schema_view(list=extend_schema(summary="My tasks across all cases"))
class TaskViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Tasks assigned to the user on the cases they may see (scope=organization: the organization's, for
    supervisors). due: open (default), overdue, today, week, done, all. ordering: due (default), -due, case, -case,
    created, -created. An unknown value is a 400."""

    serializer_class = TaskRowSerializer
    filterset_class = TaskFilterSet
    pagination_class = TaskPagination

    def get_queryset(self) -> Any:
        if getattr(self, "swagger_fake_view", False):
            return Task.objects.none()
        request = cast(AuthenticatedRequest, self.request)
        scope = requested_scope(request.query_params, request.user)
        return selectors.task_list(user=request.user, scope=scope)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "today": timezone.localdate()}

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        require_permission(cast(AuthenticatedRequest, request).user, "view", Case)
        return super().list(request, *args, **kwargs)
