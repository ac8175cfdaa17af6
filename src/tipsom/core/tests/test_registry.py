"""The registry through which higher apps plug into lower ones: fixed stores, unique keys, and what core reads
from it (menu entries, home-page widgets, API routes) shown to exactly the users it is meant for."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import make_user, sign_in
from tipsom.core.registry import STORES, MenuItem, Registry, Section, register, registry

if TYPE_CHECKING:
    from tipsom.accounts.models import User


def test_the_stores_are_fixed() -> None:
    assert set(registry) == set(STORES)
    with pytest.raises(TypeError):
        registry["new_store"] = []
    with pytest.raises(TypeError):
        del registry["menu_items"]
    with pytest.raises(KeyError, match="Invalid store: menu_item"):
        registry["menu_item"]  # noqa: B018


def test_a_keyed_entry_is_registered_once_and_a_list_takes_no_key() -> None:
    local = Registry({"kinds": {}, "items": []})
    assert local["kinds"] == {}
    kinds = registry["notification_kinds"]
    assert "referral_received" in kinds  # registered by the referrals app
    with pytest.raises(ValueError, match="already registered"):
        register("notification_kinds", "again", key="referral_received")
    with pytest.raises(TypeError):
        register("notification_kinds", "no key")
    with pytest.raises(TypeError):
        register("menu_items", MenuItem("x", "home", lambda user: True), key="x")


def test_every_app_registered_its_routes_and_menu_entries() -> None:
    prefixes = {route.prefix for route in registry["api_routes"]}
    assert {"organizations", "users", "roles", "audit-events", "persons", "cases", "services", "referrals"} <= prefixes
    names = {item.url_name for item in registry["menu_items"]}
    assert {"cases:list", "referrals:inbox", "people:list", "directory:search", "notifications:inbox"} <= names
    assert reverse("api:case-list") == "/api/v1/cases/"


@pytest.fixture
def widget() -> Iterator[list[Any]]:
    """A home-page widget registered for one test, shown only to users whose full name starts with "W"."""
    seen: list[Any] = []

    def context(user: User) -> dict[str, Any] | None:
        seen.append(user.pk)
        return {"organization": user.organization} if user.full_name.startswith("W") else None

    entry = register("home_widgets", Section("probe", "organizations/_home_widget.html", context, weight=99))
    try:
        yield seen
    finally:
        registry["home_widgets"].remove(entry)


def test_a_registered_widget_is_shown_to_the_users_it_allows(organization: Any, widget: list[Any]) -> None:
    shown = make_user(organization, full_name="Wanda Reis")
    hidden = make_user(organization, full_name="Beto Reis")
    page_shown = sign_in(Client(), shown).get("/").content.decode()
    page_hidden = sign_in(Client(), hidden).get("/").content.decode()
    # The organization widget is registered once by its app; the probe shows it a second time, for Wanda only.
    assert page_shown.count('id="home-organization"') == 2
    assert page_hidden.count('id="home-organization"') == 1
    assert widget == [shown.pk, hidden.pk]


def test_a_menu_entry_is_shown_only_when_allowed(organization: Any) -> None:
    allowed = MenuItem("Probe screen", "audit:event_list", lambda user: user.full_name == "Ana Probe", 99)
    entry = register("menu_items", allowed)
    try:
        staff = make_user(organization, full_name="Ana Probe")
        other = make_user(organization, full_name="Ana Other")
        assert "Probe screen" in sign_in(Client(), staff).get("/").content.decode()
        assert "Probe screen" not in sign_in(Client(), other).get("/").content.decode()
    finally:
        registry["menu_items"].remove(entry)
