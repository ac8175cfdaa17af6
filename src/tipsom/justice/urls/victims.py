"""Justice screens: the Victims tab of the criminal case (victims in the proceedings, relationships, reveals,
hearings)."""

from django.urls import URLPattern, path

from tipsom.justice.views import victims

urlpatterns: list[URLPattern] = [
    path("cases/<int:pk>/victims/", victims.victims_view, name="victims"),
    path("cases/<int:pk>/victims/add/", victims.victim_add_view, name="victim_add"),
    path("cases/<int:pk>/victims/<int:link_id>/edit/", victims.victim_edit_view, name="victim_edit"),
    path("cases/<int:pk>/victims/<int:link_id>/remove/", victims.victim_remove_view, name="victim_remove"),
    path("cases/<int:pk>/victims/<int:link_id>/relationship/", victims.victim_relation_view, name="victim_relation"),
    path("cases/<int:pk>/victims/<int:link_id>/name/", victims.victim_reveal_view, name="victim_reveal"),
    path("cases/<int:pk>/victims/<int:link_id>/statement/", victims.victim_statement_view, name="victim_statement"),
    path("cases/<int:pk>/hearings/add/", victims.hearing_add_view, name="hearing_add"),
    path("cases/<int:pk>/hearings/<int:hearing_id>/edit/", victims.hearing_edit_view, name="hearing_edit"),
    path("cases/<int:pk>/hearings/<int:hearing_id>/cancel/", victims.hearing_cancel_view, name="hearing_cancel"),
]
