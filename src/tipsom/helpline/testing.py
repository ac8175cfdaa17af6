"""Test factories of the helpline app, shared by its tests and the apps above (quality review, blocked numbers,
statistics, demo data, the benchmark): helplines, their operators and supervisors, contacts recorded through
helpline.services (so every rule applies), callbacks, reviews and blocked numbers."""

from __future__ import annotations

import datetime
import itertools
from typing import Any

from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.helpline.models import BlockedNumber, Callback, Contact, ContactReview
from tipsom.helpline.numbers import number_index
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization

_counter = itertools.count(1)

# Done-when 1 of issue 14: a Pakistani helpline takes a call in Urdu from a father about his son held in a brick
# kiln, with a safe number to call back on. The tests and the demo data reuse it.
BRICK_KILN_CALL: dict[str, Any] = {
    "channel": "phone",
    "direction": "incoming",
    "duration_seconds": 420,
    "contact_type": "victim",
    "caller_role": "family",
    "language": "urd",
    "caller_name": "محمد اسلم",
    "caller_number": "0300 1234567",
    "callback_consent": True,
    "callback_number": "0301 7654321",
    "callback_safe_times": "بعد از مغرب",
    "callback_code_word": "چائے",
    "callback_no_message": True,
    "subject_age_group": "child",
    "subject_gender": "Masculine",
    "subject_count": 1,
    "region": "PK-PB",
    "place": "اینٹوں کا بھٹہ، قصور",
    "summary": "The caller's son, 13, works at a brick kiln to pay a family debt and is not allowed to leave.",
    "acts": ["recruitment", "harbouring"],
    "means_of_control": ["DebtBondage"],
    "exploitation_types": ["ForcedLabour", "ChildLabour"],
    "industries": ["C_Manufacturing"],
    "urgency": "urgent",
}


def make_helpline(country: str = "PK", **fields: Any) -> Organization:
    """A helpline organization of `country`."""
    number = next(_counter)
    defaults: dict[str, Any] = {
        "name": f"Test helpline {number}",
        "code": f"test-helpline-{number}",
        "type": "NGO",
        "functions": ["helpline"],
    }
    defaults.update(fields)
    return make_organization(country, **defaults)


def make_operator(organization: Organization, **fields: Any) -> User:
    from tipsom.accounts.testing import make_user

    return make_user(organization, roles=("helpline_operator",), **fields)


def make_supervisor(organization: Organization, **fields: Any) -> User:
    from tipsom.accounts.testing import make_user

    return make_user(organization, roles=("helpline_supervisor",), **fields)


def make_contact(organization: Organization | None = None, *, actor: User | None = None, **fields: Any) -> Contact:
    """A contact recorded through helpline.services.contact_create by `actor` (or a new operator of
    `organization`, a new Pakistani helpline by default): a phone call about a possible victim unless `fields` say
    otherwise (BRICK_KILN_CALL is a full one)."""
    from tipsom.helpline.services import contact_create

    if actor is None:
        actor = make_operator(organization or make_helpline())
    data: dict[str, Any] = {"contact_type": "victim", "caller_role": "third_party", **fields}
    return contact_create(actor=actor, **data)


def make_callback(
    contact: Contact, *, actor: User | None = None, due_at: datetime.datetime | None = None, **fields: Any
) -> Callback:
    """A callback of a contact whose caller agreed to one, due in an hour unless `due_at` says otherwise."""
    from tipsom.helpline.services import callback_schedule

    actor = actor or make_operator(contact.owner_organization)
    return callback_schedule(
        actor=actor, contact_id=contact.pk, due_at=due_at or timezone.now() + datetime.timedelta(hours=1), **fields
    )


def make_review(contact: Contact, *, reviewer: User | None = None, **fields: Any) -> ContactReview:
    """A quality review of a contact (plain creation: the review screens come later)."""
    defaults: dict[str, Any] = {"score": 4, "criteria": {"greeting": True, "screening": True}}
    defaults.update(fields)
    return ContactReview.objects.create(
        contact=contact,
        owner_organization_id=contact.owner_organization_id,
        country=contact.country,
        created_by=reviewer,
        **defaults,
    )


def make_blocked_number(
    organization: Organization, number: str = "+923001112233", *, hours: int = 24, **fields: Any
) -> BlockedNumber:
    """A number blocked at a helpline for `hours` (plain creation: the blocking screens come later)."""
    defaults: dict[str, Any] = {"reason": "abuse", "until": timezone.now() + datetime.timedelta(hours=hours)}
    defaults.update(fields)
    return BlockedNumber.objects.create(
        owner_organization=organization,
        country=organization.country,
        number=number,
        number_index=number_index(number, organization.country),
        **defaults,
    )
