"""Justice screens: the criminal case list and form, the case page's overview, offences and defendants tabs,
and the organised criminal groups."""

from django.urls import URLPattern, path

from tipsom.justice.views import cases, groups, offences, suspects

urlpatterns: list[URLPattern] = [
    path("cases/", cases.criminal_case_list_view, name="list"),
    path("cases/new/", cases.criminal_case_create_view, name="create"),
    path("cases/<int:pk>/", cases.criminal_case_detail_view, name="detail"),
    path("cases/<int:pk>/edit/", cases.criminal_case_edit_view, name="edit"),
    path("cases/<int:pk>/offences/", offences.offences_view, name="offences"),
    path("cases/<int:pk>/offences/new/", offences.offence_create_view, name="offence_create"),
    path("cases/<int:pk>/offences/<int:offence_id>/edit/", offences.offence_edit_view, name="offence_edit"),
    path("cases/<int:pk>/offences/<int:offence_id>/remove/", offences.offence_remove_view, name="offence_remove"),
    path("cases/<int:pk>/defendants/", suspects.defendants_view, name="defendants"),
    path("cases/<int:pk>/defendants/new/", suspects.suspect_create_view, name="suspect_create"),
    path("cases/<int:pk>/defendants/<int:suspect_id>/edit/", suspects.suspect_edit_view, name="suspect_edit"),
    path("cases/<int:pk>/defendants/<int:suspect_id>/remove/", suspects.suspect_remove_view, name="suspect_remove"),
    path("cases/<int:pk>/defendants/<int:suspect_id>/reveal/", suspects.suspect_reveal_view, name="suspect_reveal"),
    path("groups/", groups.group_list_view, name="groups"),
    path("groups/new/", groups.group_create_view, name="group_create"),
    path("groups/<int:pk>/edit/", groups.group_edit_view, name="group_edit"),
]
