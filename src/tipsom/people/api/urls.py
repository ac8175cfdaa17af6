"""The person registry API on /api/v1/."""

from tipsom.core.registry import ApiRoute
from tipsom.people.api.views import PersonViewSet

routes = [ApiRoute("persons", PersonViewSet, "person")]
