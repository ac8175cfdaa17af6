from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StatsConfig(AppConfig):
    name = "tipsom.stats"
    label = "stats"
    verbose_name = _("Statistics")

    def ready(self) -> None:
        from tipsom.core.registry import register, register_api
        from tipsom.stats import plugins
        from tipsom.stats.api import urls as api_urls

        register_api(api_urls)
        for store, entry, key in plugins.entries():
            register(store, entry, key=key)
        # Every change writes an audit event: the facts are refreshed after the transaction commits.
        from django.db.models.signals import post_save

        from tipsom.audit.models import AuditEvent
        from tipsom.stats.tasks import refresh_after_commit

        post_save.connect(refresh_after_commit, sender=AuditEvent, dispatch_uid="stats.refresh_after_commit")
