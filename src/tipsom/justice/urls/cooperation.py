"""Justice screens: the Cooperation tab of the criminal case (mutual legal assistance, extradition, joint
investigation teams)."""

from django.urls import URLPattern, path

from tipsom.justice.views import cooperation

urlpatterns: list[URLPattern] = [
    path("cases/<int:pk>/cooperation/", cooperation.cooperation_view, name="cooperation"),
    path("cases/<int:pk>/cooperation/add/", cooperation.cooperation_add_view, name="cooperation_add"),
    path(
        "cases/<int:pk>/cooperation/<int:request_id>/edit/", cooperation.cooperation_edit_view, name="cooperation_edit"
    ),
    path(
        "cases/<int:pk>/cooperation/<int:request_id>/answer/",
        cooperation.cooperation_answer_view,
        name="cooperation_answer",
    ),
]
