from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "tipsom.intake"
    label = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        from tipsom.core.registry import register
        from tipsom.intake import plugins, registers  # noqa: F401  (registers: the register import's row handler)

        for store, entry, key in plugins.entries():
            register(store, entry, key=key)
