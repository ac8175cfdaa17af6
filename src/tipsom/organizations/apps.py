from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "tipsom.organizations"
    label = "organizations"
    verbose_name = _("Organizations")

    def ready(self) -> None:
        from tipsom.core.permissions import user_can
        from tipsom.core.registry import MenuItem, Section, register, register_api
        from tipsom.organizations.api import urls as api_urls
        from tipsom.organizations.geography import country_name
        from tipsom.organizations.models import Organization

        register_api(api_urls)
        register(
            "menu_items",
            MenuItem(_("Organizations"), "organizations:list", lambda u: user_can(u, "view", Organization), 50),
        )
        register(
            "home_widgets",
            Section(
                "organization",
                "organizations/_home_widget.html",
                lambda user: {
                    "organization": user.organization,
                    "country": country_name(user.organization.country) if user.organization else "",
                },
                weight=10,
            ),
        )
