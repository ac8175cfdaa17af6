"""What every release of statistics shares: whose facts it reads (the user's scope, or one country on the command
line), how its file is written (to a temporary name, then renamed: never a partial file that looks complete) and
its audit event (what was released, with the count of records and fields).

Every table that leaves the system goes through tipsom.core.disclosure (stats.tables does it); every record-level
release (CTDC, synthetic, HTCDS) has its own protection, named in its module."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record
from tipsom.core.errors import ApplicationError
from tipsom.core.permissions import SCOPE_NATIONAL, user_scopes
from tipsom.organizations.models import Organization

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class Scope:
    """Whose facts a release reads: a user's (their permission scope for `action`), or one country's on the
    command line (`user` None: the operator of the server)."""

    country: str
    user: User | None = None

    @property
    def national(self) -> bool:
        return self.user is None or SCOPE_NATIONAL in user_scopes(self.user, "export", _fact_model())

    def facts(self, model: type[M], action: str = "export") -> models.QuerySet[M]:
        """The fact rows of `model` in this scope, brought up to date first (stats.facts.engine.current)."""
        from tipsom.stats.facts.engine import current

        current()
        manager: Any = model._default_manager
        if self.user is None:
            return manager.filter(country=self.country)
        return manager.restrict(self.user, action).filter(country=self.country)


def _fact_model() -> type[models.Model]:
    from tipsom.stats.models import VictimFact

    return VictimFact


def deployment_country(given: str | None = None) -> str:
    """The country a command works on: `given`, else the one country this deployment serves."""
    if given:
        code = given.strip().upper()
        if not Organization.objects.filter(country=code).exists():
            raise ApplicationError("invalid", _("No organization of this deployment is in %(code)s.") % {"code": code})
        return code
    countries = sorted(set(Organization.objects.values_list("country", flat=True)))
    if len(countries) != 1:
        raise ApplicationError(
            "invalid",
            _("Give the country: this deployment serves %(countries)s.")
            % {"countries": ", ".join(countries) or _("no country yet")},
        )
    return countries[0]


def user_scope(user: User) -> Scope:
    """The scope of a signed-in user: their organization's country."""
    organization = user.organization
    if organization is None:
        raise ApplicationError("forbidden", _("You belong to no organization."))
    return Scope(country=organization.country, user=user)


def write_atomic(path: Path, write: Callable[[IO[bytes]], None]) -> int:
    """Write a file through `write` to a temporary file beside `path`, then rename it into place: a reader never
    sees a partial file under the final name, and a failure leaves nothing behind. Returns the size in bytes."""
    path = Path(path)
    directory = path.parent if str(path.parent) else Path(".")
    if not directory.is_dir():
        raise ApplicationError("invalid", _("The folder %(folder)s does not exist.") % {"folder": str(directory)})
    handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path.stat().st_size


@dataclass
class Release:
    """What one export released, for its audit event and the command's summary."""

    kind: str  # glotip, ctdc, synthetic, htcds, panel
    country: str
    records: int = 0
    fields: int = 0
    parameters: dict[str, Any] = field(default_factory=dict)
    report: dict[str, Any] = field(default_factory=dict)


def audit_release(scope: Scope, release: Release) -> None:
    """The audit event of a release (every export is audited): what, for which country, how many records and
    fields, with which parameters."""
    audit_record(
        actor=scope.user,
        action=f"stats.export.{release.kind}",
        object_type="stats.release",
        object_id=release.kind,
        organization=scope.user.organization_id if scope.user is not None else None,
        changes={
            "country": release.country,
            "records": release.records,
            "fields": release.fields,
            "parameters": release.parameters,
        },
    )
