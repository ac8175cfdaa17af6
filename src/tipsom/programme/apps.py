from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgrammeConfig(AppConfig):
    name = "tipsom.programme"
    label = "programme"
    verbose_name = _("Programme monitoring")

    def ready(self) -> None:
        from tipsom.core.registry import register, register_api
        from tipsom.programme import plugins
        from tipsom.programme.api import urls as api_urls

        register_api(api_urls)
        for store, entry, key in plugins.entries():
            register(store, entry, key=key)
