"""The programme's activities pages: the list, one activity, recording and changing one, its follow-up actions."""

from django.urls import path

from tipsom.programme.views import activities

urlpatterns = [
    path("", activities.activity_list_view, name="activities"),
    path("activities/new/", activities.activity_create_view, name="activity_create"),
    path("activities/<int:pk>/", activities.activity_detail_view, name="activity"),
    path("activities/<int:pk>/edit/", activities.activity_edit_view, name="activity_edit"),
    path("activities/<int:pk>/follow-ups/", activities.follow_up_add_view, name="follow_up_add"),
    path("follow-ups/<int:pk>/", activities.follow_up_update_view, name="follow_up_update"),
]
