from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "tipsom.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from tipsom.core.registry import register
        from tipsom.stats import plugins

        for store, entry, key in plugins.entries():
            register(store, entry, key=key)
