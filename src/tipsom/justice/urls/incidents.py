"""Justice screens: smuggling of migrants incidents (the list, one incident, recording and changing one)."""

from django.urls import URLPattern, path

from tipsom.justice.views import incidents

urlpatterns: list[URLPattern] = [
    path("incidents/", incidents.incident_list_view, name="incidents"),
    path("incidents/new/", incidents.incident_create_view, name="incident_create"),
    path("incidents/<int:pk>/", incidents.incident_detail_view, name="incident"),
    path("incidents/<int:pk>/edit/", incidents.incident_edit_view, name="incident_edit"),
]
