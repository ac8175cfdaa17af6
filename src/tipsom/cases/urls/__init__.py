"""Case screens: the list, registration with the identification screening, and each case's page."""

from django.urls import include, path

from tipsom.cases.views import approvals, lists, registration, tasks

app_name = "cases"

urlpatterns = [
    path("", lists.case_list, name="list"),
    path("new/", registration.case_register_view, name="register"),
    path("new/recommendation/", registration.screening_preview, name="screening_preview"),
    path("approvals/", approvals.approval_list, name="approvals"),
    path("tasks/", tasks.task_list_view, name="tasks"),
    path("<int:pk>/", include("tipsom.cases.urls.case")),
]
