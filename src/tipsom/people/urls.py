"""Person registry screens."""

from django.urls import path

from tipsom.people import views

app_name = "people"

urlpatterns = [
    path("", views.person_list_view, name="list"),
    path("<int:pk>/", views.person_detail_view, name="detail"),
    path("<int:pk>/edit/", views.person_edit_view, name="edit"),
    path("<int:pk>/reveal/", views.person_reveal_view, name="reveal"),
]
