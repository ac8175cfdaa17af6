from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "tipsom.accounts"
    label = "accounts"
    verbose_name = _("Accounts")

    def ready(self) -> None:
        from tipsom.accounts.api import urls as api_urls
        from tipsom.accounts.models import User
        from tipsom.core.permissions import user_can
        from tipsom.core.registry import MenuItem, Section, register, register_api

        register_api(api_urls)
        register("menu_items", MenuItem(_("Users"), "accounts:user_list", lambda u: user_can(u, "change", User), 70))
        register(
            "home_widgets",
            Section("roles", "accounts/_home_roles.html", lambda user: {"roles": list(user.roles.all())}, weight=20),
        )
        register("home_widgets", Section("account", "accounts/_home_account.html", lambda user: {}, weight=30))
