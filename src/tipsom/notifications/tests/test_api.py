"""The notification API: access for every endpoint, then paging and the shape of a row."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import make_user, sign_in
from tipsom.notifications.models import Notification
from tipsom.notifications.tests.access import COLLEAGUE_CASE, OWN_CASE, InboxAccess, OneNotificationAccess
from tipsom.notifications.tests.helpers import make_notification
from tipsom.organizations.testing import make_organization


class TestNotificationListApi(InboxAccess):
    url_name = "api:notification-list"

    def check_own(self, response: Any) -> None:
        rows = response.json()["results"]
        assert [row["params"]["case_number"] for row in rows] == [OWN_CASE]
        assert COLLEAGUE_CASE not in response.content.decode()

    def test_other_organization(self, home_org: Any) -> None:
        self.make_object(home_org)
        user = make_user(make_organization("BR"), roles=(self.permitted_role,))
        response = self._client_for(user).get(reverse(self.url_name))
        assert response.status_code == 200 and response.json()["results"] == []


class TestNotificationReadApi(OneNotificationAccess):
    url_name = "api:notification-read"
    method = "post"

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response.json()["id"] == obj.pk and response.json()["read_at"]
        obj.refresh_from_db()
        assert obj.read_at is not None


def test_rows_carry_the_rendered_message_and_page_by_cursor(db: Any) -> None:
    user = make_user(make_organization("BR"))
    for number in range(1, 4):
        make_notification(user, case_number=f"BR-2026-{number:06d}")
    client = sign_in(Client(), user)
    page = client.get(reverse("api:notification-list"), {"page_size": 2}).json()
    assert [row["params"]["case_number"] for row in page["results"]] == ["BR-2026-000003", "BR-2026-000002"]
    row = page["results"][0]
    assert set(row) == {"id", "kind", "message", "params", "link", "created_at", "read_at"}
    assert "Shelter" in row["message"] and row["read_at"] is None
    rest = client.get(page["next"]).json()
    assert [row["params"]["case_number"] for row in rest["results"]] == ["BR-2026-000001"]
    french = client.get(reverse("api:notification-list"), HTTP_ACCEPT_LANGUAGE="fr").json()
    assert french["results"][0]["message"]


def test_reading_someone_elses_answers_404_in_the_error_shape(db: Any) -> None:
    owner = make_user(make_organization("BR"))
    notification = make_notification(owner)
    intruder = make_user(owner.organization, roles=("case_manager",))
    response = sign_in(Client(), intruder).post(
        reverse("api:notification-read", kwargs={"pk": notification.pk}), content_type="application/json"
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    assert Notification.objects.get().read_at is None
