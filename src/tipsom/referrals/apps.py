from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferralsConfig(AppConfig):
    name = "tipsom.referrals"
    label = "referrals"
    verbose_name = _("Referrals")

    def ready(self) -> None:
        from tipsom.core.permissions import user_can
        from tipsom.core.registry import CaseTab, DemoSeeder, MenuItem, register, register_api
        from tipsom.referrals import demo, notifications, widgets
        from tipsom.referrals.api import urls as api_urls
        from tipsom.referrals.models import Referral, Service
        from tipsom.referrals.urls import case as case_urls

        register_api(api_urls)
        register("menu_items", MenuItem(_("Referrals"), "referrals:inbox", lambda u: user_can(u, "view", Referral), 30))
        register("menu_items", MenuItem(_("Services"), "directory:search", lambda u: user_can(u, "view", Service), 60))
        for widget in widgets.WIDGETS:  # the home page: referrals waiting for an answer, referrals sent
            register("home_widgets", widget)
        # The case page's Referrals tab: referrals of the case, sending, and transfers of ownership.
        register("case_tabs", CaseTab("referrals", _("Referrals"), "cases:referrals", weight=10))
        for pattern in case_urls.urlpatterns:
            register("case_urls", pattern)
        for name, message in notifications.KINDS.items():
            register("notification_kinds", message, key=name)
        for name, formatter in notifications.FORMATTERS.items():
            register("notification_formatters", formatter, key=name)
        register("digest_sources", notifications.DIGEST)
        register("demo_seeders", DemoSeeder("referrals", demo.seed, weight=20))  # after the cases it refers
        from tipsom.referrals.audit_labels import REFERRAL_LABELS

        register("audit_object_labels", REFERRAL_LABELS, key="referrals.referral")  # the audit screen's names
