from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CasesConfig(AppConfig):
    name = "tipsom.cases"
    label = "cases"
    verbose_name = _("Cases")

    def ready(self) -> None:
        from tipsom.cases import demo, notifications, selectors, widgets
        from tipsom.cases.api import urls as api_urls
        from tipsom.cases.models import Case
        from tipsom.cases.services import cases_follow_person
        from tipsom.cases.services.citizenships import cases_follow_citizenships
        from tipsom.core.permissions import user_can
        from tipsom.core.registry import DemoSeeder, MenuItem, Section, register, register_api

        register_api(api_urls)
        register("menu_items", MenuItem(_("Cases"), "cases:list", lambda u: user_can(u, "view", Case), 10))
        register("menu_items", MenuItem(_("Approvals"), "cases:approvals", lambda u: user_can(u, "approve", Case), 20))
        register("menu_items", MenuItem(_("Tasks"), "cases:tasks", lambda u: user_can(u, "change", Case), 15))
        for widget in widgets.WIDGETS:  # the home page: approvals, child cases, tasks, cases I work on
            register("home_widgets", widget)
        # The registry (people) knows nothing of cases: cases widen who sees a person, follow a changed birth date
        # and list a person's cases on the person's page.
        register("person_scopes", selectors.persons_on_shared_cases)
        register("person_changed", cases_follow_person)
        register("person_changed", cases_follow_citizenships)  # the copy the case list filters on
        register(
            "person_sections",
            Section(
                "cases",
                "cases/_person_cases.html",
                lambda user, person: {"cases": selectors.person_cases(user=user, person=person)},
            ),
        )
        for name, message in notifications.KINDS.items():
            register("notification_kinds", message, key=name)
        register("person_list_cases", selectors.case_numbers_of_persons)  # the person list's "Cases" column
        register("digest_sources", notifications.DIGEST)
        register("demo_seeders", DemoSeeder("cases", demo.seed, weight=10))  # `tipsom demo`: its synthetic cases
        from tipsom.cases.audit_labels import CASE_LABELS

        register("audit_object_labels", CASE_LABELS, key="cases.case")  # the audit screen names cases by number
