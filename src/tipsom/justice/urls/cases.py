"""Justice screens: the criminal case list and form, the case page's overview, offences and defendants tabs,
and the organised criminal groups."""

from django.urls import URLPattern, path

from tipsom.justice.views import cases

urlpatterns: list[URLPattern] = [
    path("cases/", cases.criminal_case_list_view, name="list"),
    path("cases/new/", cases.criminal_case_create_view, name="create"),
    path("cases/<int:pk>/", cases.criminal_case_detail_view, name="detail"),
    path("cases/<int:pk>/edit/", cases.criminal_case_edit_view, name="edit"),
]
