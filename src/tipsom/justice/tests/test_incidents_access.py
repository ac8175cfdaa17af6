"""Who may reach the smuggling incident screens and endpoints: every URL and the two models (justice.smugglingincident,
justice.incidentmigrants) tried as anonymous, unpermitted, other-organization and permitted users. Investigators
work on their organization's incidents; a national rapporteur sees the country's."""

from __future__ import annotations

from typing import Any

from django.db import models

from tipsom.accounts.testing import AccessCase
from tipsom.justice.models import IncidentMigrants, SmugglingIncident
from tipsom.justice.testing import INCIDENT_AT_SEA, make_incident
from tipsom.organizations.models import Organization


class _IncidentObject(AccessCase):
    permitted_role = "investigator"
    scope = "organization"

    def make_object(self, organization: Organization) -> models.Model | None:
        return make_incident(organization)

    def url_kwargs(self, obj: models.Model | None) -> dict[str, Any]:
        assert obj is not None
        return {"pk": obj.pk}


class _IncidentScreen(AccessCase):
    """A screen without a single record: an incident of the home organization exists but must not show."""

    permitted_role = "investigator"
    scope = "organization"

    def make_object(self, organization: Organization) -> models.Model | None:
        make_incident(organization, place="Home organization's crossing")
        return None


class TestIncidentList(_IncidentScreen):
    url_name = "justice:incidents"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert b"Home organization&#x27;s crossing" in response.content


class TestIncidentListNational(_IncidentScreen):
    url_name = "justice:incidents"
    permitted_role = "national_rapporteur"
    scope = "national"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert b"Home organization&#x27;s crossing" in response.content


class TestIncidentDetail(_IncidentObject):
    url_name = "justice:incident"
    model = SmugglingIncident

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert isinstance(obj, SmugglingIncident)
        assert obj.reference.encode() in response.content


class TestIncidentDetailNational(_IncidentObject):
    url_name = "justice:incident"
    permitted_role = "national_rapporteur"
    scope = "national"


class TestIncidentCreate(AccessCase):
    url_name = "justice:incident_create"
    permitted_role = "investigator"
    scope = "organization"


class TestIncidentCreatePost(AccessCase):
    url_name = "justice:incident_create"
    permitted_role = "prosecutor"
    method = "post"
    permitted_status = 302

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {
            "occurred_on": "2026-06-14",
            "location_type": "desert",
            "incident_country": "BR",
            "migrants_total": "5",
            "transport_mode": "truck",
            "migrants-TOTAL_FORMS": "0",
            "migrants-INITIAL_FORMS": "0",
        }


class TestIncidentEdit(_IncidentObject):
    url_name = "justice:incident_edit"


class TestIncidentEditPost(_IncidentObject):
    url_name = "justice:incident_edit"
    method = "post"
    permitted_status = 302

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {
            "occurred_on": "2026-06-14",
            "location_type": "sea",
            "incident_country": "BR",
            "migrants_total": "40",
            "dead": "12",
            "missing": "3",
            "survivors": "25",
            "injured": "4",
            "version": "1",
            "migrants-TOTAL_FORMS": "0",
            "migrants-INITIAL_FORMS": "0",
        }


class TestIncidentApiList(_IncidentScreen):
    url_name = "api:justice-incident-list"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert len(response.json()["results"]) == 1


class TestIncidentApiListNational(_IncidentScreen):
    url_name = "api:justice-incident-list"
    permitted_role = "national_rapporteur"
    scope = "national"

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert len(response.json()["results"]) == 1


class TestIncidentApiCreate(AccessCase):
    url_name = "api:justice-incident-list"
    permitted_role = "investigator"
    method = "post"
    permitted_status = 201

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {**INCIDENT_AT_SEA, "incident_country": "BR"}


class TestIncidentApiDetail(_IncidentObject):
    url_name = "api:justice-incident-detail"
    model = IncidentMigrants

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert sum(row["count"] for row in response.json()["migrants"]) == 40


class TestIncidentApiUpdate(_IncidentObject):
    url_name = "api:justice-incident-detail"
    method = "patch"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"version": 1, "injured": 5}


class TestIncidentApiMmp(_IncidentScreen):
    url_name = "api:justice-incident-mmp"

    def payload(self, obj: models.Model | None) -> dict[str, Any] | None:
        return {"year": 2026}

    def check_permitted(self, response: Any, obj: models.Model | None) -> None:
        assert [row["Number of Dead"] for row in response.json()["rows"]] == [12]


class TestIncidentApiMmpNational(TestIncidentApiMmp):
    permitted_role = "national_rapporteur"
    scope = "national"
