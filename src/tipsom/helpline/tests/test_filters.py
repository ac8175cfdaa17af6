"""The contact list's date filters: a day is the range of times of that day in the deployment's time zone."""

import datetime

import pytest
from django.test import override_settings
from django.utils import timezone

from tipsom.helpline.filters import ContactFilterSet
from tipsom.helpline.models import Contact
from tipsom.helpline.testing import make_contact, make_helpline, make_operator

pytestmark = pytest.mark.django_db


@override_settings(TIME_ZONE="Asia/Karachi")
def test_a_day_is_the_local_day_and_both_ends_are_included():
    helpline = make_helpline()
    operator = make_operator(helpline)
    zone = timezone.get_current_timezone()
    late = make_contact(helpline, actor=operator, started_at=datetime.datetime(2026, 11, 3, 23, 30, tzinfo=zone))
    next_day = make_contact(helpline, actor=operator, started_at=datetime.datetime(2026, 11, 4, 0, 30, tzinfo=zone))
    earlier = make_contact(helpline, actor=operator, started_at=datetime.datetime(2026, 11, 2, 23, 59, tzinfo=zone))

    def found(**data: str) -> set[int]:
        return set(ContactFilterSet(data, queryset=Contact.objects.all()).qs.values_list("pk", flat=True))

    assert found(date_from="2026-11-03", date_to="2026-11-03") == {late.pk}
    assert found(date_from="2026-11-03") == {late.pk, next_day.pk}
    assert found(date_to="2026-11-03") == {late.pk, earlier.pk}
    form = ContactFilterSet({"date_from": "2026-13-45"}, queryset=Contact.objects.all())
    assert not form.is_valid() and "date_from" in form.errors
