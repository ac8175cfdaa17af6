"""The roster screens and API as a user meets them: the summary and masked rows, adding a person (and being told
they attended before), bad input shown on the form with nothing saved, the import's bad lines, the reveal."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.organizations.testing import make_organization
from tipsom.programme.models import Attendance, Participant
from tipsom.programme.testing import make_activity, make_attendance, make_participant

pytestmark = pytest.mark.django_db
REASON = "to call the trainees about the follow-up course"


@pytest.fixture
def world() -> dict[str, Any]:
    org = make_organization("CO", region="CO-ANT")
    officer = make_user(org, roles=("me_officer",))
    activity = make_activity(org, title="Taller ICBF")
    make_attendance(
        activity,
        make_participant("CO", name="Rosa Quintero", sex="female", sector="family_defenders"),
        pre_score=40,
        post_score=80,
        satisfaction=5,
        attendance_percent=100,
    )
    make_attendance(
        activity,
        make_participant("CO", name="Pedro Ruiz", sex="male", sector="police"),
        pre_score=60,
        post_score=70,
        satisfaction=4,
        attendance_percent=50,
    )
    return {"org": org, "officer": officer, "activity": activity, "client": sign_in(Client(), officer)}


def test_roster_shows_the_summary_and_masked_names(world: dict[str, Any]) -> None:
    response = world["client"].get(reverse("programme:roster", args=[world["activity"].pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Rosa Quintero" not in page and "Pedro Ruiz" not in page
    assert "2 participants" in page
    assert "Family defenders" in page and "Police" in page
    assert "25.0" in page  # the mean gain: (40 + 10) / 2
    assert reverse("programme:roster_reveal", args=[world["activity"].pk]) in page


def test_add_tells_a_person_attended_before(world: dict[str, Any]) -> None:
    other = make_activity(world["org"], title="Segundo taller")
    url = reverse("programme:roster_add", args=[other.pk])
    response = world["client"].post(
        url, {"name": "QUINTERO Rosa", "sex": "female", "sector": "family_defenders"}, follow=True
    )
    assert "Already registered, attended 1 other activity" in response.content.decode()
    assert Participant.objects.count() == 2


def test_add_shows_bad_input_and_saves_nothing(world: dict[str, Any]) -> None:
    url = reverse("programme:roster_add", args=[world["activity"].pk])
    before = Attendance.objects.count()
    response = world["client"].post(
        url,
        {
            "name": "Nueva Persona",
            "sex": "female",
            "sector": "police",
            "post_test_on": "2018-01-01",
            "satisfaction": "9",
        },
    )
    page = response.content.decode()
    assert response.status_code == 400
    assert "The post-test cannot be dated before the activity started" in page
    assert "Enter a satisfaction from 1 to 5." in page
    assert Attendance.objects.count() == before and Participant.objects.count() == 2
    response = world["client"].post(url, {"name": "Rosa Quintero", "sex": "female", "sector": "police"})
    assert response.status_code == 400 and "already on the roster" in response.content.decode()


def test_import_names_the_bad_lines(world: dict[str, Any]) -> None:
    url = reverse("programme:roster_import", args=[world["activity"].pk])
    content = b"name,sex,sector,pre_score\nAna Uno,female,police,50\nBeto Dos,male,police,500\n"
    response = world["client"].post(url, {"file": SimpleUploadedFile("r.csv", content, "text/csv")})
    page = response.content.decode()
    assert response.status_code == 400
    assert "Nothing was imported" in page and "<td>3</td>" in page and "Enter a score from 0 to 100." in page
    assert Attendance.objects.count() == 2


def test_reveal_shows_the_names_once_and_audits(world: dict[str, Any]) -> None:
    url = reverse("programme:roster_reveal", args=[world["activity"].pk])
    response = world["client"].post(url, {"reason": "test"})
    assert response.status_code == 400 and "Rosa Quintero" not in response.content.decode()
    response = world["client"].post(url, {"reason": REASON})
    assert "Rosa Quintero" in response.content.decode() and "Pedro Ruiz" in response.content.decode()
    events = AuditEvent.objects.filter(action="programme.participant.reveal")
    assert [event.reason for event in events] == [REASON, REASON]


def test_a_partner_sees_only_its_rosters_and_a_participants_other_activities_stay_hidden(world: dict[str, Any]) -> None:
    partner_org = make_organization("CO")
    partner = sign_in(Client(), make_user(partner_org, roles=("implementing_partner",)))
    own = make_activity(partner_org, title="Taller del socio")
    rosa = Participant.objects.get(sector="family_defenders")
    make_attendance(own, rosa)
    assert partner.get(reverse("programme:roster", args=[world["activity"].pk])).status_code == 404
    page = partner.get(reverse("programme:participant", args=[rosa.pk])).content.decode()
    assert "Taller del socio" in page and "Taller ICBF" not in page


# --- API ----------------------------------------------------------------------------------------------------------
def test_api_bad_input_is_refused_with_the_fields_and_saves_nothing(world: dict[str, Any]) -> None:
    url = reverse("api:programme-roster", args=[world["activity"].pk])
    response = world["client"].post(
        url,
        {"name": "Nueva", "sex": "x", "sector": "police", "pre_score": 101, "attendance_percent": -5},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert set(response.json()["extra"]["fields"]) == {"sex", "pre_score", "attendance_percent"}
    assert Attendance.objects.count() == 2 and Participant.objects.count() == 2
    response = world["client"].post(
        url, {"name": "Nueva", "sector": "police", "colour": "red"}, content_type="application/json"
    )
    assert response.status_code == 400 and "colour" in response.json()["extra"]["fields"]


def test_api_add_by_participant_id_and_patch(world: dict[str, Any]) -> None:
    other = make_activity(world["org"])
    rosa = Participant.objects.get(sector="family_defenders")
    response = world["client"].post(
        reverse("api:programme-roster", args=[other.pk]),
        {"participant_id": rosa.pk, "post_score": "75"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    attendance_id = response.json()["id"]
    assert response.json()["participant"]["activities"] == 2
    response = world["client"].patch(
        reverse("api:programme-attendance", args=[attendance_id]), {"satisfaction": 7}, content_type="application/json"
    )
    assert response.status_code == 400 and "satisfaction" in response.json()["extra"]["fields"]
    assert Attendance.objects.get(pk=attendance_id).satisfaction is None


def test_api_import_errors_name_the_lines(world: dict[str, Any]) -> None:
    url = reverse("api:programme-roster-import", args=[world["activity"].pk])
    content = b"name,sex,sector,satisfaction\nAna Uno,female,police,3\nBeto Dos,male,astronauts,9\n"
    response = world["client"].post(url, {"file": SimpleUploadedFile("r.csv", content, "text/csv")})
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_rows"
    assert {(row["line"], row["field"]) for row in response.json()["extra"]["rows"]} == {
        (3, "sector"),
        (3, "satisfaction"),
    }
    assert Attendance.objects.count() == 2


def test_the_roster_page_and_api_do_not_query_per_row(world: dict[str, Any]) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    activity = world["activity"]
    urls = [reverse("programme:roster", args=[activity.pk]), reverse("api:programme-roster", args=[activity.pk])]

    def counts() -> list[int]:
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert world["client"].get(url).status_code == 200
            result.append(len(queries))
        return result

    before = counts()
    for number in range(4):
        make_attendance(activity, make_participant("CO", organization=world["org"], region="CO-ANT"), pre_score=number)
    assert counts() == before
