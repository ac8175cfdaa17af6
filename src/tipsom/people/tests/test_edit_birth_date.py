"""The person edit form: one field for a new birth date or an age (empty keeps the recorded one, which the form never
shows: it is identifying), and searchable pickers instead of Ctrl-click lists."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tipsom.accounts.testing import sign_in
from tipsom.people.models import Person
from tipsom.people.services import person_create

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(case_manager: Any) -> Person:
    return person_create(
        actor=case_manager,
        organization=case_manager.organization,
        names=[{"name": "Olena Kovalenko"}],
        gender="Feminine",
        citizenships=["UA"],
        birth_date="1999-04-03",
        birth_date_precision="exact",
    )


def _payload(person: Person, **overrides: Any) -> dict[str, Any]:
    data = {"gender": "Feminine", "citizenships": ["UA"], "education": person.education, "version": person.version}
    return {**data, **overrides}


def test_the_form_shows_pickers_and_never_the_recorded_birth_date(case_manager, person):
    html = sign_in(Client(), case_manager).get(reverse("people:edit", kwargs={"pk": person.pk})).content.decode()
    assert re.search(r'<select name="citizenships"[^>]*data-picker', html)
    assert re.search(r'<select name="languages"[^>]*data-picker', html)
    assert 'name="birth_date"' in html and "1999" not in html
    assert "Ctrl" not in html and "---------" not in html


def test_empty_keeps_the_birth_date_and_an_age_replaces_it(case_manager, person):
    client = sign_in(Client(), case_manager)
    url = reverse("people:edit", kwargs={"pk": person.pk})
    assert client.post(url, _payload(person, birth_date="")).status_code == 302
    person.refresh_from_db()
    assert (person.birth_date, person.birth_date_precision) == ("1999-04-03", "exact")
    assert client.post(url, _payload(person, birth_date="about 16")).status_code == 302
    person.refresh_from_db()
    assert person.birth_date == str(timezone.localdate().year - 16) and person.birth_date_precision == "estimated"


@pytest.mark.parametrize(("typed", "message"), [("2999", "future"), ("200 years", "over 120"), ("soon", "Not a")])
def test_a_bad_birth_date_is_refused_and_changes_nothing(case_manager, person, typed, message):
    response = sign_in(Client(), case_manager).post(
        reverse("people:edit", kwargs={"pk": person.pk}), _payload(person, birth_date=typed)
    )
    assert response.status_code == 400 and message in " ".join(response.context["form"].errors["birth_date"])
    person.refresh_from_db()
    assert (person.birth_date, person.version) == ("1999-04-03", 1)
