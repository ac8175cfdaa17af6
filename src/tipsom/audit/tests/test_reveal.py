"""The one reveal service (audit/reveal.py): a reason is required and follows the text rule, the event is
written with the values withheld, and a refused reveal writes nothing (it is one transaction)."""

from __future__ import annotations

from typing import Any

import pytest

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.audit.reveal import identifying_reveal, reveal_reason
from tipsom.core.errors import ApplicationError
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def target(db: Any) -> Any:
    return make_user(make_organization("BR"), phone="+5565988776655")


@pytest.mark.parametrize("reason", ["", "why", "To call \u202eback", "To call\x1b back"])
def test_a_missing_short_or_spoofed_reason_is_refused_and_nothing_is_written(target: Any, reason: str) -> None:
    count = AuditEvent.objects.count()
    with pytest.raises(ApplicationError) as raised:
        identifying_reveal(actor=target, target=target, fields=["phone"], reason=reason)
    assert raised.value.extra["field"] == "reason"
    assert AuditEvent.objects.count() == count


def test_a_reveal_is_audited_with_the_reason_never_the_value(target: Any) -> None:
    shown = identifying_reveal(actor=target, target=target, fields=["phone"], reason="  To call   her back ")
    assert shown == {"phone": "+5565988776655"}
    event = AuditEvent.objects.filter(action="reveal").latest("created_at")
    assert event.reason == "To call her back" and event.changes == {"fields": ["phone"]}
    assert "+5565988776655" not in str(event.changes)


def test_only_identifying_fields_can_be_revealed(target: Any) -> None:
    with pytest.raises(ApplicationError):
        identifying_reveal(actor=target, target=target, fields=["username"], reason="To check the account")


def test_reveal_reason_tidies_spaces() -> None:
    assert reveal_reason(" a\tlong\n  reason ") == "a long reason"
