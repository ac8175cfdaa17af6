"""Intake screens under /intake/ (namespace "intake")."""

from django.urls import path

from tipsom.intake import views

app_name = "intake"

urlpatterns = [
    path("imports/", views.import_list_view, name="imports"),
    path("imports/upload/", views.upload_view, name="upload"),
    path("imports/<int:pk>/", views.job_view, name="job"),
    path("imports/<int:pk>/progress/", views.job_progress_view, name="job_progress"),
    path("imports/<int:pk>/mapping/", views.mapping_view, name="mapping"),
    path("imports/<int:pk>/failed-rows/", views.failed_rows_view, name="failed_rows"),
    path("imports/<int:pk>/run/", views.run_for_real_view, name="run_for_real"),
    path("imports/<int:pk>/resume/", views.resume_view, name="resume"),
]
