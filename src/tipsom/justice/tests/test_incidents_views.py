"""The smuggling incident screens: the list's filters and totals and its query count, the detail, and the form
(with its groups of migrants): each bad input shows the error summary and saves nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.cases.testing import make_case
from tipsom.justice.models import IncidentMigrants, SmugglingIncident
from tipsom.justice.testing import make_criminal_case, make_incident, make_suspect
from tipsom.organizations.testing import make_organization

pytestmark = pytest.mark.django_db
LIST = reverse("justice:incidents")
CREATE = reverse("justice:incident_create")


@pytest.fixture
def police() -> Any:
    return make_organization("BR", type="Police", functions=["police"])


@pytest.fixture
def investigator(police: Any) -> Any:
    return make_user(police, roles=("investigator",))


@pytest.fixture
def client(investigator: Any) -> Client:
    return sign_in(Client(), investigator)


def _post(**fields: Any) -> dict[str, Any]:
    """The form as a browser posts it: the incident with deaths at sea, with two groups of migrants."""
    rows = fields.pop("rows", [("male", "adult", "NG", "30"), ("female", "child", "NE", "10")])
    data = {
        "occurred_on": "2026-06-14",
        "location_type": "sea",
        "incident_country": "BR",
        "place": "Off the coast",
        "latitude": "33.5",
        "longitude": "11.25",
        "route": "Agadez–Sebha–Tripoli",
        "origin_countries": ["NG", "NE"],
        "transport_mode": "boat",
        "migrants_total": "40",
        "dead": "12",
        "missing": "3",
        "survivors": "25",
        "injured": "4",
        "cause_of_death": "drowning",
        "aggravating_circumstances": ["danger_to_life"],
        "fee_per_migrant": "1500",
        "fee_currency": "EUR",
        "migrants-TOTAL_FORMS": str(len(rows) + 1),
        "migrants-INITIAL_FORMS": "0",
    }
    for index, (sex, age_group, citizenship, count) in enumerate(rows):
        data.update(
            {
                f"migrants-{index}-sex": sex,
                f"migrants-{index}-age_group": age_group,
                f"migrants-{index}-citizenship": citizenship,
                f"migrants-{index}-count": count,
            }
        )
    data.update(fields)
    return {name: value for name, value in data.items() if value is not None}


def _refused(client: Client, data: dict[str, Any], url: str = CREATE, status: int = 400) -> str:
    before = (SmugglingIncident.objects.count(), IncidentMigrants.objects.count(), AuditEvent.objects.count())
    response = client.post(url, data)
    assert response.status_code == status, response.content[:500]
    assert (SmugglingIncident.objects.count(), IncidentMigrants.objects.count(), AuditEvent.objects.count()) == before
    html = response.content.decode()
    assert "error-summary" in html
    return html


def test_record_an_incident_with_deaths_at_sea(client: Client) -> None:
    response = client.post(CREATE, _post())
    assert response.status_code == 302, response.content[:2000]
    incident = SmugglingIncident.objects.get()
    assert response["Location"] == reverse("justice:incident", args=[incident.pk])
    assert (incident.dead, incident.survivors, incident.aggravating_circumstances) == (
        12,
        25,
        ["death", "danger_to_life"],
    )
    assert sorted(incident.migrant_counts.values_list("count", flat=True)) == [10, 30]
    page = client.get(response["Location"]).content.decode()
    assert incident.reference in page and "Drowning" in page and "33.50000, 11.25000" in page


@pytest.mark.parametrize("value", ["-1", "2.5", "ten"])
def test_a_negative_or_non_integer_count_of_migrants(client: Client, value: str) -> None:
    html = _refused(client, _post(migrants_total=value))
    assert 'href="#id_migrants_total"' in html


def test_dead_plus_survivors_more_than_the_migrants_involved(client: Client) -> None:
    html = _refused(client, _post(survivors="30", rows=[]))
    assert "Dead plus survivors (42) are more than the migrants involved (40)." in html


def test_the_groups_must_add_up(client: Client) -> None:
    html = _refused(client, _post(rows=[("male", "adult", "NG", "30")]))
    assert "The groups add up to 30 migrants, not the 40 involved." in html


def test_a_group_given_twice_and_a_bad_group(client: Client) -> None:
    html = _refused(client, _post(rows=[("male", "adult", "NG", "20"), ("male", "adult", "NG", "20")]))
    assert "given twice" in html
    html = _refused(client, _post(rows=[("male", "adult", "NG", "-3")]))
    assert "Group 1, Number:" in html
    html = _refused(client, _post(rows=[("male", "adult", "NG", "")]))
    assert "Group 1, Number: This field is required." in html


@pytest.mark.parametrize(
    ("fields", "anchor"),
    [
        ({"latitude": "95"}, "id_latitude"),
        ({"longitude": ""}, "id_longitude"),
        ({"injured": "26"}, "id_injured"),
        ({"occurred_on": "2999-01-01"}, "id_occurred_on"),
        ({"fee_per_migrant": "-1"}, "id_fee_per_migrant"),
        ({"fee_currency": "XYZW"}, "id_fee_currency"),
        ({"fee_currency": "ZZZ"}, "id_fee_currency"),
        ({"criminal_case": "BR-CC-2026-999999"}, "id_criminal_case"),
        ({"cases": "BR-2026-999999"}, "id_cases"),
        ({"region": "BR-XX"}, "id_region"),
    ],
)
def test_bad_input_shows_the_summary(client: Client, fields: dict[str, Any], anchor: str) -> None:
    assert f'href="#{anchor}"' in _refused(client, _post(**fields))


def test_links_through_the_form(client: Client, police: Any, investigator: Any) -> None:
    criminal_case = make_criminal_case(police)
    suspect = make_suspect(criminal_case)
    som_case = make_case(make_organization("BR"), case_type="som")
    data = _post(criminal_case=criminal_case.reference.lower(), cases=f" {som_case.case_number}, ")
    response = client.post(CREATE, data)
    assert response.status_code == 302, response.content[:2000]
    incident = SmugglingIncident.objects.get()
    assert incident.criminal_case == criminal_case and list(incident.cases.all()) == [som_case]
    edit = reverse("justice:incident_edit", args=[incident.pk])
    assert f'value="{suspect.pk}"' in client.get(edit).content.decode()  # the case's suspects to choose from
    data = _post(
        criminal_case=criminal_case.reference, smugglers=[str(suspect.pk)], cases=som_case.case_number, version="1"
    )
    assert client.post(edit, data).status_code == 302
    assert list(incident.smugglers.all()) == [suspect]
    page = client.get(reverse("justice:incident", args=[incident.pk])).content.decode()
    assert criminal_case.reference in page and som_case.case_number in page and str(suspect) in page


def test_edit_keeps_the_groups_and_refuses_a_stale_form(client: Client, police: Any, investigator: Any) -> None:
    incident = make_incident(police, actor=investigator)
    edit = reverse("justice:incident_edit", args=[incident.pk])
    page = client.get(edit).content.decode()
    assert 'name="migrants-0-count"' in page and 'value="22"' in page
    assert 'value="2026-06-14"' in page and 'value="33.50000"' in page  # as the date and number inputs read them
    data = _post(version="1", injured="5", rows=[("unknown", "unknown", "", "40")])
    assert client.post(edit, data).status_code == 302
    incident.refresh_from_db()
    assert incident.injured == 5 and incident.version == 2
    html = _refused(client, _post(version="1", injured="6", rows=[]), url=edit, status=409)
    assert "Nothing was saved" in html


def test_a_national_rapporteur_reads_but_does_not_write(police: Any) -> None:
    incident = make_incident(police)
    rapporteur = make_user(make_organization("BR"), roles=("national_rapporteur",))
    client = sign_in(Client(), rapporteur)
    assert client.get(LIST).status_code == 200
    page = client.get(reverse("justice:incident", args=[incident.pk])).content.decode()
    assert incident.reference in page and reverse("justice:incident_edit", args=[incident.pk]) not in page
    assert client.get(reverse("justice:incident_edit", args=[incident.pk])).status_code == 404
    assert client.get(CREATE).status_code == 404
    assert client.post(CREATE, _post()).status_code == 404
    assert SmugglingIncident.objects.count() == 1


def test_list_filters_and_totals(client: Client, police: Any, investigator: Any) -> None:
    make_incident(police, actor=investigator)
    make_incident(
        police,
        actor=investigator,
        location_type="desert",
        dead=2,
        missing=0,
        injured=1,
        survivors=38,
        cause_of_death="harsh_conditions",
    )
    page = client.get(LIST).content.decode()
    assert 'data-total="dead">14<' in page and 'data-total="missing">3<' in page
    assert 'data-total="injured">5<' in page and 'data-total="survivors">63<' in page
    page = client.get(LIST, {"location_type": "sea"}).content.decode()
    assert 'data-total="dead">12<' in page and 'data-total="incidents">1<' in page
    assert client.get(LIST, {"year": "twenty"}).status_code == 400


def test_the_list_page_costs_the_same_whatever_its_length(
    client: Client, police: Any, investigator: Any, django_assert_max_num_queries: Any
) -> None:
    make_incident(police, actor=investigator)
    client.get(LIST)
    with django_assert_max_num_queries(12) as few:
        client.get(LIST)
    for _ in range(25):
        make_incident(police, actor=investigator)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(LIST)
    assert response.content.decode().count('href="/justice/incidents/') >= 25
