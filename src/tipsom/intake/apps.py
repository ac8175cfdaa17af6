from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IntakeConfig(AppConfig):
    name = "tipsom.intake"
    label = "intake"
    verbose_name = _("Intake")

    def ready(self) -> None:
        from tipsom.core.registry import register, register_api
        from tipsom.intake import plugins, registers  # noqa: F401  (registers: the register import's row handler)
        from tipsom.intake.submissions import api as submission_api
        from tipsom.intake.submissions import handler  # noqa: F401  (the field submissions' row handler)
        from tipsom.intake.submissions import plugins as submission_plugins

        for store, entry, key in (*plugins.entries(), *submission_plugins.entries()):
            register(store, entry, key=key)
        register_api(submission_api)
