"""Legal provision services and the seed: an administrator adds, changes and deactivates the laws of their
country; bad input is refused with a clear error and changes nothing; the seed loads once and again safely."""

from __future__ import annotations

import datetime
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError, Conflict, NotFound
from tipsom.justice.models import Charge, LegalProvision
from tipsom.justice.services.provisions import (
    provision_create,
    provision_deactivate,
    provision_update,
    provisions_seed,
    seed_rows,
)
from tipsom.justice.testing import make_criminal_case, make_provision, make_suspect
from tipsom.organizations.testing import make_organization

GOOD: dict[str, Any] = {
    "law": "Test Law 1/2026",
    "article": "art. 7",
    "title": "Trafficking in persons",
    "offence_type": "tip",
    "penalty_min_months": "48",
    "penalty_max_months": 96,
    "source": "Official gazette",
}


@pytest.fixture
def admin(db: Any) -> Any:
    return make_user(make_organization("BR"), roles=("system_administrator",))


def test_seed_is_loaded_by_the_migration_for_every_glo_act_country(db: Any) -> None:
    brazil = LegalProvision.objects.get(country="BR", law="Law 13.344/2016", article="art. 149-A")
    assert (brazil.offence_type, brazil.iccs_code, brazil.penalty_min_months, brazil.penalty_max_months) == (
        "tip",
        "0204",
        48,
        96,
    )
    smuggling = LegalProvision.objects.get(country="BR", law="Law 13.445/2017", article="art. 232-A")
    assert (smuggling.offence_type, smuggling.iccs_code, smuggling.penalty_min_months) == ("som", "08051", 24)
    assert LegalProvision.objects.filter(country="CO", article__in=["art. 188-A", "art. 188"]).count() == 2
    countries = set(LegalProvision.objects.values_list("country", flat=True))
    assert {"BR", "BY", "CO", "EG", "KG", "LA", "MA", "ML", "NE", "NP", "PK", "UA", "ZA"} <= countries
    assert all(row["source"] for row in seed_rows())  # every fact names where it comes from
    for row in seed_rows():
        low, high = row["penalty_min_months"], row["penalty_max_months"]
        assert low is None or high is None or low <= high


def test_seed_again_changes_nothing_and_update_restores_the_seed(db: Any) -> None:
    before = LegalProvision.objects.count()
    assert provisions_seed().created == 0
    assert LegalProvision.objects.count() == before
    brazil = LegalProvision.objects.get(country="BR", article="art. 149-A")
    LegalProvision.objects.filter(pk=brazil.pk).update(penalty_max_months=100)
    assert provisions_seed().updated == 0  # an administrator's edit is kept unless asked
    result = provisions_seed(update=True)
    assert result.updated == 1 and result.created == 0
    brazil.refresh_from_db()
    assert brazil.penalty_max_months == 96
    assert AuditEvent.objects.filter(action="justice.provision.seed").count() == 3


def test_command_loads_the_seed(db: Any) -> None:
    LegalProvision.objects.filter(country="PK").delete()
    out = StringIO()
    call_command("justice", "provisions", stdout=out)
    assert "2 created" in out.getvalue()
    assert LegalProvision.objects.filter(country="PK").count() == 2


def test_administrator_adds_a_provision_of_their_country(admin: Any) -> None:
    provision = provision_create(actor=admin, **GOOD)
    assert (provision.country, provision.iccs_code, provision.penalty_min_months) == ("BR", "0204", 48)
    event = AuditEvent.objects.get(action="justice.provision.create", object_id=str(provision.pk))
    assert event.changes["law"] == "Test Law 1/2026"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"penalty_min_months": 120, "penalty_max_months": 60}, "penalty_max_months"),
        ({"penalty_min_months": -1}, "penalty_min_months"),
        ({"penalty_max_months": "ten"}, "penalty_max_months"),
        ({"penalty_max_months": 7.5}, "penalty_max_months"),
        ({"offence_type": "piracy"}, "offence_type"),
        ({"law": ""}, "law"),
        ({"iccs_code": "02-04"}, "iccs_code"),
        ({"in_force_from": "2020-01-01", "in_force_until": "2019-01-01"}, "in_force_until"),
        ({"law": "Law 13.344/2016", "article": "art. 149-A"}, "article"),  # the seeded one: a duplicate
    ],
)
def test_bad_input_is_refused_and_saves_nothing(admin: Any, change: dict[str, Any], field: str) -> None:
    before = LegalProvision.objects.count()
    with pytest.raises(ApplicationError) as refused:
        provision_create(actor=admin, **{**GOOD, **change})
    assert field in refused.value.extra["fields"]
    assert LegalProvision.objects.count() == before
    assert not AuditEvent.objects.filter(action="justice.provision.create").exists()


def test_a_role_without_the_permission_cannot_add(db: Any) -> None:
    prosecutor = make_user(make_organization("BR"), roles=("prosecutor",))
    with pytest.raises(NotFound):
        provision_create(actor=prosecutor, **GOOD)


def test_update_checks_the_pair_of_penalties_and_the_version(admin: Any) -> None:
    provision = make_provision("BR", penalty_min_months=24, penalty_max_months=60)
    with pytest.raises(ApplicationError) as refused:
        provision_update(actor=admin, provision_id=provision.pk, version=1, penalty_min_months=72)
    assert "penalty_max_months" in refused.value.extra["fields"]
    with pytest.raises(Conflict):
        provision_update(actor=admin, provision_id=provision.pk, version=7, title="New")
    updated = provision_update(actor=admin, provision_id=provision.pk, version=1, penalty_max_months=84)
    assert (updated.penalty_max_months, updated.version) == (84, 2)
    event = AuditEvent.objects.get(action="justice.provision.update")
    assert event.changes == {"penalty_max_months": [60, 84]}


def test_update_refuses_a_duplicate_article(admin: Any) -> None:
    first = make_provision("BR", law="Law X", article="art. 1")
    second = make_provision("BR", law="Law X", article="art. 2")
    with pytest.raises(ApplicationError) as refused:
        provision_update(actor=admin, provision_id=second.pk, version=1, article="art. 1")
    assert refused.value.code == "duplicate"
    second.refresh_from_db()
    assert second.article == "art. 2" and first.article == "art. 1"


def test_another_countrys_provision_is_not_found(admin: Any) -> None:
    colombian = LegalProvision.objects.get(country="CO", article="art. 188-A")
    with pytest.raises(NotFound):
        provision_update(actor=admin, provision_id=colombian.pk, version=None, title="Changed")
    with pytest.raises(NotFound):
        provision_deactivate(actor=admin, provision_id=colombian.pk)
    colombian.refresh_from_db()
    assert colombian.is_active and colombian.title.startswith("Trata")


def test_a_provision_used_by_charges_is_deactivated_never_deleted(admin: Any) -> None:
    provision = make_provision("BR")
    unit = make_organization("BR")
    suspect = make_suspect(make_criminal_case(unit))
    Charge.objects.create(
        criminal_case=suspect.criminal_case,
        suspect=suspect,
        provision=provision,
        offence_type=provision.offence_type,
        charged_on=datetime.date(2026, 1, 5),
    )
    provision_deactivate(actor=admin, provision_id=provision.pk, version=1)
    provision.refresh_from_db()
    assert not provision.is_active and provision.charges.count() == 1
    assert AuditEvent.objects.filter(action="justice.provision.deactivate", object_id=str(provision.pk)).exists()
