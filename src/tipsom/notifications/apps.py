from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "tipsom.notifications"
    label = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        from tipsom.core.registry import MenuItem, register, register_api
        from tipsom.notifications.api import urls as api_urls
        from tipsom.notifications.selectors import notification_unread_count
        from tipsom.notifications.widgets import WIDGET

        register_api(api_urls)
        register("home_widgets", WIDGET)  # the home page: unread notifications
        # Every signed-in user's own inbox: no role is needed, so it is always there, last.
        register(
            "menu_items",
            MenuItem(
                _("Notifications"),
                "notifications:inbox",
                lambda u: True,
                1000,
                badge=lambda u: notification_unread_count(user=u),
                personal=True,
            ),
        )
