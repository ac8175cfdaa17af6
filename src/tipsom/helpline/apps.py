from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HelplineConfig(AppConfig):
    name = "tipsom.helpline"
    label = "helpline"
    verbose_name = _("Helpline")

    def ready(self) -> None:
        from tipsom.core.registry import register, register_api
        from tipsom.helpline import plugins
        from tipsom.helpline.api import urls as api_urls

        register_api(api_urls)
        for store, entry, key in plugins.entries():
            register(store, entry, key=key)
