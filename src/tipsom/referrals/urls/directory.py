"""The service directory, referral pathways and response times (namespace "directory")."""

from django.urls import path

from tipsom.referrals.views import directory as views

app_name = "directory"

urlpatterns = [
    path("", views.service_search_view, name="search"),
    path("new/", views.service_create_view, name="create"),
    path("<int:pk>/", views.service_detail_view, name="detail"),
    path("<int:pk>/edit/", views.service_edit_view, name="edit"),
    path("<int:pk>/capacity/", views.service_capacity_view, name="capacity"),
    path("pathways/", views.pathway_list_view, name="pathways"),
    path("pathways/<int:pk>/edit/", views.pathway_edit_view, name="pathway_edit"),
    path("response-times/", views.response_time_view, name="response_times"),
]
