from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchingConfig(AppConfig):
    name = "tipsom.matching"
    label = "matching"
    verbose_name = _("Matching")

    def ready(self) -> None:
        from tipsom.core.registry import register, register_api
        from tipsom.matching import plugins
        from tipsom.matching.api import urls as api_urls

        register_api(api_urls)
        for store, entry, key in plugins.entries():
            register(store, entry, key=key)
