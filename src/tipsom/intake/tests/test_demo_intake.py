"""`tipsom demo` intake: Colombia's labour inspectors' field submissions waiting in the identifier's review queue
(a few children, persons already registered spelt differently, three accepted and one rejected), and Morocco's
register source that imports demo/morocco-register.xlsx as demo/README.md says (148 rows, rows 42 and 99 refused);
deterministic from the seed, and a second run adds nothing."""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from tipsom.audit.models import AuditEvent
from tipsom.cases.demo import cases_load, loaded_counts, plan_case
from tipsom.cases.models import Case
from tipsom.core.context import action_context
from tipsom.demo.services import demo_config, demo_load, demo_options
from tipsom.intake import jobs
from tipsom.intake.demo import (
    AUDIT_ACTION,
    intake_config,
    near_spelling,
    plan_colombia,
    registered_persons,
    seed,
)
from tipsom.intake.handlers import open_value
from tipsom.intake.models import FieldForm, ImportJob, ImportRow, RegisterSource, Submission
from tipsom.intake.selectors import source_list
from tipsom.intake.submissions.answers import Columns
from tipsom.intake.submissions.draft import DraftBuilder
from tipsom.intake.submissions.selectors import submission_list
from tipsom.intake.submissions.services import submission_registration
from tipsom.matching.selectors import SEX_OF_GENDER, match_check

COUNTRIES = ("CO", "MA")
CASES = 30  # per country: the registry the inspectors' persons are checked against
REGISTER = Path(settings.BASE_DIR) / "demo" / "morocco-register.xlsx"
README = Path(settings.BASE_DIR) / "demo" / "README.md"


def _country(code: str) -> dict[str, Any]:
    return next(country for country in demo_config()["countries"] if country["code"] == code)


def _options() -> Any:
    options = demo_options(seed=2026, cases_per_country=CASES)
    return dataclasses.replace(options, countries=tuple(c for c in options.countries if c["code"] in COUNTRIES))


@pytest.fixture
def demo(form_key_file: Path) -> tuple[Any, Any]:
    """The demo's organizations and users, CO's and MA's first cases, then the intake seeder once."""
    demo_load(cases_per_country=0)
    assert not Submission.objects.exists() and not RegisterSource.objects.exists()  # nothing without cases
    options = _options()
    cases_load(options, service_cases=1)
    began = time.perf_counter()
    report = seed(options)
    print(f"intake demo: {report.summary} in {time.perf_counter() - began:.2f} s")
    return options, report


def _names(registration: dict[str, Any]) -> list[str]:
    person = registration.get("person") or {}
    return [str(name.get("name", "")) for name in person.get("names") or [] if name.get("name")]


def _candidates(user: Any, registration: dict[str, Any]) -> list[Any]:
    """The registry check the review page shows for a draft (as submissions.views.draft_match_check calls it)."""
    person = registration["person"]
    return match_check(
        user=user,
        names=_names(registration),
        birth_date=str(person.get("birth_date") or ""),
        sex=SEX_OF_GENDER.get(str(person.get("gender") or ""), ""),
        citizenships=list(person.get("citizenships") or []),
    ).candidates


@pytest.mark.django_db
def test_colombian_inspectors_submissions_wait_for_review(demo: tuple[Any, Any]) -> None:
    options, report = demo
    spec = intake_config()["colombia"]
    identifier = options.users["co.identifier"]
    labour = options.organizations["co-labour"]
    assert report.countries == ["CO", "MA"] and report.refused == []

    form = FieldForm.objects.get(country="CO")
    assert AuditEvent.objects.filter(action="intake.form_publish", object_id=str(form.pk)).exists()
    job = ImportJob.objects.get(kind=ImportJob.Kind.SUBMISSIONS)
    assert (job.owner_organization, job.created_by, job.status) == (labour, identifier, ImportJob.Status.DONE)
    assert job.counts["imported"] == spec["submissions"] and job.counts["failed"] == 0
    submissions = Submission.objects.filter(owner_organization=labour)
    assert submissions.count() == report.submissions == spec["submissions"] == 44
    assert set(submissions.values_list("form_version", flat=True)) == {form.version}

    # The identifier's queue: forty waiting, and the history of four decided.
    queue = submission_list(user=identifier)
    assert queue.count() == report.pending == 40
    statuses = Counter(submission_list(user=identifier, status=None).values_list("status", flat=True))
    assert statuses == {"pending": 40, "accepted": 3, "rejected": 1}
    for accepted in submissions.filter(status="accepted"):
        assert accepted.case is not None and accepted.case.owner_organization == labour
        assert accepted.reviewed_by == identifier
    rejected = submissions.get(status="rejected")
    assert rejected.reject_reason == spec["reject_reason"] and rejected.case is None
    assert Counter(
        AuditEvent.objects.filter(action__startswith="intake.submission_").values_list("action", flat=True)
    ) == {"intake.submission_accept": 3, "intake.submission_reject": 1}

    # What the inspectors met: forced labour in farms, mines, building sites and homes, over the last weeks.
    registrations = {s.instance_id: submission_registration(s) for s in submissions}
    industries = Counter(code for r in registrations.values() for code in r["case"]["industries"])
    assert set(industries) == {
        "A_AgricultureForestryAndFishing",
        "B_MiningAndQuarrying",
        "F_Construction",
        "T_ActivitiesOfHouseholdsAsEmployers",
    }
    labour_forms = {"ForcedLabour", "ChildLabour"}
    assert all(labour_forms & set(r["case"]["exploitation_types"]) for r in registrations.values())
    days = [r["case"]["identified_on"] for r in registrations.values()]
    oldest = (timezone.localdate() - timedelta(days=spec["days"])).isoformat()
    assert oldest <= min(days) and max(days) <= timezone.localdate().isoformat()
    assert {r["person"]["citizenships"][0] for r in registrations.values()} == {"CO", "VE"}
    assert 1 <= report.children <= 10
    children = [r for r in registrations.values() if "ChildLabour" in r["case"]["exploitation_types"]]
    assert len(children) == report.children
    assert all(c["given_by"] in ("guardian", "parent") for r in children for c in r["consents"])
    assert submissions.filter(status="pending", submitter__startswith="inspeccion.").count() == 40

    # Persons of the demo registry submitted again: the review's registry check finds them.
    planned = plan_colombia(
        _country("CO"),
        seed=options.seed,
        now=options.now,
        form_id=form.form_id,
        version=form.version,
        registered=registered_persons(
            _country("CO"), seed=options.seed, loaded=loaded_counts()["CO"], organization="labour", wanted=2
        ),
    )
    assert [item.answers["instanceID"] for item in planned] == list(
        submissions.order_by("pk").values_list("instance_id", flat=True)
    )
    duplicates = [item.answers["instanceID"] for item in planned if item.duplicate]
    assert len(duplicates) == report.duplicates == spec["duplicates"] == 2
    for instance_id in duplicates:
        submission = submissions.get(instance_id=instance_id)
        assert submission.status == "pending"
        candidates = _candidates(identifier, registrations[instance_id])
        assert candidates, instance_id
        assert candidates[0].probability >= 0.5
    # The others are new persons (the registry check finds no one for most of them).
    pending = submissions.filter(status="pending").order_by("pk").values_list("instance_id", flat=True)
    others = [instance_id for instance_id in pending if instance_id not in duplicates]
    assert sum(bool(_candidates(identifier, registrations[i])) for i in others[:10]) <= 2

    # A second run adds nothing.
    before = (Submission.objects.count(), ImportJob.objects.count(), Case.objects.count(), AuditEvent.objects.count())
    again = seed(options)
    assert again.countries == [] and again.submissions == 0 and again.sources == []
    after = (Submission.objects.count(), ImportJob.objects.count(), Case.objects.count(), AuditEvent.objects.count())
    assert after == before
    assert AuditEvent.objects.filter(action=AUDIT_ACTION).count() == 2


@pytest.mark.django_db
def test_moroccan_register_imports_with_the_seeded_source(demo: tuple[Any, Any]) -> None:
    options, report = demo
    spec = intake_config()["morocco"]
    case_manager = options.users["ma.ngo.case"]
    ngo = options.organizations["ma-ngo"]
    source = source_list(user=case_manager).get(name="Registre Rabat 2019-2024")
    assert source.owner_organization == ngo and source.created_by == case_manager
    assert report.sources == [spec["source"]]
    assert not ImportJob.objects.filter(kind=ImportJob.Kind.REGISTER).exists()  # left for the user to import
    cases_before = Case.objects.filter(owner_organization=ngo).count()

    # As ma.ngo.case would: a dry run first, then the valid rows only.
    with action_context(channel="web"):
        dry = jobs.job_create(
            actor=case_manager,
            organization=ngo,
            kind=ImportJob.Kind.REGISTER,
            stream=REGISTER,
            file_name=REGISTER.name,
            source=source,
            mode=ImportJob.Mode.VALID_ONLY,
            dry_run=True,
        )
        dry = jobs.job_start(actor=case_manager, job_id=dry.pk, background=False)
        dry = jobs.job_run(dry.pk, run_id=dry.task_id)
        assert dry.status == ImportJob.Status.DONE
        assert (dry.counts["valid"], dry.counts["failed"], dry.counts["imported"]) == (148, 2, 0)
        assert Case.objects.filter(owner_organization=ngo).count() == cases_before
        real = jobs.job_copy_for_real(actor=case_manager, job_id=dry.pk, background=False)
        real = jobs.job_run(real.pk, run_id=real.task_id)
    assert real.status == ImportJob.Status.DONE
    assert (real.counts["imported"], real.counts["failed"]) == (148, 2)
    assert Case.objects.filter(owner_organization=ngo).count() == cases_before + 148

    failed = {row.row_number: row.errors for row in ImportRow.objects.filter(job=real, status="failed")}
    assert sorted(failed) == [42, 99]  # the heading is row 1
    [future] = failed[42]
    assert (future["column"], future["code"]) == ("Date d'identification", "future_date")
    [unknown] = failed[99]
    assert (unknown["column"], unknown["code"]) == ("Nationalité", "unknown_code")
    # In the importing user's language (ma.ngo.case reads Arabic), naming the accepted codes.
    assert "ISO 3166-1" in unknown["message"]
    assert open_value(unknown["value"]) == "Atlante"

    # What the mapping made of the words of the register.
    imported = Case.objects.filter(owner_organization=ngo).exclude(pk__lte=0).order_by("-pk")[:148]
    types = Counter(case.case_type for case in imported)
    assert set(types) == {"tip", "som"}
    forms = Counter(code for case in imported for code in case.exploitation_types)
    assert set(forms) == {"SexualExploitation", "ForcedLabour", "Servitude", "ForcedBegging"}
    assert {case.region for case in imported} == {"MA-04", "MA-06", "MA-02", "MA-01"}
    citizenships = Counter(code for case in imported for code in case.person.citizenships)
    assert set(citizenships) == {"MA", "CI", "GN", "SN", "CM", "PH"}
    assert {case.person.gender for case in imported} == {"Feminine", "Masculine"}


def test_the_readme_names_the_seeded_user_and_source() -> None:
    text = README.read_text(encoding="utf-8")
    spec = intake_config()["morocco"]
    assert f"`{spec['country'].lower()}.{spec['user']}`" in text and f'"{spec["source"]}"' in text


@pytest.mark.django_db
def test_the_plan_is_deterministic_and_every_submission_valid(form_key_file: Path) -> None:
    from tipsom.intake.tests.submission_support import publish_form

    form = publish_form("CO")
    country = _country("CO")
    now = timezone.now()
    first = plan_colombia(country, seed=2026, now=now, form_id=form.form_id, version=form.version)
    again = plan_colombia(country, seed=2026, now=now, form_id=form.form_id, version=form.version)
    assert [item.answers for item in first] == [item.answers for item in again]
    other = plan_colombia(country, seed=7, now=now, form_id=form.form_id, version=form.version)
    assert [item.answers["prs_FirstName"] for item in other] != [item.answers["prs_FirstName"] for item in first]
    builder = DraftBuilder("CO")
    for item in first:
        columns = Columns.of(list(item.answers))
        checked = builder.build(columns.answers(item.answers), columns)
        assert checked.errors == [], (item.situation, checked.errors)
    assert Counter(item.decision for item in first) == {"": 40, "accept": 3, "reject": 1}


def test_persons_submitted_again_are_one_of_the_inspection_then_others() -> None:
    country = _country("CO")
    persons = registered_persons(country, seed=2026, loaded=190, organization="labour", wanted=2)
    owners: dict[str, str] = {}
    for index in range(190):
        spec = plan_case(country, index, 2026)
        owners.setdefault(spec.person["names"][0]["name"], spec.owner)
    assert [owners[person.name] == "labour" for person in persons] == [True, False]
    assert all(len(person.birth_date) == 10 and person.citizenship in ("CO", "VE") for person in persons)
    first, family = near_spelling(persons[0])
    assert f"{first} {family}" != persons[0].name
