"""Who may reach the roster and participant screens and endpoints (programme.participant, programme.attendance):
each URL tried as anonymous, unpermitted, other-organization and permitted users. An M&E officer works on the
country's rosters; an implementing partner only on the rosters of the activities it reports; a programme manager
reads every country's rosters with the names masked and reveals none."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import AccessCase, make_user
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.programme.models import Attendance, Participant
from tipsom.programme.testing import make_activity, make_attendance, make_participant

REASON = "to print the certificates of the workshop"
NAME = "Rosa Quintero"


def _attendance(organization: Organization) -> Attendance:
    activity = make_activity(organization, title="Roster access training")
    return make_attendance(activity, make_participant(organization.country, name=NAME), pre_score=40, post_score=70)


class _Attendance(AccessCase):
    """A URL of one attendance (or of its activity's roster); the partner of the reporting organization."""

    model = Attendance
    permitted_role = "implementing_partner"
    unpermitted_role = "frontline_identifier"
    scope = "organization"

    def make_object(self, organization: Organization) -> models.Model | None:
        return _attendance(organization)

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        assert isinstance(obj, Attendance)
        return {"pk": obj.pk}


class _Roster(_Attendance):
    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        assert isinstance(obj, Attendance)
        return {"pk": obj.activity_id}


class _National(AccessCase):
    """The M&E officer of the country (the other-organization user works in another country)."""

    permitted_role = "me_officer"
    unpermitted_role = "frontline_identifier"
    scope = "national"


# --- screens ------------------------------------------------------------------------------------------------------
class TestRoster(_Roster):
    url_name = "programme:roster"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert b"Roster access training" in response.content
        assert NAME.encode() not in response.content  # masked


class TestRosterNational(_National, _Roster):
    url_name = "programme:roster"


class TestRosterManager(_Roster):
    """A programme manager reads another country's roster, masked, without the reveal."""

    url_name = "programme:roster"
    permitted_role = "programme_manager"
    scope = "organization"

    def test_other_organization(self, home_org: Organization) -> None:
        """Every country's rosters: a manager of another country reads this one too, masked."""
        obj = self.make_object(home_org)
        user = make_user(make_organization("CO"), roles=(self.permitted_role,))
        response = self.request(self._client_for(user), obj)
        assert response.status_code == 200
        self.check_permitted(response, obj)

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert NAME.encode() not in response.content
        assert reverse("programme:roster_reveal", args=[obj.activity_id]).encode() not in response.content  # type: ignore[union-attr]


class TestRosterAdd(_Roster):
    url_name = "programme:roster_add"
    method = "post"
    permitted_status = 302

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"name": "Nueva Persona", "sex": "female", "sector": "police", "pre_score": "10"}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert Attendance.objects.filter(activity_id=obj.activity_id).count() == 2  # type: ignore[union-attr]


class TestRosterImportPage(_Roster):
    url_name = "programme:roster_import"


class TestRosterImportPost(_Roster):
    url_name = "programme:roster_import"
    method = "post"
    permitted_status = 302

    def request(self, client: Client, obj: models.Model | None) -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("roster.csv", b"name,sex,sector\nOtra Persona,male,judges\n", "text/csv")
        return client.post(reverse(self.url_name, kwargs=self.url_kwargs(obj)), {"file": upload})


class TestRosterReveal(_Roster):
    url_name = "programme:roster_reveal"


class TestRosterRevealPost(_Roster):
    url_name = "programme:roster_reveal"
    method = "post"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"reason": REASON}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert NAME.encode() in response.content


class TestRosterRevealNational(_National, _Roster):
    url_name = "programme:roster_reveal"
    method = "post"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"reason": REASON}


class TestAttendanceEdit(_Attendance):
    url_name = "programme:attendance_edit"


class TestAttendanceEditPost(_Attendance):
    url_name = "programme:attendance_edit"
    method = "post"
    permitted_status = 302

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"pre_score": "45", "post_score": "90", "satisfaction": "5"}


class TestAttendanceRemove(_Attendance):
    url_name = "programme:attendance_remove"


class TestAttendanceRemovePost(_Attendance):
    url_name = "programme:attendance_remove"
    method = "post"
    permitted_status = 302

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert not Attendance.objects.filter(pk=obj.pk).exists()  # type: ignore[union-attr]


class TestCertificate(_Attendance):
    url_name = "programme:certificate"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response["Content-Type"] == "application/pdf"
        assert response.content.startswith(b"%PDF")


class TestCertificateNational(_National, _Attendance):
    url_name = "programme:certificate"


class _Participant(AccessCase):
    model = Participant
    permitted_role = "implementing_partner"
    unpermitted_role = "frontline_identifier"
    scope = "organization"

    def make_object(self, organization: Organization) -> models.Model | None:
        return _attendance(organization).participant

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        assert obj is not None
        return {"pk": obj.pk}


class TestParticipant(_Participant):
    url_name = "programme:participant"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert b"Roster access training" in response.content and NAME.encode() not in response.content


class TestParticipantNational(_National, _Participant):
    url_name = "programme:participant"


class TestParticipantReveal(_Participant):
    url_name = "programme:participant_reveal"


class TestParticipantRevealPost(_Participant):
    url_name = "programme:participant_reveal"
    method = "post"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"reason": REASON}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert NAME.encode() in response.content


# --- API ----------------------------------------------------------------------------------------------------------
class TestApiRoster(_Roster):
    url_name = "api:programme-roster"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        body = response.json()
        assert body["summary"]["total"] == 1
        assert body["attendances"][0]["participant"]["name"] != NAME


class TestApiRosterManager(_Roster):
    url_name = "api:programme-roster"
    permitted_role = "programme_manager"

    def test_other_organization(self, home_org: Organization) -> None:
        """Every country's rosters: a manager of another country reads this one, masked."""
        obj = self.make_object(home_org)
        user = make_user(make_organization("CO"), roles=(self.permitted_role,))
        response = self.request(self._client_for(user), obj)
        assert response.status_code == 200
        assert response.json()["attendances"][0]["participant"]["name"] != NAME


class TestApiRosterAdd(_Roster):
    url_name = "api:programme-roster"
    method = "post"
    permitted_status = 201

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"name": "Nueva Persona", "sex": "female", "sector": "police", "satisfaction": 4}


class TestApiRosterAddNational(_National, _Roster):
    url_name = "api:programme-roster"
    method = "post"
    permitted_status = 201

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"name": "Nueva Persona", "sex": "female", "sector": "police"}


class TestApiRosterImport(_Roster):
    url_name = "api:programme-roster-import"
    method = "post"
    permitted_status = 201

    def request(self, client: Client, obj: models.Model | None) -> Any:
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("roster.csv", b"name,sex,sector\nOtra Persona,male,judges\n", "text/csv")
        return client.post(reverse(self.url_name, kwargs=self.url_kwargs(obj)), {"file": upload})

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.json()["rows"] == 1


class TestApiAttendancePatch(_Attendance):
    url_name = "api:programme-attendance"
    method = "patch"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"post_score": "88.5"}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.json()["post_score"] == "88.50"


class TestApiAttendanceDelete(_Attendance):
    url_name = "api:programme-attendance"
    method = "delete"
    permitted_status = 204


class TestApiParticipant(_Participant):
    url_name = "api:programme-participant"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.json()["name"] != NAME and response.json()["activities"] == 1


class TestApiParticipantReveal(_Participant):
    url_name = "api:programme-participant-reveal"
    method = "post"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"reason": REASON}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert response.json()["name"] == NAME


class TestApiParticipantRevealNational(_National, _Participant):
    url_name = "api:programme-participant-reveal"
    method = "post"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"reason": REASON}
