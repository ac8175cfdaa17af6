"""Test session set-up: a throw-away keyring outside the database, and helpers as fixtures."""

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache, caches
from django.test import override_settings
from django.utils import translation

from tipsom.accounts.testing import make_user
from tipsom.core import crypto
from tipsom.core.api.throttling import rate_counters_clear
from tipsom.organizations.testing import make_organization


@pytest.fixture(scope="session", autouse=True)
def _test_keyring(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("keys") / "keyring.json"
    with override_settings(TIPSOM_KEYRING_FILE=path, TIPSOM_KEYRING=""):
        crypto.keyring_init()
        yield path


@pytest.fixture(autouse=True)
def _fresh_state() -> None:
    """Throttle counters, cached state and the active language never carry from one test to the next."""
    cache.clear()
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _seeded_roles(request: pytest.FixtureRequest) -> None:
    """A transactional test ends by emptying every table, the roles and the laws migrations seeded included; the
    tests after it in the same worker get them back here."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None and "db" not in request.fixturenames:
        return
    transactional = marker is not None and bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    request.getfixturevalue("transactional_db" if transactional else "db")
    from django.apps import apps

    from tipsom.accounts.models import Role
    from tipsom.accounts.roles import sync_seeded_roles

    if not Role.objects.exists():
        from tipsom.justice.services.provisions import provisions_load, seed_rows

        sync_seeded_roles(apps)
        provisions_load(apps.get_model("justice", "LegalProvision"), seed_rows(), update=False)
    # Throttle and sign-in counters live in database tables that a transactional test's flush leaves alone.
    caches[settings.TIPSOM_SHARED_CACHE].clear()
    rate_counters_clear()


@pytest.fixture
def organization(db: Any) -> Any:
    return make_organization("BR", name="Abrigo Esperança", type="NGO", functions=["shelter"])


@pytest.fixture
def user_factory(db: Any) -> Any:
    return make_user


@pytest.fixture
def org_factory(db: Any) -> Any:
    return make_organization
