"""Test factories and bases of the accounts app, shared by every app's tests: users, signing in, and the access
test base. Every view and API endpoint is tried as anonymous, unpermitted, other-organization and
permitted users. A subclass describes one URL; `tipsom.core.tests.test_meta` fails when a URL or a model has
no such class.

    class TestOrganizationDetail(AccessCase):
        url_name = "organizations:detail"
        permitted_role = "national_coordinator"
        scope = "national"
        def make_object(self, organization): return organization
        def url_kwargs(self, obj): return {"pk": obj.pk}
"""

from __future__ import annotations

import itertools
from typing import Any, ClassVar

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

from tipsom.accounts.models import Role, User
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization

ACCESS_CASES: list[type[AccessCase]] = []
_counter = itertools.count(1)


def make_user(organization: Organization | None = None, roles: tuple[str, ...] = (), **fields: Any) -> User:
    number = next(_counter)
    user = User(
        username=fields.pop("username", f"user{number}"),
        full_name=fields.pop("full_name", f"Test User {number}"),
        organization=organization or make_organization(),
        **fields,
    )
    user.set_password("correct horse battery staple")
    user.save()
    user.roles.set(Role.objects.filter(slug__in=roles))
    return user


def organization_of(user: User) -> Organization:
    """The organization of a user (make_user always gives one)."""
    if user.organization is None:
        raise ValueError(f"{user} has no organization")
    return user.organization


def sign_in(client: Client, user: User) -> Client:
    """Sign `user` in as the login screens would, with a verified second factor when their roles need one."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from tipsom.accounts.services import user_requires_2fa

    client.force_login(user)
    if user_requires_2fa(user):
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        device = device or TOTPDevice.objects.create(user=user, name="test", confirmed=True)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


class AccessCase:
    """Describe one URL; the four access tests come from here."""

    url_name: ClassVar[str]
    permitted_role: ClassVar[str]
    # A role that reaches tipsom but must not reach this URL.
    unpermitted_role: ClassVar[str] = "me_officer"
    # "national": the other-organization user works in another country; "organization": in another
    # organization of the same country (their national view, if any, would not apply).
    scope: ClassVar[str] = "organization"
    method: ClassVar[str] = "get"
    permitted_status: ClassVar[int] = 200
    model: ClassVar[type[models.Model] | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "url_name" in cls.__dict__:
            ACCESS_CASES.append(cls)

    # --- what a subclass may override ---
    def make_object(self, organization: Organization) -> models.Model | None:
        """The record the URL shows, owned by `organization`; None for a screen without one."""
        return None

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        return {}

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return None

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        """Extra assertions on the permitted response (the status is already checked)."""

    # --- machinery ---
    @property
    def is_api(self) -> bool:
        return self.url_name.startswith("api:")

    def request(self, client: Client, obj: models.Model | None) -> Any:
        url = reverse(self.url_name, kwargs=self.url_kwargs(obj))
        data = self.payload(obj)
        call = getattr(client, self.method)
        if self.method == "get":
            return call(url, data or {})
        if self.is_api:
            return call(url, data or {}, content_type="application/json")
        return call(url, data or {})

    @pytest.fixture
    def home_org(self, db: Any) -> Organization:
        return make_organization("BR")

    def _client_for(self, user: User | None) -> Client:
        client = Client()
        if user is not None:
            sign_in(client, user)
        return client

    def test_anonymous(self, home_org: Organization) -> None:
        obj = self.make_object(home_org)
        response = self.request(self._client_for(None), obj)
        if self.is_api:
            assert response.status_code == 401, response.content
            assert response.json()["code"] == "not_authenticated"
        else:
            assert response.status_code == 302, response.status_code
            assert reverse("accounts:login") in response["Location"]

    def test_unpermitted(self, home_org: Organization) -> None:
        obj = self.make_object(home_org)
        user = make_user(home_org, roles=(self.unpermitted_role,))
        response = self.request(self._client_for(user), obj)
        assert response.status_code == 404, (response.status_code, response.content[:300])

    def test_other_organization(self, home_org: Organization) -> None:
        obj = self.make_object(home_org)
        other_country = "CO" if self.scope == "national" else home_org.country
        user = make_user(make_organization(other_country), roles=(self.permitted_role,))
        response = self.request(self._client_for(user), obj)
        if obj is None:
            # A screen without a single record: it opens, but shows nothing of the home organization.
            assert response.status_code == self.permitted_status, response.status_code
            assert home_org.name.encode() not in response.content
        else:
            assert response.status_code == 404, (response.status_code, response.content[:300])

    def test_permitted(self, home_org: Organization) -> None:
        obj = self.make_object(home_org)
        user = make_user(home_org, roles=(self.permitted_role,))
        response = self.request(self._client_for(user), obj)
        assert response.status_code == self.permitted_status, (response.status_code, response.content[:500])
        self.check_permitted(response, obj)
