"""The notifications API on /api/v1/: the signed-in user's inbox."""

from tipsom.core.registry import ApiRoute
from tipsom.notifications.api.views import NotificationViewSet

routes = [ApiRoute("notifications", NotificationViewSet, "notification")]
