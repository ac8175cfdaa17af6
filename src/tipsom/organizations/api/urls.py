"""The organizations API on /api/v1/."""

from tipsom.core.registry import ApiRoute
from tipsom.organizations.api.views import OrganizationViewSet

routes = [ApiRoute("organizations", OrganizationViewSet, "organization")]
