"""AccessCase bases for the inbox. A notification belongs to one user, not to an organization or a role.

- Screens of one notification: the "permitted" user is its owner; the "unpermitted" user is a colleague of the
  same organization holding the same role (proof that only ownership counts), and gets 404 like anyone else.
- The inbox itself (and "mark all read"): every signed-in user has one, whatever their roles, so the
  unpermitted test is turned round: a user with a role that opens nothing else gets their own inbox (200),
  and never a colleague's notification."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tipsom.accounts.models import User
from tipsom.accounts.testing import AccessCase, make_user
from tipsom.notifications.models import Notification
from tipsom.notifications.tests.helpers import make_notification
from tipsom.organizations.models import Organization

OWN_CASE = "BR-2026-000111"
COLLEAGUE_CASE = "BR-2026-000999"


class OneNotificationAccess(AccessCase):
    permitted_role = "case_manager"
    unpermitted_role = "case_manager"
    model = Notification

    def make_object(self, organization: Organization) -> Notification:
        owner = make_user(organization, roles=(self.permitted_role,))
        return make_notification(owner, case_number=OWN_CASE)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}

    def test_permitted(self, home_org: Organization) -> None:
        obj = self.make_object(home_org)
        response = self.request(self._client_for(obj.user), obj)
        assert response.status_code == self.permitted_status, (response.status_code, response.content[:500])
        self.check_permitted(response, obj)

    def test_unpermitted(self, home_org: Organization) -> None:
        super().test_unpermitted(home_org)
        assert not Notification.objects.filter(read_at__isnull=False).exists()


class InboxAccess(AccessCase):
    permitted_role = "case_manager"
    model = Notification

    def make_object(self, organization: Organization) -> None:
        """A colleague's notification naming the home organization: nobody else's inbox may show it."""
        colleague = make_user(organization, roles=(self.permitted_role,))
        make_notification(colleague, case_number=COLLEAGUE_CASE, organization=organization.name)
        return None

    def own_inbox(self, client: Client, user: User) -> Any:
        make_notification(user, case_number=OWN_CASE)
        return self.request(client, None)

    def check_own(self, response: Any) -> None:
        """The user's own notification is shown (or acted on), the colleague's is not."""

    def test_permitted(self, home_org: Organization) -> None:
        self.make_object(home_org)
        user = make_user(home_org, roles=(self.permitted_role,))
        response = self.own_inbox(self._client_for(user), user)
        assert response.status_code == self.permitted_status, (response.status_code, response.content[:500])
        self.check_own(response)

    def test_unpermitted(self, home_org: Organization) -> None:
        self.make_object(home_org)
        user = make_user(home_org, roles=(self.unpermitted_role,))
        response = self.own_inbox(self._client_for(user), user)
        assert response.status_code == self.permitted_status, (response.status_code, response.content[:500])
        self.check_own(response)
