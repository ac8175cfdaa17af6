"""The programme's participants and rosters pages."""

from django.urls import path

from tipsom.programme.views import participants as views

urlpatterns = [
    path("<int:pk>/roster/", views.roster_view, name="roster"),
    path("<int:pk>/roster/add/", views.roster_add_view, name="roster_add"),
    path("<int:pk>/roster/import/", views.roster_import_view, name="roster_import"),
    path("<int:pk>/roster/reveal/", views.roster_reveal_view, name="roster_reveal"),
    path("attendances/<int:pk>/edit/", views.attendance_edit_view, name="attendance_edit"),
    path("attendances/<int:pk>/remove/", views.attendance_remove_view, name="attendance_remove"),
    path("attendances/<int:pk>/certificate.pdf", views.certificate_view, name="certificate"),
    path("participants/<int:pk>/", views.participant_view, name="participant"),
    path("participants/<int:pk>/reveal/", views.participant_reveal_view, name="participant_reveal"),
]
