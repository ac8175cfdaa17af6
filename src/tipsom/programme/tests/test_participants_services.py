"""Participants and rosters: one person across activities (by user or name keys), the checks that refuse bad
input (nothing saved), the import (all or nothing, bad rows named by line), the audited reveal, the certificate."""

from __future__ import annotations

import datetime
import io
import unicodedata
from decimal import Decimal
from typing import Any

import pytest
from django.utils import timezone
from openpyxl import Workbook
from pypdf import PdfReader

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.organizations.testing import make_organization
from tipsom.programme.models import Attendance, Participant
from tipsom.programme.selectors.participants import roster_summary
from tipsom.programme.services.participants import (
    IMPORT_COLUMNS,
    attendance_add,
    attendance_remove,
    attendance_update,
    certificate_issue,
    participant_register,
    participant_reveal,
    roster_import,
    roster_reveal,
)
from tipsom.programme.testing import make_activity, make_attendance, make_participant

pytestmark = pytest.mark.django_db

REASON = "to print the certificates of the workshop"


@pytest.fixture
def org() -> Any:
    return make_organization("CO", region="CO-ANT")


@pytest.fixture
def officer(org: Any) -> Any:
    return make_user(org, roles=("me_officer",))


@pytest.fixture
def activity(org: Any) -> Any:
    return make_activity(org, start_date=datetime.date(2018, 9, 10), end_date=datetime.date(2018, 9, 11))


def person(**fields: Any) -> dict[str, Any]:
    return {"name": "María José Pérez", "sex": "female", "sector": "family_defenders", **fields}


def test_register_finds_the_same_person_by_name_in_another_order_and_case(officer: Any) -> None:
    first, created = participant_register(actor=officer, country="CO", **person())
    again, created_again = participant_register(actor=officer, country="CO", **person(name="PÉREZ maría josé"))
    assert created and not created_again
    assert again.pk == first.pk
    assert Participant.objects.count() == 1
    assert AuditEvent.objects.filter(action="programme.participant.create").count() == 1
    # Another country's person with the same name is another participant.
    other, created_other = participant_register(
        actor=make_user(make_organization("BR"), roles=("me_officer",)), country="BR", **person()
    )
    assert created_other and other.pk != first.pk


def test_register_finds_the_same_person_by_user(officer: Any, org: Any) -> None:
    trainee = make_user(org, username="defensora1")
    first, _created = participant_register(actor=officer, country="CO", **person(username="defensora1"))
    again, created = participant_register(
        actor=officer, country="CO", **person(name="M. J. Pérez", username="DEFENSORA1")
    )
    assert not created and again.pk == first.pk and again.user == trainee


def test_register_links_the_user_to_a_person_found_by_name(officer: Any, org: Any) -> None:
    trainee = make_user(org, username="defensora2")
    first, _ = participant_register(actor=officer, country="CO", **person())
    again, created = participant_register(actor=officer, country="CO", **person(username="defensora2"))
    assert not created and again.pk == first.pk
    first.refresh_from_db()
    assert first.user == trainee


def test_register_refuses_two_people_of_the_same_name(officer: Any) -> None:
    make_participant("CO", name="Ana Gómez")
    make_participant("CO", name="Ana Gómez")
    with pytest.raises(ApplicationError) as error:
        participant_register(actor=officer, country="CO", **person(name="Ana Gómez"))
    assert error.value.code == "ambiguous"
    assert Participant.objects.count() == 2


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"sex": "woman"}, "sex"),
        ({"sector": "astronauts"}, "sector"),
        ({"sector": ""}, "sector"),
        ({"name": ""}, "name"),
        ({"region": "BR-SP"}, "region"),
        ({"username": "nobody-here"}, "username"),
    ],
)
def test_register_refuses_bad_fields(officer: Any, fields: dict[str, Any], field: str) -> None:
    with pytest.raises(ApplicationError) as error:
        participant_register(actor=officer, country="CO", **person(**fields))
    assert field in error.value.extra["fields"]
    assert Participant.objects.count() == 0


def test_register_refuses_an_organization_or_a_user_of_another_country(officer: Any) -> None:
    brazilian = make_organization("BR")
    make_user(brazilian, username="brasileira")
    with pytest.raises(ApplicationError) as error:
        participant_register(actor=officer, country="CO", **person(organization_id=brazilian.pk, username="brasileira"))
    assert set(error.value.extra["fields"]) == {"organization_id", "username"}
    assert Participant.objects.count() == 0


def test_add_to_roster_with_scores_and_reuse_across_activities(officer: Any, org: Any, activity: Any) -> None:
    attendance = attendance_add(
        actor=officer,
        activity_id=activity.pk,
        participant=person(organization_id=org.pk, region="CO-ANT"),
        scores={
            "pre_score": "55.5",
            "post_score": 80,
            "post_test_on": "2018-09-11",
            "satisfaction": "5",
            "attendance_percent": 100,
        },
    )
    assert attendance.pre_score == Decimal("55.50") and attendance.post_test_on == datetime.date(2018, 9, 11)
    second = make_activity(org)
    again = attendance_add(actor=officer, activity_id=second.pk, participant=person())
    assert again.participant_id == attendance.participant_id
    assert Participant.objects.count() == 1
    assert AuditEvent.objects.filter(action="programme.attendance.create").count() == 2
    # The same person twice on a roster is refused, by details or by number.
    with pytest.raises(ApplicationError) as error:
        attendance_add(actor=officer, activity_id=activity.pk, participant=person(name="perez maria jose"))
    assert error.value.code == "duplicate"
    with pytest.raises(ApplicationError):
        attendance_add(actor=officer, activity_id=activity.pk, participant_id=attendance.participant_id)
    assert Attendance.objects.count() == 2


@pytest.mark.parametrize(
    ("scores", "field"),
    [
        ({"post_test_on": "2018-09-09"}, "post_test_on"),
        ({"pre_score": "101"}, "pre_score"),
        ({"post_score": -1}, "post_score"),
        ({"post_score": "ten"}, "post_score"),
        ({"satisfaction": 6}, "satisfaction"),
        ({"satisfaction": 0}, "satisfaction"),
        ({"attendance_percent": 120}, "attendance_percent"),
    ],
)
def test_add_refuses_bad_scores_and_saves_nothing(
    officer: Any, activity: Any, scores: dict[str, Any], field: str
) -> None:
    with pytest.raises(ApplicationError) as error:
        attendance_add(actor=officer, activity_id=activity.pk, participant=person(), scores=scores)
    assert field in error.value.extra["fields"]
    assert Attendance.objects.count() == 0 and Participant.objects.count() == 0


def test_post_test_before_the_start_is_named(officer: Any, activity: Any) -> None:
    with pytest.raises(ApplicationError) as error:
        attendance_add(
            actor=officer, activity_id=activity.pk, participant=person(), scores={"post_test_on": "2018-01-01"}
        )
    assert "2018-09-10" in error.value.extra["fields"]["post_test_on"]


def test_update_and_remove(officer: Any, activity: Any) -> None:
    attendance = make_attendance(activity, make_participant("CO"))
    attendance_update(actor=officer, attendance_id=attendance.pk, data={"pre_score": "40", "post_score": "70"})
    attendance.refresh_from_db()
    assert attendance.post_score == Decimal("70.00")
    with pytest.raises(ApplicationError):
        attendance_update(actor=officer, attendance_id=attendance.pk, data={"post_score": "170"})
    with pytest.raises(ApplicationError):
        attendance_update(actor=officer, attendance_id=attendance.pk, data={"certificate_number": "X"})
    attendance.refresh_from_db()
    assert attendance.post_score == Decimal("70.00")
    attendance_remove(actor=officer, attendance_id=attendance.pk)
    assert not Attendance.objects.filter(pk=attendance.pk).exists()
    assert AuditEvent.objects.filter(action="programme.attendance.delete").count() == 1


def test_a_partner_changes_only_its_own_rosters_and_a_manager_none(org: Any, activity: Any) -> None:
    partner_org = make_organization("CO")
    partner = make_user(partner_org, roles=("implementing_partner",))
    with pytest.raises(NotFound):
        attendance_add(actor=partner, activity_id=activity.pk, participant=person())
    own = make_activity(partner_org)
    assert attendance_add(actor=partner, activity_id=own.pk, participant=person()).activity == own
    manager = make_user(make_organization("GB"), roles=("programme_manager",))
    with pytest.raises(NotFound):
        attendance_add(actor=manager, activity_id=own.pk, participant=person(name="Otra Persona"))


def test_summary(activity: Any) -> None:
    make_attendance(
        activity,
        make_participant("CO", sex="female", sector="police"),
        pre_score=40,
        post_score=80,
        satisfaction=4,
        attendance_percent=100,
    )
    make_attendance(
        activity,
        make_participant("CO", sex="male", sector="police"),
        pre_score=60,
        post_score=70,
        satisfaction=5,
        attendance_percent=50,
    )
    make_attendance(activity, make_participant("CO", sex="female", sector="judges"), post_score=90)
    summary = roster_summary(activity)
    assert summary.total == 3
    assert summary.by_sex == {"female": 2, "male": 1}
    assert summary.by_sector == {"police": 2, "judges": 1}
    assert summary.mean_pre == Decimal("50.0")
    assert summary.mean_post == Decimal("80.0")
    assert summary.mean_gain == Decimal("25.0")
    assert summary.mean_satisfaction == Decimal("4.5")
    assert summary.mean_attendance == Decimal("75.0")


def test_reveal_needs_a_reason_and_is_audited(officer: Any, activity: Any) -> None:
    participant = make_participant("CO", name="Lucía Fernández")
    make_attendance(activity, participant)
    with pytest.raises(ApplicationError):
        participant_reveal(actor=officer, participant_id=participant.pk, reason="")
    shown = participant_reveal(actor=officer, participant_id=participant.pk, reason=REASON)
    assert shown["name"] == "Lucía Fernández"
    event = AuditEvent.objects.get(action="programme.participant.reveal")
    assert event.reason == REASON and "Lucía" not in str(event.changes)
    names = roster_reveal(actor=officer, activity_id=activity.pk, reason=REASON)
    assert names[participant.pk]["name"] == "Lucía Fernández"
    manager = make_user(make_organization("GB"), roles=("programme_manager",))
    with pytest.raises(NotFound):
        participant_reveal(actor=manager, participant_id=participant.pk, reason=REASON)
    with pytest.raises(NotFound):
        roster_reveal(actor=manager, activity_id=activity.pk, reason=REASON)


def _text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_certificate_names_the_person_and_the_activity_and_gets_a_number(officer: Any, activity: Any) -> None:
    attendance = make_attendance(activity, make_participant("CO", name="Lucía Fernández"), attendance_percent=90)
    pdf = certificate_issue(actor=officer, attendance_id=attendance.pk)
    text = _text(pdf)
    assert "Lucía Fernández" in text and activity.title in text
    attendance.refresh_from_db()
    assert attendance.certificate_number == f"{activity.reference}-01"
    assert attendance.certified_on is not None
    assert attendance.certificate_number in text
    second = make_attendance(activity, make_participant("CO"))
    certificate_issue(actor=officer, attendance_id=second.pk)
    certificate_issue(actor=officer, attendance_id=attendance.pk)  # again: the same number
    second.refresh_from_db()
    attendance.refresh_from_db()
    assert second.certificate_number == f"{activity.reference}-02"
    assert attendance.certificate_number == f"{activity.reference}-01"
    assert AuditEvent.objects.filter(action="programme.certificate.issue").count() == 3


def test_certificate_with_an_arabic_name(officer: Any) -> None:
    morocco = make_organization("MA")
    user = make_user(morocco, roles=("me_officer",))
    activity = make_activity(morocco, title="Atelier sur la loi 27-14")
    attendance = make_attendance(activity, make_participant("MA", name="فاطمة الزهراء"))
    text = _text(certificate_issue(actor=user, attendance_id=attendance.pk))
    assert "Atelier sur la loi 27-14" in text
    # The shaped Arabic reads back letter by letter once the extractor's control characters are dropped (its
    # words come in the visual order, right to left).
    letters = "".join(char for char in text if unicodedata.category(char) != "Cc")
    assert "فاطمة" in letters and "الزهراء" in letters
    assert officer.organization.country == "CO"
    with pytest.raises(NotFound):  # another country's officer
        certificate_issue(actor=officer, attendance_id=attendance.pk)


def test_certificate_waits_for_the_end_of_the_activity(officer: Any, org: Any) -> None:
    today = timezone.localdate()
    activity = make_activity(org, start_date=today, end_date=today + datetime.timedelta(days=3))
    attendance = make_attendance(activity, make_participant("CO"))
    with pytest.raises(ApplicationError) as error:
        certificate_issue(actor=officer, attendance_id=attendance.pk)
    assert error.value.code == "not_ended"
    attendance.refresh_from_db()
    assert attendance.certificate_number == ""


# --- import -------------------------------------------------------------------------------------------------------
HEADER = ",".join(IMPORT_COLUMNS)


def test_import_csv(officer: Any, org: Any, activity: Any) -> None:
    known = make_participant("CO", name="Ana Gómez")
    content = "\n".join(
        [
            HEADER,
            f"María José Pérez,,female,family_defenders,{org.code},,CO-ANT,,50,75,2018-09-11,4,100",
            "Ana Gómez,,female,police,,Policía,,,,,,,",
            "Олег Петров,Oleg Petrov,male,judges,,,,,10,20,,3,80",
        ]
    ).encode()
    result = roster_import(actor=officer, activity_id=activity.pk, content=content, filename="roster.csv")
    assert (result.rows, result.created, result.reused) == (3, 2, 1)
    assert Attendance.objects.filter(activity=activity).count() == 3
    assert Attendance.objects.filter(activity=activity, participant=known).exists()
    assert AuditEvent.objects.filter(action="programme.roster.import").count() == 1
    assert AuditEvent.objects.filter(action="programme.attendance.create").count() == 3


def test_import_is_all_or_nothing_and_names_each_bad_line(officer: Any, activity: Any) -> None:
    brazilian = make_organization("BR")
    content = "\n".join(
        [
            HEADER,
            "Good Person,,female,police,,,,,,,,,",
            "Bad Score,,female,police,,,,,,150,,,",
            f"Other Country,,male,police,{brazilian.code},,,,,,,,",
            "Early Test,,male,astronauts,,,,,,,2018-01-01,,",
            "good person,,female,police,,,,,,,,,",
        ]
    ).encode()
    with pytest.raises(ApplicationError) as error:
        roster_import(actor=officer, activity_id=activity.pk, content=content, filename="roster.csv")
    rows = error.value.extra["rows"]
    assert {(row["line"], row["field"]) for row in rows} == {
        (3, "post_score"),
        (4, "organization_code"),
        (5, "sector"),
        (5, "post_test_on"),
        (6, "name"),
    }
    assert "line 2" in next(row["message"] for row in rows if row["line"] == 6)
    assert Attendance.objects.count() == 0 and Participant.objects.count() == 0


def test_import_refuses_someone_already_on_the_roster(officer: Any, activity: Any) -> None:
    make_attendance(activity, make_participant("CO", name="Ana Gómez"))
    content = f"{HEADER}\nNew Person,,female,police,,,,,,,,,\nAna Gómez,,female,police,,,,,,,,,".encode()
    with pytest.raises(ApplicationError) as error:
        roster_import(actor=officer, activity_id=activity.pk, content=content, filename="roster.csv")
    assert [row["line"] for row in error.value.extra["rows"]] == [3]
    assert Participant.objects.count() == 1 and Attendance.objects.count() == 1


def test_import_xlsx_and_bad_files(officer: Any, activity: Any) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Name", "Sex", "Sector", "Pre score", "Post score"])
    sheet.append(["Fatima Zahra", "female", "social_workers", 30, 65.5])
    buffer = io.BytesIO()
    book.save(buffer)
    result = roster_import(actor=officer, activity_id=activity.pk, content=buffer.getvalue(), filename="r.xlsx")
    assert result.rows == 1
    assert Attendance.objects.get(activity=activity).post_score == Decimal("65.50")
    with pytest.raises(ApplicationError) as error:
        roster_import(actor=officer, activity_id=activity.pk, content=b"nom,secteur\nA,police", filename="r.csv")
    assert error.value.code == "invalid_columns"
    with pytest.raises(ApplicationError) as error:
        roster_import(actor=officer, activity_id=activity.pk, content=b"", filename="r.csv")
    assert error.value.code == "empty_file"
    with pytest.raises(ApplicationError):
        roster_import(actor=officer, activity_id=activity.pk, content=b'[{"name": "A"}]', filename="r.json")
    assert Attendance.objects.count() == 1
