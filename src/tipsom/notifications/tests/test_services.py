"""notify, notify_organization and marking read: rows, recipients, emails after commit, own inbox only."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction

from tipsom.accounts.testing import make_user
from tipsom.core.errors import NotFound
from tipsom.notifications import services
from tipsom.notifications.models import Notification
from tipsom.notifications.tests.helpers import CASE_NUMBER, make_notification
from tipsom.organizations.testing import make_organization

PARAMS = {"service_type": "shelter", "case_number": CASE_NUMBER, "organization": "Casa Abrigo"}


class FailingBackend(BaseEmailBackend):
    """A mail server that refuses everything."""

    def send_messages(self, email_messages: Any) -> int:
        raise ConnectionRefusedError("mail server down")


@pytest.fixture
def org(db: Any) -> Any:
    return make_organization("BR")


def test_notify_creates_one_row_per_active_user_and_emails_after_commit(
    org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    reader = make_user(org, email="reader@example.org")
    silent = make_user(org)  # no email address: a row, no email
    gone = make_user(org, email="gone@example.org", is_active=False)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        created = services.notify(
            users=[reader, reader.pk, silent, gone], kind="referral_accepted", params=PARAMS, link="/referrals/1/"
        )
        assert mail.outbox == []  # nothing leaves before the commit
    assert len(callbacks) == 1
    assert sorted(n.user_id for n in created) == sorted([reader.pk, silent.pk])
    assert Notification.objects.count() == 2
    assert [message.to for message in mail.outbox] == [["reader@example.org"]]
    email = mail.outbox[0]
    assert CASE_NUMBER in email.subject and "Shelter" in email.body and "/referrals/1/" in email.body
    emailed = dict(Notification.objects.values_list("user_id", "emailed_at"))
    assert emailed[reader.pk] is not None and emailed[silent.pk] is None


def test_emails_go_in_the_readers_language(org: Any, django_capture_on_commit_callbacks: Any) -> None:
    make_user(org, email="fr@example.org", preferred_language="fr")
    make_user(org, email="en@example.org")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            users=org.users.all(), kind="referral_from_abroad", params={"country": "DE", "service_type": "medical"}
        )
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "Allemagne" in bodies["fr@example.org"] and "Germany" in bodies["en@example.org"]


def test_brazilian_readers_get_brazilian_country_names(org: Any, django_capture_on_commit_callbacks: Any) -> None:
    make_user(org, email="br@example.org", preferred_language="pt-br")
    make_user(org, email="pt@example.org", preferred_language="pt")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            users=org.users.all(), kind="referral_from_abroad", params={"country": "IR", "service_type": "medical"}
        )
    bodies = {message.to[0]: message.body for message in mail.outbox}
    assert "(Irã)" in bodies["br@example.org"], bodies["br@example.org"]
    assert "Irão" in bodies["pt@example.org"] and "Irão" not in bodies["br@example.org"]


def test_a_rolled_back_change_leaves_no_notification_and_sends_nothing(
    org: Any, django_capture_on_commit_callbacks: Any
) -> None:
    reader = make_user(org, email="reader@example.org")
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):  # noqa: PT012
        with transaction.atomic():
            services.notify(users=[reader], kind="referral_accepted", params=PARAMS)
            raise RuntimeError("the referral service failed after notifying")
    assert Notification.objects.count() == 0
    assert mail.outbox == []


@pytest.mark.parametrize(
    ("kind", "params", "link"),
    [
        ("no_such_kind", PARAMS, ""),
        ("referral_accepted", {"case_number": {"nested": "value"}}, ""),
        ("referral_accepted", PARAMS, "https://elsewhere.example/"),
        ("referral_accepted", PARAMS, "//elsewhere.example/"),
        ("referral_accepted", PARAMS, "/" + "x" * 300),
    ],
)
def test_programming_errors_raise_and_write_nothing(org: Any, kind: str, params: Any, link: str) -> None:
    reader = make_user(org, email="reader@example.org")
    with pytest.raises(ValueError):
        services.notify(users=[reader], kind=kind, params=params, link=link)
    assert Notification.objects.count() == 0


def test_an_email_failure_is_logged_and_breaks_nothing(
    org: Any, settings: Any, caplog: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    reader = make_user(org, email="reader@example.org")
    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        created = services.notify(users=[reader], kind="referral_accepted", params=PARAMS)
    notification = Notification.objects.get()
    assert notification.pk == created[0].pk and notification.emailed_at is None
    assert any("notification email failed" in record.getMessage() for record in caplog.records)
    assert "reader@example.org" not in caplog.text  # logs name the notification, never the address


# notify_organization ------------------------------------------------------------------------------------------


def test_notify_organization_reaches_only_its_active_users_who_may_change_referrals(
    org: Any, django_capture_on_commit_callbacks: Any, django_assert_max_num_queries: Any
) -> None:
    permitted = [
        make_user(org, roles=("case_manager",), email="cm@example.org"),
        make_user(org, roles=("frontline_identifier",)),
        make_user(org, roles=("case_supervisor", "case_manager")),  # two roles granting it: one notification
        make_user(org, roles=("child_protection_officer",)),
    ]
    make_user(org, roles=("me_officer",))  # no referral permission
    make_user(org, roles=("national_coordinator",))  # sees referrals nationally, may not change them
    make_user(org, roles=("case_manager",), is_active=False)
    make_user(make_organization("BR"), roles=("case_manager",))  # another organization
    with django_capture_on_commit_callbacks(execute=True), django_assert_max_num_queries(6):
        created = services.notify_organization(
            organization_id=org.pk, kind="referral_received", params=PARAMS, action="change", model="referrals.referral"
        )
    assert sorted(n.user_id for n in created) == sorted(user.pk for user in permitted)
    assert [message.to for message in mail.outbox] == [["cm@example.org"]]


def test_notify_organization_by_role(org: Any) -> None:
    supervisor = make_user(org, roles=("case_supervisor",))
    make_user(org, roles=("case_manager",))
    make_user(make_organization("BR"), roles=("case_supervisor",))
    created = services.notify_organization(
        organization_id=org.pk,
        kind="consent_override",
        params={"case_number": CASE_NUMBER, "service_type": "medical", "user": "ana"},
        roles=["case_supervisor"],
    )
    assert [n.user_id for n in created] == [supervisor.pk]


def test_notify_organization_needs_a_model_or_roles(org: Any) -> None:
    make_user(org, roles=("case_manager",))
    with pytest.raises(ValueError):
        services.notify_organization(organization_id=org.pk, kind="referral_received", params=PARAMS)
    assert Notification.objects.count() == 0


# Marking read -------------------------------------------------------------------------------------------------


def test_a_user_marks_their_own_notification_read_once(org: Any) -> None:
    reader = make_user(org)
    notification = make_notification(reader)
    first = services.notification_mark_read(actor=reader, notification_id=notification.pk)
    assert first.read_at is not None
    again = services.notification_mark_read(actor=reader, notification_id=str(notification.pk))
    assert again.read_at == first.read_at


@pytest.mark.parametrize("bad_id", ["other", "missing", "garbage"])
def test_nobody_marks_someone_elses_notification(org: Any, bad_id: str) -> None:
    owner, colleague = make_user(org, roles=("case_manager",)), make_user(org, roles=("case_manager",))
    notification = make_notification(owner)
    target = {"other": notification.pk, "missing": notification.pk + 1000, "garbage": "1; drop"}[bad_id]
    with pytest.raises(NotFound):
        services.notification_mark_read(actor=colleague, notification_id=target)
    notification.refresh_from_db()
    assert notification.read_at is None


def test_mark_all_read_touches_only_the_actors_unread(org: Any) -> None:
    reader, other = make_user(org), make_user(org)
    mine = [make_notification(reader), make_notification(reader)]
    services.notification_mark_read(actor=reader, notification_id=mine[0].pk)
    theirs = make_notification(other)
    assert services.notifications_mark_all_read(actor=reader) == 1
    assert not Notification.objects.filter(user=reader, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None
