"""A referral from another country, once accepted, registers the person and a case here from what was shared;
the shared sections stay what the other country sent, and completing the referral records the service here."""

from __future__ import annotations

from typing import Any, ClassVar

import pytest
from django.db import models
from django.test import Client
from django.urls import reverse

from tipsom.accounts.testing import AccessCase, make_user, sign_in
from tipsom.audit.models import AuditEvent
from tipsom.cases.models import Case, ServiceDelivery
from tipsom.core.errors import ApplicationError
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization
from tipsom.people.models import Person
from tipsom.referrals.models import Referral
from tipsom.referrals.services import (
    referral_accept,
    referral_case_register,
    referral_complete,
    referral_shared_open,
)
from tipsom.referrals.services.bundle import referral_bundle_export, referral_bundle_import
from tipsom.referrals.tests.bundle_fixtures import NAME, World, make_world

pytestmark = pytest.mark.django_db


def imported(world: World, *, accept: bool = True) -> Referral:
    content = referral_bundle_export(actor=world.sender, referral_id=world.referral.pk)
    referral = referral_bundle_import(actor=world.importer, content=content)
    if accept:
        referral = referral_accept(actor=world.importer, referral_id=referral.pk)
    return referral


@pytest.fixture
def world(db: Any) -> World:
    return make_world(sections=("identity", "exploitation"))


def test_registers_the_person_and_the_case_from_what_was_shared(world: World) -> None:
    referral = imported(world)
    case = referral_case_register(actor=world.importer, referral_id=referral.pk)
    assert case.owner_organization == world.ua_org and case.country == "UA" and case.case_number.startswith("UA-")
    assert (case.case_type, case.identified_on.isoformat()) == ("tip", "2026-10-02")
    assert (case.origin_country, case.destination_country, case.exploitation_types) == ("UA", "BR", ["ForcedLabour"])
    person = Person.objects.get(pk=case.person_id)
    name = person.primary_name
    assert name is not None and (name.name, name.name_latin) == (NAME, "Olena Koval")
    assert (person.gender, person.citizenships, person.birth_date) == ("Feminine", ["UA"], "1998-04-02")
    referral.refresh_from_db()
    assert referral.case_id == case.pk
    assert AuditEvent.objects.filter(action="referral.case_register", object_id=str(referral.pk)).exists()
    # The shared sections stay what Brazil sent, not the new Ukrainian case.
    _, sections = referral_shared_open(actor=world.importer, referral_id=referral.pk)
    assert sections["identity"]["names"][0]["name"] == NAME and "contact" not in sections
    # Completing the referral records the service on the case here.
    referral_complete(actor=world.importer, referral_id=referral.pk, outcome="completed")
    delivery = ServiceDelivery.objects.get(case=case)
    assert (delivery.support_type, delivery.provider_id) == ("Shelter", world.ua_org.pk)


def _refused(call: Any, code: str) -> None:
    before = (Case.objects.count(), Person.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ApplicationError) as caught:
        call()
    assert caught.value.code == code, caught.value.message
    assert (Case.objects.count(), Person.objects.count(), AuditEvent.objects.count()) == before


def test_refused_before_acceptance_twice_without_identity_and_for_others(world: World) -> None:
    referral = imported(world, accept=False)
    _refused(lambda: referral_case_register(actor=world.importer, referral_id=referral.pk), "not_accepted")
    referral_accept(actor=world.importer, referral_id=referral.pk)
    referral_case_register(actor=world.importer, referral_id=referral.pk)
    _refused(lambda: referral_case_register(actor=world.importer, referral_id=referral.pk), "conflict")
    _refused(lambda: referral_case_register(actor=world.sender, referral_id=world.referral.pk), "not_from_abroad")
    colleague_elsewhere = make_user(world.br_org, roles=("case_manager",))
    _refused(lambda: referral_case_register(actor=colleague_elsewhere, referral_id=referral.pk), "not_found")


def test_refused_when_the_identity_was_not_shared(db: Any) -> None:
    world = make_world(sections=())
    referral = imported(world)
    _refused(lambda: referral_case_register(actor=world.importer, referral_id=referral.pk), "identity_not_shared")


class _FromAbroad:
    permitted_role = "case_manager"
    scope = "organization"
    method = "post"
    model: ClassVar[type[models.Model] | None] = Referral

    @pytest.fixture
    def home_org(self, db: Any) -> Organization:
        return make_organization("UA")

    def make_object(self, organization: Organization) -> Referral:
        world = make_world(sections=("identity",))
        world.importer.organization = organization
        world.importer.save()
        return imported(world)

    def url_kwargs(self, obj: Any) -> dict[str, Any]:
        return {"pk": obj.pk}


class TestRegisterCaseFromAbroadView(_FromAbroad, AccessCase):
    url_name = "referrals:register_case"
    permitted_status = 302

    def check_permitted(self, response: Any, obj: Any) -> None:
        obj.refresh_from_db()
        assert obj.case_id is not None and response["Location"].endswith(f"/cases/{obj.case_id}/")


class TestRegisterCaseFromAbroadApi(_FromAbroad, AccessCase):
    url_name = "api:referral-register-case"
    permitted_status = 201

    def check_permitted(self, response: Any, obj: Any) -> None:
        obj.refresh_from_db()
        assert response.json()["case"] == obj.case_id and obj.case_id is not None


def test_the_receivers_page_offers_the_registration(world: World) -> None:
    referral = imported(world)
    client = sign_in(Client(), world.importer)
    page = client.get(reverse("referrals:detail", kwargs={"pk": referral.pk})).content.decode()
    assert reverse("referrals:register_case", kwargs={"pk": referral.pk}) in page
    # Who sent it, as the bundle says: the Brazilian organization, its country, its case number and contacts.
    assert "Abrigo Esperança" in page and "Brazil" in page and world.case.case_number in page
    assert "+556533221100" in page
    client.post(reverse("referrals:register_case", kwargs={"pk": referral.pk}))
    page = client.get(reverse("referrals:detail", kwargs={"pk": referral.pk})).content.decode()
    assert reverse("referrals:register_case", kwargs={"pk": referral.pk}) not in page
    referral.refresh_from_db()
    assert reverse("cases:referrals", kwargs={"pk": referral.case_id}) in page  # the case registered here
