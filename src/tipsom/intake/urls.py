"""Intake screens under /intake/ (namespace "intake")."""

from django.urls import path

from tipsom.intake import views
from tipsom.intake.submissions import views as submissions

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
    path("submissions/", submissions.submission_list_view, name="submissions"),
    path("submissions/upload/", submissions.submission_upload_view, name="submission_upload"),
    path("submissions/form/", submissions.field_form_download_view, name="field_form"),
    path("submissions/<int:pk>/", submissions.submission_detail_view, name="submission"),
    path("submissions/<int:pk>/accept/", submissions.submission_accept_view, name="submission_accept"),
    path("submissions/<int:pk>/correct/", submissions.submission_correct_view, name="submission_correct"),
    path("submissions/<int:pk>/reject/", submissions.submission_reject_view, name="submission_reject"),
    path("submissions/<int:pk>/reveal/", submissions.submission_reveal_view, name="submission_reveal"),
]
