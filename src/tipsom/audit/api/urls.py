"""The audit API on /api/v1/: the audit log."""

from tipsom.audit.api.views import AuditEventViewSet
from tipsom.core.registry import ApiRoute

routes = [ApiRoute("audit-events", AuditEventViewSet, "audit-event")]
