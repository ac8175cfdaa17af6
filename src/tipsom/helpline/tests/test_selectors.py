"""The helpline's reads: the queue's order, callbacks due, an operator's own work, situations and repeat callers,
the case page's contacts, blocked numbers; and the number of queries of the queue and the list, which must not
grow with the rows (no N+1)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tipsom.cases.testing import make_case
from tipsom.helpline import selectors, services
from tipsom.helpline.models import Contact
from tipsom.helpline.testing import (
    BRICK_KILN_CALL,
    make_blocked_number,
    make_callback,
    make_contact,
    make_helpline,
    make_operator,
    make_review,
)
from tipsom.helpline.widgets import helpline_work_widget

CALLBACK: dict[str, Any] = {"callback_consent": True, "callback_number": "0301 7654321"}


def test_the_queue_puts_immediate_danger_first_then_the_oldest(operator):
    routine = make_contact(actor=operator)
    urgent = make_contact(actor=operator, urgency="urgent")
    danger = make_contact(actor=operator, urgency="emergency")
    closed = make_contact(actor=operator, urgency="emergency")
    services.contact_close(actor=operator, contact_id=closed.pk)
    make_contact(actor=make_operator(make_helpline("PK")), urgency="emergency")  # another helpline's
    queue = list(selectors.contact_queue(user=operator).order_by("queue_rank", "pk"))
    assert queue == [danger, urgent, routine]


def test_callbacks_due_today_the_earliest_first(operator):
    contact = make_contact(actor=operator, **CALLBACK)
    now = timezone.now()
    later = make_callback(contact, actor=operator, due_at=now + datetime.timedelta(minutes=30))
    sooner = make_callback(contact, actor=operator, due_at=now + datetime.timedelta(minutes=5))
    make_callback(contact, actor=operator, due_at=now + datetime.timedelta(days=2))
    due = list(selectors.callbacks_due(user=operator, until=now + datetime.timedelta(hours=1)))
    assert due == [sooner, later]
    services.callback_complete(actor=operator, callback_id=sooner.pk, outcome="reached")
    assert list(selectors.callbacks_due(user=operator, until=now + datetime.timedelta(hours=1))) == [later]
    assert not list(selectors.callbacks_due(user=make_operator(make_helpline("PK"))))


def test_the_operator_s_widget_shows_their_contacts_and_callbacks(operator):
    mine = make_contact(actor=operator, urgency="emergency", **CALLBACK)
    make_contact(actor=operator)  # nobody's
    services.contact_assign(actor=operator, contact_id=mine.pk, assignee_id=operator.pk)
    callback = make_callback(mine, actor=operator, due_at=timezone.now() + datetime.timedelta(minutes=10))
    widget = helpline_work_widget(operator)
    assert widget is not None and widget["work"]
    assert widget["contacts"] == [mine] and widget["callbacks"] == [callback]
    from tipsom.accounts.testing import make_user

    assert helpline_work_widget(make_user(operator.organization, roles=("case_manager",))) is None


def test_situation_and_same_number(operator):
    first = make_contact(actor=operator, caller_number="0300 1234567")
    second = make_contact(actor=operator, caller_number="+92 300 1234567", channel="whatsapp")
    other = make_contact(actor=operator, caller_number="0300 7777777")
    assert selectors.same_number_contacts(user=operator, contact=first) == [second]
    assert selectors.same_number_contacts(user=operator, contact=other) == []
    services.contact_situation_link(actor=operator, contact_id=second.pk, other=other.reference)
    other.refresh_from_db()
    assert selectors.situation_contacts(user=operator, contact=other) == [second]
    assert selectors.situation_contacts(user=operator, contact=first) == []


def test_the_case_page_lists_the_case_s_contacts(operator):
    case = make_case(operator.organization)
    contact = make_contact(actor=operator)
    make_contact(actor=operator)
    services.contact_case_link(actor=operator, contact_id=contact.pk, case=case.case_number)
    assert selectors.contacts_of_case(case=case) == [contact]


def test_blocked_numbers_are_found_by_their_index_while_in_force(helpline):
    make_blocked_number(helpline, "0300 1112233")
    from tipsom.helpline.numbers import number_index

    index = number_index("+923001112233", "PK")
    assert selectors.number_blocked(organization_id=helpline.pk, index=index) is not None
    assert selectors.number_blocked(organization_id=make_helpline("PK").pk, index=index) is None
    later = timezone.now() + datetime.timedelta(days=2)
    assert selectors.number_blocked(organization_id=helpline.pk, index=index, now=later) is None


def test_a_review_belongs_to_its_contact_s_helpline(operator, supervisor):
    review = make_review(make_contact(actor=operator), reviewer=supervisor)
    assert review.owner_organization_id == operator.organization_id
    assert list(type(review).objects.restrict(supervisor, "view")) == [review]
    assert not type(review).objects.restrict(operator, "view").exists()


def test_the_emergency_pathway_comes_from_the_country_s_pathways(operator):
    from tipsom.organizations.testing import make_organization
    from tipsom.referrals.models import Pathway
    from tipsom.referrals.testing import make_service

    agency = make_organization("PK", functions=["child_protection"])
    service = make_service(agency, "child_protection", name="Child protection unit")
    Pathway.objects.create(country="PK", name="Child victims", child="yes", service_types=["child_protection"])
    contact = make_contact(actor=operator, **{**BRICK_KILN_CALL, "urgency": "emergency"})
    pathway = selectors.emergency_pathway(user=operator, contact=contact)
    assert pathway["hours"] > 0
    assert pathway["suggestions"][0]["reason"] == "Child victims"
    assert pathway["suggestions"][0]["services"] == [service]


def _queries(client, url: str) -> int:
    # A first request moves the session's expiry if it is due (core.sessions: at most once per REFRESH_SECONDS), so
    # that the measured one counts the page's own queries, whatever time the set-up took.
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def test_the_queue_and_the_list_cost_the_same_queries_for_3_or_30_contacts(operator, operator_client):
    for _ in range(3):
        contact = make_contact(actor=operator, urgency="urgent", **CALLBACK)
        services.contact_assign(actor=operator, contact_id=contact.pk, assignee_id=operator.pk)
        make_callback(contact, actor=operator, due_at=timezone.now() + datetime.timedelta(minutes=5))
    urls = [reverse("helpline:queue"), reverse("helpline:list"), reverse("api:helpline-contact-list")]
    urls.append(reverse("api:helpline-contact-queue"))
    few = [_queries(operator_client, url) for url in urls]
    for _ in range(27):
        contact = make_contact(actor=operator, urgency="emergency", **CALLBACK)
        services.contact_assign(actor=operator, contact_id=contact.pk, assignee_id=operator.pk)
        make_callback(contact, actor=operator, due_at=timezone.now() + datetime.timedelta(minutes=5))
    many = [_queries(operator_client, url) for url in urls]
    assert many == few, (few, many)
    assert max(many) <= 16, many
    assert Contact.objects.count() == 30
