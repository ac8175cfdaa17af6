"""One case's page, its tabs, its printable summary and its actions (included under /cases/<pk>/), and the tabs
other apps bring (`case_urls` in tipsom.core.registry)."""

from django.urls import path

from tipsom.cases.views import case_actions as actions
from tipsom.cases.views import case_page as page
from tipsom.core.registry import registry

urlpatterns = [
    path("", page.case_detail_view, name="detail"),
    path("tab/<str:tab>/", page.case_tab_view, name="tab"),
    path("summary/", page.case_summary_view, name="summary"),
    path("edit/", actions.case_edit_view, name="edit"),
    path("team/", actions.case_team_view, name="team"),
    path("status/", actions.case_set_status_view, name="set_status"),
    path("close/", actions.case_close_view, name="close"),
    path("closures/<int:request_id>/review/", actions.case_closure_review_view, name="closure_review"),
    path("decide/", actions.case_decide_view, name="decide"),
    path("decisions/<int:decision_id>/review/", actions.case_decision_review_view, name="decision_review"),
    path("events/", actions.case_event_view, name="event"),
    path("consent/", actions.case_consent_view, name="consent"),
    path("assessments/", actions.case_assessment_view, name="assessment"),
    path("plan/", actions.case_plan_view, name="plan"),
    path("plan/<int:item_id>/status/", actions.case_plan_status_view, name="plan_status"),
    path("services/", actions.case_service_view, name="service"),
    path("tasks/", actions.case_task_view, name="task"),
    path("tasks/<int:task_id>/done/", actions.case_task_done_view, name="task_done"),
    path("journal/", actions.case_journal_view, name="journal"),
    path("attachments/", actions.case_attachment_view, name="attachment"),
    path("attachments/<int:attachment_id>/", actions.case_attachment_download_view, name="attachment_download"),
    path("child/notify/", actions.case_child_notify_view, name="child_notify"),
    path("child/", actions.case_child_view, name="child"),
    *registry["case_urls"],
]
