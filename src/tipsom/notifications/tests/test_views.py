"""The inbox screens: access for every URL, then what they show and do."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from tipsom.accounts.models import User
from tipsom.accounts.testing import make_user, sign_in
from tipsom.notifications.models import Notification
from tipsom.notifications.tests.access import COLLEAGUE_CASE, OWN_CASE, InboxAccess, OneNotificationAccess
from tipsom.notifications.tests.helpers import make_notification
from tipsom.organizations.testing import make_organization


class TestInbox(InboxAccess):
    url_name = "notifications:inbox"

    def check_own(self, response: Any) -> None:
        content = response.content.decode()
        assert OWN_CASE in content and "Casa Abrigo" in content
        assert COLLEAGUE_CASE not in content


class TestMarkAllRead(InboxAccess):
    url_name = "notifications:read_all"
    method = "post"
    permitted_status = 302

    def check_own(self, response: Any) -> None:
        assert not Notification.objects.filter(params__case_number=OWN_CASE, read_at__isnull=True).exists()
        assert Notification.objects.get(params__case_number=COLLEAGUE_CASE).read_at is None

    def test_other_organization(self, home_org: Any) -> None:
        super().test_other_organization(home_org)
        assert Notification.objects.get(params__case_number=COLLEAGUE_CASE).read_at is None


class TestMarkRead(OneNotificationAccess):
    url_name = "notifications:read"
    method = "post"
    permitted_status = 302

    def check_permitted(self, response: Any, obj: Any) -> None:
        assert response["Location"] == reverse("notifications:inbox")
        obj.refresh_from_db()
        assert obj.read_at is not None


# Behaviour ----------------------------------------------------------------------------------------------------


def _client(user: User) -> Client:
    return sign_in(Client(), user)


def test_the_inbox_lists_newest_first_highlights_unread_and_pages(db: Any) -> None:
    user = make_user(make_organization("BR"), roles=("me_officer",))
    notifications = [make_notification(user, case_number=f"BR-2026-{number:06d}") for number in range(1, 53)]
    notifications[-1].read_at = notifications[-1].created_at
    notifications[-1].save()
    content = _client(user).get(reverse("notifications:inbox")).content.decode()
    assert content.index("BR-2026-000052") < content.index("BR-2026-000051")
    assert "BR-2026-000002" not in content  # 50 a page: the two oldest are on the next
    assert content.count("notification-unread") == 49
    assert "51 unread." in content
    older = _client(user).get(reverse("notifications:inbox"), {"before": notifications[2].pk}).content.decode()
    assert "BR-2026-000002" in older and "BR-2026-000001" in older and "BR-2026-000052" not in older


def test_the_menu_shows_the_unread_count_to_every_signed_in_user(db: Any) -> None:
    user = make_user(make_organization("BR"), roles=("me_officer",))
    make_notification(user)
    make_notification(user)
    make_notification(make_user(user.organization))
    content = _client(user).get(reverse("home")).content.decode()
    assert reverse("notifications:inbox") in content
    assert '<span class="badge text-bg-danger">2<span class="visually-hidden"> unread</span>' in content


def test_reading_with_htmx_answers_the_row(db: Any) -> None:
    user = make_user(make_organization("BR"))
    notification = make_notification(user)
    response = _client(user).post(reverse("notifications:read", kwargs={"pk": notification.pk}), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    content = response.content.decode()
    assert f'id="notification-{notification.pk}"' in content and "notification-unread" not in content
    assert "<html" not in content


def test_mark_all_read_with_htmx_reloads_the_inbox(db: Any) -> None:
    user = make_user(make_organization("BR"))
    make_notification(user)
    response = _client(user).post(reverse("notifications:read_all"), HTTP_HX_REQUEST="true")
    assert response.status_code == 204 and response["HX-Redirect"] == reverse("notifications:inbox")
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_reading_needs_post(db: Any) -> None:
    user = make_user(make_organization("BR"))
    notification = make_notification(user)
    assert _client(user).get(reverse("notifications:read", kwargs={"pk": notification.pk})).status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_only_links_on_this_site_are_shown(db: Any) -> None:
    user = make_user(make_organization("BR"))
    Notification.objects.create(user=user, kind="referral_accepted", params={}, link="javascript:alert(1)")
    make_notification(user)  # link="/cases/"
    content = _client(user).get(reverse("notifications:inbox")).content.decode()
    assert 'href="/cases/"' in content and "javascript:" not in content
