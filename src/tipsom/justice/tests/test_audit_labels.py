"""The audit screen names justice records by their references (never a person's name), linked to their pages,
and finds them by a typed reference."""

import pytest

from tipsom.core.registry import registry
from tipsom.justice.testing import make_criminal_case, make_incident, make_suspect
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db


def _labels(object_type):
    return registry["audit_object_labels"][object_type]


def test_criminal_cases_suspects_and_incidents_are_named_by_reference():
    police = make_organization("BR")
    criminal_case = make_criminal_case(police)
    suspect = make_suspect(criminal_case)
    incident = make_incident(police)

    label, url = _labels("justice.criminalcase").labels([str(criminal_case.pk), "x", "999999"])[str(criminal_case.pk)]
    assert (label, url) == (criminal_case.reference, f"/justice/cases/{criminal_case.pk}/")
    label, url = _labels("justice.suspect").labels([str(suspect.pk)])[str(suspect.pk)]
    assert label.startswith(criminal_case.reference) and url.endswith("/defendants/")
    label, url = _labels("justice.smugglingincident").labels([str(incident.pk)])[str(incident.pk)]
    assert label == incident.reference and url == f"/justice/incidents/{incident.pk}/"

    assert _labels("justice.criminalcase").find(criminal_case.reference.lower()) == [str(criminal_case.pk)]
    year, serial = criminal_case.reference.split("-")[-2:]
    assert _labels("justice.criminalcase").find(f"{year}-{int(serial)}") == [str(criminal_case.pk)]
    assert _labels("justice.smugglingincident").find(f" {incident.reference.lower()} ") == [str(incident.pk)]
    assert _labels("justice.smugglingincident").find("BR-SI-1999-000001") == []
