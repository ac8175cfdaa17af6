"""Justice screens: the laws of the country (legal provisions) and the year's justice statistics."""

from django.urls import URLPattern, path

from tipsom.justice.views import provisions

urlpatterns: list[URLPattern] = [
    path("laws/", provisions.provision_list_view, name="provisions"),
    path("laws/new/", provisions.provision_create_view, name="provision_create"),
    path("laws/<int:pk>/edit/", provisions.provision_edit_view, name="provision_edit"),
    path("laws/<int:pk>/deactivate/", provisions.provision_deactivate_view, name="provision_deactivate"),
    path("stats/", provisions.stats_view, name="stats"),
]
