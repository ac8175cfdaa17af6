from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JusticeConfig(AppConfig):
    name = "tipsom.justice"
    label = "justice"
    verbose_name = _("Criminal justice")

    def ready(self) -> None:
        from tipsom.core.registry import register, register_api
        from tipsom.justice import plugins
        from tipsom.justice.api import urls as api_urls

        register_api(api_urls)
        for store, entry, key in plugins.entries():
            register(store, entry, key=key)
