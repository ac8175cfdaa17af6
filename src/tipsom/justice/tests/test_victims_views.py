"""The Victims tab, its forms and reveals, the victim case page's Proceedings tab, and the done-when: "The victim's
case manager sees the hearing dates on the victim case; the prosecutor gets a 404 for the care notes"."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tipsom.accounts.testing import sign_in
from tipsom.audit.models import AuditEvent
from tipsom.cases.services import journal_add
from tipsom.justice.models import Hearing, SuspectVictimRelation, VictimInProceedings
from tipsom.justice.services import victims as services
from tipsom.justice.testing import make_criminal_case, make_suspect
from tipsom.justice.tests.test_victims_services import REASON, World, counting, victims_world

pytestmark = pytest.mark.django_db
NAME = "Maria Flores Condori"


@pytest.fixture
def world() -> World:
    return victims_world()


def client_of(user: Any) -> Client:
    return sign_in(Client(), user)


def url(name: str, world: World, **kwargs: Any) -> str:
    return reverse(f"justice:{name}", kwargs={"pk": world.criminal_case.pk, **kwargs})


def hearing_in(world: World, days: int, *, victims: list[Any] | None = None, room: str = "") -> Hearing:
    return services.hearing_add(
        actor=world.prosecutor,
        criminal_case=world.criminal_case,
        kind="trial",
        starts_at=timezone.now() + datetime.timedelta(days=days),
        court_name="1st Federal Court of Belém",
        room=room,
        victims=victims,
    )


# The Victims tab --------------------------------------------------------------------------------------------------


def test_victims_tab_shows_no_name_and_offers_reveals(world: World) -> None:
    link = world.link(protection_measures=["screen"], statement="He took my passport.")
    suspect = make_suspect(world.criminal_case)
    services.suspect_victim_relation_set(
        actor=world.prosecutor, suspect=suspect.pk, victim=link.pk, relationship="Acquainted", detail="employer"
    )
    hearing_in(world, 3, victims=[link.pk], room="Room 7")
    response = client_of(world.prosecutor).get(url("victims", world))
    assert response.status_code == 200
    content = response.content.decode()
    assert world.victim_case.case_number in content
    assert "Room 7" in content and "employer" in content
    assert NAME not in content and "passport" not in content
    assert url("victim_reveal", world, link_id=link.pk) in content


def test_rapporteur_sees_the_tab_without_reveals_and_cannot_reveal(world: World) -> None:
    link = world.link(statement="He took my passport.")
    client = client_of(world.rapporteur)
    response = client.get(url("victims", world))
    assert response.status_code == 200
    assert world.victim_case.case_number.encode() in response.content
    assert b"data-reveal" not in response.content
    assert b"Link a victim case" not in response.content
    for name in ("victim_reveal", "victim_statement"):
        assert client.get(url(name, world, link_id=link.pk)).status_code == 404
        assert client.post(url(name, world, link_id=link.pk), {"reason": REASON}).status_code == 404
    assert not AuditEvent.objects.filter(action="reveal").exists()


def test_reveal_pages_ask_a_reason_then_show(world: World) -> None:
    link = world.link(statement="He took my passport.")
    client = client_of(world.prosecutor)
    page = client.get(url("victim_reveal", world, link_id=link.pk))
    assert page.status_code == 200 and NAME.encode() not in page.content
    refused = client.post(url("victim_reveal", world, link_id=link.pk), {"reason": "test"})
    assert refused.status_code == 400 and NAME.encode() not in refused.content
    shown = client.post(url("victim_reveal", world, link_id=link.pk), {"reason": REASON})
    assert shown.status_code == 200 and NAME.encode() in shown.content
    assert "no-store" in shown["Cache-Control"]
    statement = client_of(world.investigator).post(url("victim_statement", world, link_id=link.pk), {"reason": REASON})
    assert b"He took my passport." in statement.content
    assert AuditEvent.objects.filter(action="reveal", object_type="justice.victiminproceedings").count() == 2


def test_link_form_refusals_keep_nothing(world: World) -> None:
    client = client_of(world.prosecutor)
    base = {"case_number": world.victim_case.case_number, "role": "witness", "testimony_mode": "not_yet"}
    for bad, message in (
        ({"case_number": "BR-1999-000001"}, b"No victim case"),
        ({"case_number": "63"}, b"with its year"),
        ({"compensation_claimed": "-10", "currency": "BRL"}, b"cannot be negative"),
        ({"compensation_claimed": "10"}, b"currency"),
        ({"role": "judge"}, b"role"),
    ):
        response = client.post(url("victim_add", world), {**base, **bad})
        assert response.status_code == 400, bad
        assert message in response.content, bad
    assert not VictimInProceedings.objects.exists()
    done = client.post(url("victim_add", world), {**base, "protection_measures": ["screen", "interpreter"]})
    assert done.status_code == 302
    assert VictimInProceedings.objects.get().protection_measures == ["screen", "interpreter"]
    again = client.post(url("victim_add", world), base)
    assert again.status_code == 400 and b"already linked" in again.content


def test_edit_relation_and_remove_forms(world: World) -> None:
    link = world.link(statement="Kept")
    suspect = make_suspect(world.criminal_case)
    client = client_of(world.prosecutor)
    form = client.get(url("victim_edit", world, link_id=link.pk))
    assert form.status_code == 200 and b"Kept" not in form.content
    stale = client.post(
        url("victim_edit", world, link_id=link.pk), {"role": "civil_party", "testimony_mode": "video", "version": 5}
    )
    assert stale.status_code == 409
    saved = client.post(
        url("victim_edit", world, link_id=link.pk),
        {
            "role": "civil_party",
            "testimony_mode": "video",
            "version": 1,
            "compensation_claimed": "500",
            "currency": "BRL",
        },
    )
    assert saved.status_code == 302
    link.refresh_from_db()
    assert (link.role, link.statement, str(link.compensation_claimed)) == ("civil_party", "Kept", "500.00")
    bad = client.post(url("victim_relation", world, link_id=link.pk), {"suspect": suspect.pk, "relationship": "Boss"})
    assert bad.status_code == 400 and not SuspectVictimRelation.objects.exists()
    good = client.post(
        url("victim_relation", world, link_id=link.pk), {"suspect": suspect.pk, "relationship": "Familial"}
    )
    assert good.status_code == 302 and SuspectVictimRelation.objects.get().relationship == "Familial"
    assert client.post(url("victim_remove", world, link_id=link.pk)).status_code == 302
    assert not VictimInProceedings.objects.exists()


def test_hearing_forms(world: World) -> None:
    link = world.link()
    client = client_of(world.prosecutor)
    when = (timezone.localtime() + datetime.timedelta(days=4)).strftime("%Y-%m-%dT%H:%M")
    missing_court = client.post(url("hearing_add", world), {"kind": "trial", "starts_at": when, "victims": [link.pk]})
    assert missing_court.status_code == 400 and b"Name the court" in missing_court.content
    bad_date = client.post(url("hearing_add", world), {"kind": "trial", "starts_at": "soon", "court_name": "X"})
    assert bad_date.status_code == 400
    assert not Hearing.objects.exists()
    added = client.post(
        url("hearing_add", world), {"kind": "trial", "starts_at": when, "court_name": "Court", "victims": [link.pk]}
    )
    assert added.status_code == 302
    hearing = Hearing.objects.get()
    assert list(hearing.victims.all()) == [link]
    edit = client.get(url("hearing_edit", world, hearing_id=hearing.pk))
    assert edit.status_code == 200
    changed = client.post(
        url("hearing_edit", world, hearing_id=hearing.pk),
        {"kind": "sentencing", "starts_at": when, "court_name": "Court", "room": "2"},
    )
    assert changed.status_code == 302
    hearing.refresh_from_db()
    assert (hearing.kind, hearing.room, hearing.victims.count()) == ("sentencing", "2", 0)
    cancelled = client.post(url("hearing_cancel", world, hearing_id=hearing.pk), {"reason": "Postponed"})
    assert cancelled.status_code == 302 and not Hearing.objects.exists()


def test_victims_tab_query_count_does_not_grow(world: World) -> None:
    client = client_of(world.prosecutor)
    world.link()
    hearing_in(world, 2)
    with counting() as few:
        client.get(url("victims", world))
    assert len(few) <= 25, few
    from tipsom.cases.testing import make_case

    for _ in range(4):
        extra = make_case(world.ngo)
        link = services.victim_link_add(
            actor=world.prosecutor,
            criminal_case=world.criminal_case,
            case_number=extra.case_number,
            role="witness",
        )
        suspect = make_suspect(world.criminal_case)
        services.suspect_victim_relation_set(
            actor=world.prosecutor, suspect=suspect.pk, victim=link.pk, relationship="Familial"
        )
        hearing_in(world, 3, victims=[link.pk])
    with counting() as many:
        response = client.get(url("victims", world))
    assert len(many) <= len(few), many
    assert response.content.count(b"data-victim=") == 5


# The victim case page's Proceedings tab, and the done-when ---------------------------------------------------


def test_done_when_case_manager_sees_hearing_dates_prosecutor_404_on_care_notes(world: World) -> None:
    link = world.link(protection_measures=["video_link"], testimony_mode="video")
    summoned = hearing_in(world, 6, victims=[link.pk], room="Room 3")
    hearing_in(world, 9)  # a hearing she is not summoned to
    journal_add(actor=world.case_manager, case_id=world.victim_case.pk, text="Care note: she is afraid to testify.")
    manager = client_of(world.case_manager)
    case_page = manager.get(reverse("cases:detail", kwargs={"pk": world.victim_case.pk}))
    assert reverse("cases:proceedings", kwargs={"pk": world.victim_case.pk}).encode() in case_page.content
    tab = manager.get(reverse("cases:proceedings", kwargs={"pk": world.victim_case.pk}))
    assert tab.status_code == 200
    content = tab.content.decode()
    assert world.criminal_case.reference in content
    assert world.criminal_case.get_stage_display() in content
    assert f'data-hearing="{summoned.pk}"' in content
    assert content.count("data-hearing=") == 1  # only the hearing she is summoned to
    assert "Testimony by video link" in content and "Room 3" in content
    assert world.criminal_case.title not in content  # nothing of the criminal case but its reference and stage
    partial = manager.get(reverse("cases:proceedings", kwargs={"pk": world.victim_case.pk}), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200 and b"data-proceeding" in partial.content

    prosecutor = client_of(world.prosecutor)
    pk = world.victim_case.pk
    for address in (
        reverse("cases:detail", kwargs={"pk": pk}),
        reverse("cases:tab", kwargs={"pk": pk, "tab": "journal"}),
        reverse("cases:tab", kwargs={"pk": pk, "tab": "work"}),
        reverse("cases:summary", kwargs={"pk": pk}),
        reverse("cases:proceedings", kwargs={"pk": pk}),
        reverse("api:case-detail", kwargs={"pk": pk}),
        reverse("api:case-journal", kwargs={"pk": pk}),
    ):
        response = prosecutor.get(address)
        assert response.status_code == 404, address
        assert b"afraid" not in response.content
    assert prosecutor.post(reverse("cases:journal", kwargs={"pk": pk}), {"text": "x"}).status_code == 404


def test_proceedings_tab_lists_all_hearings_when_not_summoned(world: World) -> None:
    world.link()
    past = hearing_in(world, -20)
    coming = hearing_in(world, 10)
    other = make_criminal_case(world.police, prosecution_office=world.office)
    services.victim_link_add(
        actor=world.prosecutor, criminal_case=other, case_number=world.victim_case.case_number, role="civil_party"
    )
    response = client_of(world.case_manager).get(reverse("cases:proceedings", kwargs={"pk": world.victim_case.pk}))
    content = response.content.decode()
    assert "All hearings of the case" in content
    assert content.index(f'data-hearing="{coming.pk}"') < content.index(f'data-hearing="{past.pk}"')
    assert other.reference in content and content.count("data-proceeding=") == 2


def test_proceedings_tab_queries_do_not_grow(world: World) -> None:
    world.link()
    hearing_in(world, 3)
    client = client_of(world.case_manager)
    address = reverse("cases:proceedings", kwargs={"pk": world.victim_case.pk})
    with counting() as few:
        client.get(address)
    assert len(few) <= 30, few
    for _ in range(4):
        other = make_criminal_case(world.police, prosecution_office=world.office)
        link = services.victim_link_add(
            actor=world.prosecutor, criminal_case=other, case_number=world.victim_case.case_number, role="witness"
        )
        services.hearing_add(
            actor=world.prosecutor,
            criminal_case=other,
            kind="trial",
            starts_at=timezone.now() + datetime.timedelta(days=2),
            court_name="Court",
            victims=[link.pk],
        )
    with counting() as many:
        response = client.get(address)
    assert len(many) <= len(few), many
    assert response.content.count(b"data-proceeding=") == 5


def test_home_widgets(world: World) -> None:
    link = world.link()
    hearing_in(world, 3, victims=[link.pk])
    hearing_in(world, 30)  # too far ahead
    from tipsom.justice.services.cooperation import cooperation_request_create

    late = cooperation_request_create(
        actor=world.prosecutor,
        criminal_case=world.criminal_case,
        kind="mla",
        direction="outgoing",
        countries=["PY"],
        authority="Paraguay central authority",
        status="sent",
        sent_on=timezone.localdate() - datetime.timedelta(days=60),
        deadline=timezone.localdate() - datetime.timedelta(days=1),
    )
    home = client_of(world.prosecutor).get(reverse("home"))
    content = home.content.decode()
    assert 'data-widget="justice_hearings"' in content
    assert content.count("data-hearing=") == 1
    assert f'data-cooperation="{late.pk}"' in content
    manager_home = client_of(world.case_manager).get(reverse("home")).content.decode()
    assert 'data-widget="justice_hearings"' not in manager_home
