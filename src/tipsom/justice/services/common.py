"""What every justice service shares: fetching a criminal case to work on, references, and the checks of
organizations and legal provisions. One way of doing each; the services of each part use these."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tipsom.accounts.models import User
from tipsom.core import validation as check
from tipsom.core.permissions import access_by_id
from tipsom.justice.models import CriminalCase, LegalProvision, NumberCounter
from tipsom.organizations.models import Organization

STALE = gettext_noop(
    "Someone else changed this criminal case after you opened it. Reload it and apply your change again."
)
KIND_CRIMINAL_CASE = "CC"
KIND_INCIDENT = "SI"


def reference_next(country: str, year: int, kind: str) -> str:
    """The next reference of a kind of record in a country and year, e.g. BR-CC-2026-000001 (the counter row
    stays locked until the transaction ends)."""
    counter, _created = NumberCounter.objects.select_for_update().get_or_create(country=country, year=year, kind=kind)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{country}-{kind}-{year}-{counter.last:06d}"


def criminal_case_for(actor: User, criminal_case: Any, action: str = "change") -> CriminalCase:
    """The criminal case (a record or its id) as the actor may `action` it: NotFound when missing or out of
    scope, the same answer. Services call it first, so a write outside the actor's cases changes nothing."""
    pk = criminal_case.pk if isinstance(criminal_case, CriminalCase) else criminal_case
    return access_by_id(CriminalCase, actor, pk, action)


def organization_of_country(
    errors: check.Errors, field: str, value: Any, country: str, *, required: bool = False
) -> Organization | None:
    """An organization of the case's country (an investigating unit, a prosecution office, a court), or an error
    on the field. Any organization of the country may be named; naming it lets it see the case."""
    if value in (None, ""):
        if required:
            errors[field] = _("This field is required.")
        return None
    organization = Organization.objects.filter(pk=check.pk_of(value), country=country, is_active=True).first()
    if organization is None:
        errors[field] = _("Choose an active organization of the case's country.")
        return None
    return organization


def provision_of_country(
    errors: check.Errors, field: str, value: Any, country: str, *, required: bool = True
) -> LegalProvision | None:
    """A legal provision of the case's country: a provision of another country is refused with a clear error."""
    if value in (None, ""):
        if required:
            errors[field] = _("This field is required.")
        return None
    provision = LegalProvision.objects.filter(pk=check.pk_of(value)).first()
    if provision is None:
        errors[field] = _("Choose a legal provision of the case's country.")
        return None
    if provision.country != country:
        errors[field] = _("This legal provision is another country's law: choose one of the case's country.")
        return None
    return provision
