from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "tipsom.people"
    label = "people"
    verbose_name = _("People")

    def ready(self) -> None:
        from tipsom.core.permissions import user_can
        from tipsom.core.registry import MenuItem, register, register_api
        from tipsom.people.api import urls as api_urls
        from tipsom.people.models import Person

        register_api(api_urls)
        register("menu_items", MenuItem(_("Persons"), "people:list", lambda u: user_can(u, "view", Person), 40))
