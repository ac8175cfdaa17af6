from django.urls import path

from tipsom.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_event_list_view, name="event_list"),
    path("<int:pk>/", views.audit_event_detail_view, name="event_detail"),
]
