"""Screens of the criminal cases part: the list and its filters, the forms (bad input refused, nothing saved), the
case page's tabs, the defendants' masked names and the audited reveal, who sees what, and query counts."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.core.masking import MASKED
from tipsom.justice.models import CaseStage, CriminalCase, Offence, Suspect
from tipsom.justice.services.cases import criminal_case_create
from tipsom.justice.services.suspects import criminal_group_create, suspect_add
from tipsom.justice.testing import make_criminal_case, make_offence, make_provision, make_suspect
from tipsom.organizations.testing import make_organization
from tipsom.people.models import Person

pytestmark = pytest.mark.django_db
REASON = "to prepare the hearing of the defendant"


@pytest.fixture
def office():
    return make_organization("BR")


@pytest.fixture
def prosecutor(office):
    return make_user(office, roles=("prosecutor",))


@pytest.fixture
def client(prosecutor):
    return sign_in(Client(), prosecutor)


@pytest.fixture
def case(prosecutor):
    return criminal_case_create(actor=prosecutor, title="Forced labour in Pará", investigation_opened_on="2025-02-01")


def test_the_menu_lists_criminal_cases_for_justice_roles(client, office):
    assert reverse("justice:list").encode() in client.get("/").content
    case_manager = sign_in(Client(), make_user(office, roles=("case_manager",)))
    assert reverse("justice:list").encode() not in case_manager.get("/").content


def test_create_form_records_a_case(client, office):
    court = make_organization("BR")
    response = client.post(
        reverse("justice:create"),
        {
            "title": "Farm in Pará",
            "file_number": "IP 77/2025",
            "offence_type": "tip",
            "investigation_opened_on": "2025-03-01",
            "court": str(court.pk),
            "countries_involved": ["PY"],
            "facts": "Secret facts",
        },
    )
    case = CriminalCase.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("justice:detail", kwargs={"pk": case.pk})
    assert case.court == court and case.owner_organization == office and case.reference == "BR-CC-2025-000001"
    page = client.get(response["Location"]).content.decode()
    assert case.reference in page and "Farm in Pará" in page and "Secret facts" not in page


def test_create_form_refuses_bad_input(client):
    response = client.post(
        reverse("justice:create"),
        {"title": "  ", "investigation_opened_on": "2999-01-01", "countries_involved": ["XX"]},
    )
    assert response.status_code == 400
    assert not CriminalCase.objects.exists()


def test_edit_form_and_stale_version(client, case):
    url = reverse("justice:edit", kwargs={"pk": case.pk})
    data = {"title": "New title", "investigation_opened_on": "2025-02-01", "version": case.version}
    assert client.post(url, data).status_code == 302
    stale = client.post(url, {**data, "title": "Stale"})
    assert stale.status_code == 409
    closed_before_opened = client.post(
        url, {**data, "version": 2, "investigation_closed_on": "2025-01-01", "title": "X"}
    )
    assert closed_before_opened.status_code == 400
    case.refresh_from_db()
    assert case.title == "New title" and case.investigation_closed_on is None


def test_list_filters_and_search(client, prosecutor, office):
    tip = criminal_case_create(
        actor=prosecutor, title="Alphacase", investigation_opened_on="2025-02-01", offence_type="tip"
    )
    som = criminal_case_create(
        actor=prosecutor,
        title="Bravocase",
        investigation_opened_on="2024-05-01",
        offence_type="som",
        file_number="PF-99/2024",
        is_transnational=True,
    )
    url = reverse("justice:list")

    def titles(**query):
        response = client.get(url, query)
        assert response.status_code == 200
        return {title for title in ("Alphacase", "Bravocase") if title in response.content.decode()}

    assert titles() == {"Alphacase", "Bravocase"}
    assert titles(offence_type="som") == {"Bravocase"}
    assert titles(opened_from="2025-01-01") == {"Alphacase"}
    assert titles(opened_to="2024-12-31") == {"Bravocase"}
    assert titles(is_transnational="true") == {"Bravocase"}
    assert titles(q="PF-99/2024") == {"Bravocase"}
    assert titles(q=tip.reference) == {"Alphacase"}
    assert titles(q="2024-1") == {"Bravocase"} and som.reference == "BR-CC-2024-000001"
    assert titles(stage="trial") == set()
    assert titles(my_role="recorded") == {"Alphacase", "Bravocase"}
    assert titles(my_role="court") == set()
    assert client.get(url, {"stage": "bogus"}).status_code == 400


def test_the_prosecution_office_named_on_a_case_sees_it_and_works_on_it(office, prosecutor):
    police = make_organization("BR")
    investigator = make_user(police, roles=("investigator",))
    police_case = criminal_case_create(
        actor=investigator, title="Raid", investigation_opened_on="2025-01-05", prosecution_office=office.pk
    )
    other = criminal_case_create(actor=investigator, title="Not for the office", investigation_opened_on="2025-01-06")
    client = sign_in(Client(), prosecutor)
    listing = client.get(reverse("justice:list"), {"my_role": "prosecuting"}).content.decode()
    assert police_case.reference in listing and other.reference not in listing
    assert client.get(reverse("justice:detail", kwargs={"pk": other.pk})).status_code == 404
    page = client.get(reverse("justice:detail", kwargs={"pk": police_case.pk})).content.decode()
    assert reverse("justice:edit", kwargs={"pk": police_case.pk}) in page
    response = client.post(
        reverse("justice:offence_create", kwargs={"pk": police_case.pk}),
        {"offence_type": "tip", "date_from": "2024-12-01", "country": "BR"},
    )
    assert response.status_code == 302 and police_case.offences.count() == 1


def test_the_national_rapporteur_sees_cases_but_no_identity(prosecutor, case):
    suspect = suspect_add(actor=prosecutor, criminal_case_id=case.pk, names=["Nome Secreto"])
    rapporteur = make_user(make_organization("BR"), roles=("national_rapporteur",))
    client = sign_in(Client(), rapporteur)
    assert case.reference in client.get(reverse("justice:list")).content.decode()
    tab = client.get(reverse("justice:defendants", kwargs={"pk": case.pk})).content.decode()
    assert "Nome Secreto" not in tab and MASKED in tab
    assert reverse("justice:suspect_reveal", kwargs={"pk": case.pk, "suspect_id": suspect.pk}) not in tab
    assert reverse("justice:edit", kwargs={"pk": case.pk}) not in tab
    reveal = client.post(
        reverse("justice:suspect_reveal", kwargs={"pk": case.pk, "suspect_id": suspect.pk}), {"reason": REASON}
    )
    assert reveal.status_code == 404
    api = client.post(
        reverse("api:justice-suspect-reveal", kwargs={"pk": suspect.pk}), {"reason": REASON}, "application/json"
    )
    assert api.status_code == 404
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_tab_bar_lists_the_tabs_that_exist(client, case):
    page = client.get(reverse("justice:detail", kwargs={"pk": case.pk})).content.decode()
    for name in ("detail", "offences", "defendants"):
        assert reverse(f"justice:{name}", kwargs={"pk": case.pk}) in page
    assert 'aria-current="page"' in page


def test_offence_forms(client, case):
    provision = make_provision("BR")
    url = reverse("justice:offence_create", kwargs={"pk": case.pk})
    response = client.post(
        url,
        {
            "provision": str(provision.pk),
            "date_from": "2024-10-01",
            "date_to": "2024-12-01",
            "country": "BR",
            "exploitation_types": ["ForcedLabour"],
            "means_of_control": ["DebtBondage"],
            "modus_operandi": "Hidden text",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    offence = Offence.objects.get()
    assert offence.offence_type == "tip" and offence.provision == provision
    tab = client.get(reverse("justice:offences", kwargs={"pk": case.pk})).content.decode()
    assert "Forced labour" in tab or "ForcedLabour" not in tab
    assert "Hidden text" not in tab
    # Bad input: the end before the start; a provision of another country (not among the choices).
    before = client.post(
        url, {"offence_type": "tip", "date_from": "2024-10-01", "date_to": "2024-09-01", "country": "BR"}
    )
    assert before.status_code == 400
    foreign = client.post(url, {"provision": str(make_provision("CO").pk), "date_from": "2024-10-01", "country": "BR"})
    assert foreign.status_code == 400
    assert Offence.objects.count() == 1
    edit = client.post(
        reverse("justice:offence_edit", kwargs={"pk": case.pk, "offence_id": offence.pk}),
        {"offence_type": "som", "date_from": "2024-10-01", "country": "BR"},
    )
    assert edit.status_code == 302
    offence.refresh_from_db()
    assert offence.offence_type == "som" and offence.provision is None
    remove = client.post(reverse("justice:offence_remove", kwargs={"pk": case.pk, "offence_id": offence.pk}))
    assert remove.status_code == 302 and not Offence.objects.exists()


def test_defendant_forms_and_reveal(client, prosecutor, case):
    group = criminal_group_create(actor=prosecutor, name="Os Gatos")
    url = reverse("justice:suspect_create", kwargs={"pk": case.pk})
    response = client.post(
        url,
        {
            "name": "João Gato",
            "aliases": "Gatão\n",
            "gender": "Masculine",
            "birth_year": "1975",
            "citizenships": ["BR"],
            "roles": ["recruiter"],
            "groups": [str(group.pk)],
            "age_at_offence": "49",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    suspect = Suspect.objects.get()
    assert suspect.person.birth_year == 1975 and [n.name for n in suspect.person.names.all()] == ["João Gato", "Gatão"]
    tab = client.get(reverse("justice:defendants", kwargs={"pk": case.pk})).content.decode()
    assert "João" not in tab and MASKED in tab and "Os Gatos" in tab and "1975" in tab
    reveal_url = reverse("justice:suspect_reveal", kwargs={"pk": case.pk, "suspect_id": suspect.pk})
    assert reveal_url in tab
    refused = client.post(reveal_url, {"reason": "test"})
    assert refused.status_code == 400 and "João" not in refused.content.decode()
    shown = client.post(reveal_url, {"reason": REASON})
    assert shown.status_code == 200 and "João Gato" in shown.content.decode()
    assert AuditEvent.objects.filter(action="justice.suspect.reveal", object_id=str(suspect.pk)).exists()
    # Bad input through the form: an age that is no whole number; no name.
    assert client.post(url, {"name": "Other", "age_at_offence": "4.5"}).status_code == 400
    assert client.post(url, {"name": ""}).status_code == 400
    assert Suspect.objects.count() == 1 and Person.objects.count() == 1
    edit = client.post(
        reverse("justice:suspect_edit", kwargs={"pk": case.pk, "suspect_id": suspect.pk}),
        {"roles": ["exploiter"], "in_custody": "on", "version": suspect.version},
    )
    assert edit.status_code == 302
    suspect.refresh_from_db()
    assert suspect.roles == ["exploiter"] and suspect.in_custody and list(suspect.groups.all()) == []


def test_a_charged_defendant_cannot_be_removed_on_the_screen(client, case):
    suspect = make_suspect(case)
    suspect.charges.create(
        criminal_case=case, provision=make_provision("BR"), offence_type="tip", charged_on=datetime.date(2025, 2, 2)
    )
    response = client.post(reverse("justice:suspect_remove", kwargs={"pk": case.pk, "suspect_id": suspect.pk}))
    assert response.status_code == 400 and Suspect.objects.filter(pk=suspect.pk).exists()


def test_a_concluded_case_offers_no_change(client, case):
    CriminalCase.objects.filter(pk=case.pk).update(stage=CaseStage.CONCLUDED)
    page = client.get(reverse("justice:offences", kwargs={"pk": case.pk})).content.decode()
    assert reverse("justice:offence_create", kwargs={"pk": case.pk}) not in page


def test_group_screens(client, prosecutor):
    response = client.post(
        reverse("justice:group_create"), {"name": "Rota Sul", "estimated_size": "8", "countries_of_activity": ["BR"]}
    )
    assert response.status_code == 302
    assert "Rota Sul" in client.get(reverse("justice:groups")).content.decode()
    assert client.post(reverse("justice:group_create"), {"name": "Bad", "estimated_size": "0"}).status_code == 400


def test_list_query_count(client, prosecutor, office, django_assert_max_num_queries):
    for number in range(30):
        make_criminal_case(office, title=f"Case {number}")
    make_criminal_case(make_organization("BR"), prosecution_office=office)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("justice:list"))
    assert response.status_code == 200


def test_defendants_tab_query_count(client, prosecutor, case, django_assert_max_num_queries):
    group = criminal_group_create(actor=prosecutor, name="G")
    for _number in range(12):
        suspect = make_suspect(case, roles=["recruiter"])
        suspect.groups.add(group)
    with django_assert_max_num_queries(14):
        response = client.get(reverse("justice:defendants", kwargs={"pk": case.pk}))
    assert response.status_code == 200 and response.content.decode().count("data-masked") == 12


def test_offences_tab_query_count(client, case, django_assert_max_num_queries):
    for _number in range(10):
        make_offence(case, provision=make_provision("BR"))
    with django_assert_max_num_queries(12):
        assert client.get(reverse("justice:offences", kwargs={"pk": case.pk})).status_code == 200
