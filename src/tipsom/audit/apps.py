from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "tipsom.audit"
    label = "audit"
    verbose_name = _("Audit")

    def ready(self) -> None:
        from tipsom.audit.api import urls as api_urls
        from tipsom.audit.models import AuditEvent
        from tipsom.core.permissions import user_can
        from tipsom.core.registry import MenuItem, register, register_api

        register_api(api_urls)
        register(
            "menu_items", MenuItem(_("Audit log"), "audit:event_list", lambda u: user_can(u, "view", AuditEvent), 80)
        )
