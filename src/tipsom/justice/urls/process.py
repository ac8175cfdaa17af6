"""Justice screens: the Process tab of the criminal case page and its forms."""

from django.urls import URLPattern, path

from tipsom.justice.views import process

urlpatterns: list[URLPattern] = [
    path("cases/<int:pk>/process/", process.process_view, name="process"),
    path(
        "cases/<int:pk>/process/defendants/<int:suspect_id>/contact/",
        process.formal_contact_view,
        name="process_contact",
    ),
    path("cases/<int:pk>/process/charges/new/", process.charge_create_view, name="process_charge_create"),
    path(
        "cases/<int:pk>/process/charges/<int:charge_id>/withdraw/",
        process.charge_withdraw_view,
        name="process_charge_withdraw",
    ),
    path("cases/<int:pk>/process/decisions/new/", process.decision_create_view, name="process_decision_create"),
    path(
        "cases/<int:pk>/process/decisions/<int:decision_id>/remove/",
        process.decision_remove_view,
        name="process_decision_remove",
    ),
    path(
        "cases/<int:pk>/process/close-investigation/",
        process.investigation_close_view,
        name="process_investigation_close",
    ),
    path("cases/<int:pk>/process/conclude/", process.conclude_view, name="process_conclude"),
]
