"""The daily digest: overdue referrals of the user's organization (sent or received) for those who may change
referrals, and each user's own tasks past their date; nobody else, and no names."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.cases.models import Task
from tipsom.cases.testing import make_case
from tipsom.notifications.services import digest_send
from tipsom.organizations.testing import make_organization
from tipsom.referrals.testing import make_referral

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
PAST, FUTURE = NOW - timedelta(hours=3), NOW + timedelta(hours=3)


@pytest.fixture
def world(db: Any) -> dict[str, Any]:
    owner, receiver, sender, bystander = (make_organization("BR") for _ in range(4))
    cases = [make_case(owner) for _ in range(7)]
    people = {
        "receiver_cm": make_user(receiver, roles=("case_manager",), email="r-cm@example.org"),
        "receiver_helpline": make_user(receiver, roles=("me_officer",), email="r-hl@example.org"),
        "receiver_no_email": make_user(receiver, roles=("case_manager",)),
        "receiver_inactive": make_user(receiver, roles=("case_manager",), email="r-x@example.org", is_active=False),
        "sender_cm": make_user(sender, roles=("frontline_identifier",), email="s-fi@example.org"),
        "bystander_cm": make_user(bystander, roles=("case_manager",), email="b-cm@example.org"),
        "owner_cm": make_user(owner, roles=("case_manager",), email="o-cm@example.org"),
    }
    referrals = {
        "late_answer": make_referral(cases[0], sender, receiver, due_at=PAST),
        "in_time": make_referral(cases[1], sender, receiver, due_at=FUTURE),
        "accepted_overdue": make_referral(cases[2], sender, receiver, due_at=PAST, state="accepted", overdue=True),
        "completed_overdue": make_referral(cases[3], sender, receiver, due_at=PAST, state="completed", overdue=True),
        "declined_late": make_referral(cases[4], sender, receiver, due_at=PAST, state="declined"),
    }
    today = date(2026, 11, 23)
    tasks = {
        "late": Task.objects.create(
            case=cases[5], title="Call Maria", due_on=today - timedelta(days=2), assigned_to=people["owner_cm"]
        ),
        "late_helpline": Task.objects.create(
            case=cases[6], title="Visit", due_on=today - timedelta(days=1), assigned_to=people["receiver_helpline"]
        ),
        "today": Task.objects.create(case=cases[6], title="x", due_on=today, assigned_to=people["bystander_cm"]),
        "done": Task.objects.create(
            case=cases[6], title="x", due_on=today - timedelta(days=5), assigned_to=people["bystander_cm"], done_at=NOW
        ),
    }
    return {"cases": cases, "people": people, "referrals": referrals, "tasks": tasks}


def _emails() -> dict[str, str]:
    return {message.to[0]: f"{message.subject}\n{message.body}" for message in mail.outbox}


def test_the_digest_reaches_exactly_the_users_with_overdue_items(world: dict[str, Any]) -> None:
    cases = world["cases"]
    sent = digest_send(now=NOW)
    emails = _emails()
    assert sorted(emails) == ["o-cm@example.org", "r-cm@example.org", "r-hl@example.org", "s-fi@example.org"]
    assert sent == 4
    for address in ("r-cm@example.org", "s-fi@example.org"):  # receiver and sender both see the late referrals
        body = emails[address]
        assert cases[0].case_number in body and cases[2].case_number in body
        assert cases[1].case_number not in body and cases[3].case_number not in body
        assert cases[4].case_number not in body
        assert "Shelter" in body
    assert "sent by your organization" in emails["s-fi@example.org"]
    assert "sent by your organization" not in emails["r-cm@example.org"]
    # Tasks go to their assignee only, whatever their role; only those past their date and not done.
    assert cases[5].case_number in emails["o-cm@example.org"]
    assert cases[0].case_number not in emails["o-cm@example.org"]
    assert cases[6].case_number in emails["r-hl@example.org"]
    assert cases[0].case_number not in emails["r-hl@example.org"]
    assert not any("Maria" in body or "Call" in body for body in emails.values())  # no names, no task titles


def test_the_digest_is_audited_with_its_count(world: dict[str, Any]) -> None:
    digest_send(now=NOW)
    event = AuditEvent.objects.get(action="notifications.digest")
    assert event.actor is None and event.changes["emails"] == 4


def test_nothing_overdue_sends_nothing(db: Any) -> None:
    make_user(make_organization("BR"), roles=("case_manager",), email="cm@example.org")
    assert digest_send(now=NOW) == 0
    assert mail.outbox == []
    assert AuditEvent.objects.get(action="notifications.digest").changes["emails"] == 0


def test_the_digest_is_written_in_the_readers_language(world: dict[str, Any]) -> None:
    user = world["people"]["owner_cm"]
    user.preferred_language = "fr"
    user.save(update_fields=["preferred_language"])
    digest_send(now=NOW)
    assert "23/11/2026" not in _emails()["r-cm@example.org"]  # English dates
    assert "21/11/2026" in _emails()["o-cm@example.org"]  # French dates for the French reader


def test_the_command_sends_and_reports(world: dict[str, Any], capsys: Any) -> None:
    call_command("notifications", "digest")
    assert "Digest sent:" in capsys.readouterr().out
    assert AuditEvent.objects.filter(action="notifications.digest").count() == 1


@pytest.mark.parametrize("arguments", [(), ("bogus",), ("digest", "--days", "3")])
def test_the_command_refuses_bad_arguments(db: Any, arguments: tuple[str, ...]) -> None:
    with pytest.raises(CommandError):
        call_command("notifications", *arguments)
    assert not AuditEvent.objects.filter(action="notifications.digest").exists()
