"""The intake app's demo data (`tipsom demo`, the "intake" seeder, after the cases, matching and the helpline):

- Colombia: the field form published for CO (as `tipsom intake xlsform` publishes it), then about forty submissions
  of the labour inspectors' interviews (forced labour in coffee, palm and flower farms, gold mines, building sites
  and homes; a few children; a couple of persons already in the demo registry, spelt a little differently, so the
  review shows its possible-duplicate panel), brought in as an ODK Central CSV export of that form through the
  import engine (the submissions' row handler, run in-process as `tipsom intake import` runs it) by the labour
  inspection's identifier (`co.identifier`). They wait in that identifier's review queue; three are accepted and
  one rejected with its reason, so the queue has a history too.
- Morocco: the NGO's register source "Registre Rabat 2019-2024" with the column and value mappings that fit
  demo/morocco-register.xlsx, created as its case manager (`ma.ngo.case`). The file is left for the user to import.

Everything goes through the intake app's services and engine; the submissions are planned from (seed, now) and the
demo registry's planned cases alone (intake/data/demo_intake.json holds the situations and the mappings). One
`demo.intake` audit event per country records the load; a second run adds nothing."""

from __future__ import annotations

import json
import random
import unicodedata
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from itertools import zip_longest
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from tipsom.audit.models import AuditEvent
from tipsom.audit.services import audit_record
from tipsom.cases.demo import cases_config, loaded_counts, plan_case, synthetic_name, synthetic_phone
from tipsom.core.errors import ApplicationError
from tipsom.intake import jobs
from tipsom.intake.models import FieldForm, ImportJob, Submission
from tipsom.intake.selectors import source_list
from tipsom.intake.services import source_create
from tipsom.intake.submissions.services import field_form_publish, submission_accept, submission_reject
from tipsom.intake.submissions.testing import odk_csv

AUDIT_ACTION = "demo.intake"
DATA_FILE = Path(__file__).resolve().parent / "data" / "demo_intake.json"


@cache
def intake_config() -> dict[str, Any]:
    return dict(json.loads(DATA_FILE.read_text(encoding="utf-8")))


@dataclass
class IntakeReport:
    submissions: int = 0
    pending: int = 0
    accepted: int = 0
    rejected: int = 0
    duplicates: int = 0
    children: int = 0
    sources: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """The line `tipsom demo` prints."""
        sources = ", ".join(f"“{name}”" for name in self.sources) or "none"
        return (
            f"Intake: {self.submissions} field submissions imported ({self.pending} waiting for review, "
            f"{self.accepted} accepted, {self.rejected} rejected; {self.duplicates} of persons already registered, "
            f"{self.children} children); register sources created: {sources} (demo/morocco-register.xlsx to import)."
        )


def loaded_countries() -> set[str]:
    return set(AuditEvent.objects.filter(action=AUDIT_ACTION).values_list("object_id", flat=True))


# --- The plan of Colombia's submissions (no database) -------------------------------------------------------------
@dataclass
class PlannedSubmission:
    answers: dict[str, str]  # by question name, the metadata included (testing.odk_csv writes the export)
    situation: str
    child: bool = False
    duplicate: bool = False  # a person already in the registry, spelt a little differently
    decision: str = ""  # "accept", "reject" or "" (waits for review)


@dataclass(frozen=True)
class RegisteredPerson:
    """A person of the demo registry (a planned case of the cases demo that was loaded) to submit again."""

    name: str
    gender: str
    birth_date: str  # exact, ISO
    citizenship: str
    region: str


def _weighted(rng: random.Random, items: list[dict[str, Any]]) -> dict[str, Any]:
    return rng.choices(items, weights=[item["weight"] for item in items])[0]


def _split_name(name: str, citizenship: str) -> tuple[str, str]:
    """(first names, family names) of a name from the cases demo's pools (their family names come last)."""
    count = cases_config()["pools"].get(citizenship, {}).get("family_count", 1)
    words = name.split()
    if len(words) <= count:
        return words[0], " ".join(words[1:])
    return " ".join(words[:-count]), " ".join(words[-count:])


def _without_accents(text: str) -> str:
    return "".join(char for char in unicodedata.normalize("NFD", text) if not unicodedata.combining(char))


def near_spelling(person: RegisteredPerson) -> tuple[str, str]:
    """The registered name as an inspector might write it down: without the second family name, or the accents."""
    first, family = _split_name(person.name, person.citizenship)
    families = family.split()
    if len(families) > 1:
        return first, families[0]
    return _without_accents(first), _without_accents(family)


def _moment(day: date, hour: int, minute: int) -> str:
    return f"{day.isoformat()}T{hour:02d}:{minute:02d}:00.000-05:00"  # Colombia's time, as Collect writes it


def plan_colombia(
    country: dict[str, Any],
    *,
    seed: int,
    now: datetime,
    form_id: str,
    version: str,
    registered: Sequence[RegisteredPerson] = (),
) -> list[PlannedSubmission]:
    """The labour inspectors' submissions, from (seed, now), the form and the registered persons to submit again."""
    spec = intake_config()["colombia"]
    today = timezone.localtime(now).date()
    regions = {region for situation in spec["situations"] for region in situation["regions"]}
    duplicates = list(registered)[: spec["duplicates"]]
    planned: list[PlannedSubmission] = []
    for number in range(spec["submissions"]):
        # One generator per submission: a person submitted again in its place leaves the others as they are.
        rng = random.Random(f"{seed}:intake:{country['code']}:{number}")  # noqa: S311 (synthetic data)
        situation = _weighted(rng, spec["situations"])
        identified = today - timedelta(days=rng.randint(1, spec["days"]))  # interviews of the days before
        child = bool(situation["children"]) and rng.random() < spec["child_share"]
        venezuelan = rng.random() < spec["venezuelan_share"]
        citizenship = "VE" if venezuelan else "CO"
        sex = "f" if situation.get("female") else rng.choice("fm" if situation["key"] != "gold" else "mmmf")
        name, _latin = synthetic_name(rng, citizenship, sex)
        first, family = _split_name(name, citizenship)
        region = rng.choice(situation["regions"])
        duplicate = None
        if duplicates and number % 11 == 8:  # spread through the queue
            duplicate = duplicates.pop(0)
            child, citizenship = False, duplicate.citizenship
            first, family = near_spelling(duplicate)
            sex = "f" if duplicate.gender == "Feminine" else "m"
            region = duplicate.region if duplicate.region in regions else region
        forms = list(situation["forms"])
        if child:
            forms = ["ChildLabour", *[form for form in forms if form != "Servitude"]]
        hour = rng.randint(7, 15)
        answers: dict[str, str] = {
            "start": _moment(identified, hour, rng.randrange(60)),
            "end": _moment(identified, hour + 1, rng.randrange(60)),
            "today": identified.isoformat(),
            "deviceid": f"collect:{rng.randrange(10**12):012d}",
            "username": spec["enumerators"][region],
            "tipsom_FormId": form_id,
            "tipsom_FormVersion": version,
            "con_Consent": "yes",
            "prs_FirstName": first,
            "prs_SecondName": family,
            "prs_Gender": "Feminine" if sex == "f" else "Masculine",
            "prs_Citizenship": citizenship,
            "prs_PrimaryLanguage": "spa",
            "tipsom_CaseType": "tip",
            "tipsom_Acts": " ".join(rng.sample(situation["acts"], rng.randint(2, len(situation["acts"])))),
            "vic_MethodsOfControl": " ".join(rng.choice(situation["means"])),
            "vic_TypeOfExploitation": " ".join(forms),
            "vic_ForcedLabourIndustry": " ".join(situation["industries"]),
            "vic_MethodOfRecruitment": rng.choice(situation["recruitment"]),
            "vic_RelationshipToTrafficker": rng.choice(situation["relationship"]),
            "cco_CaseComment": rng.choice(situation["notes"]),
            "tipsom_IdentifiedOn": identified.isoformat(),
            "tipsom_Region": region,
            "tipsom_OriginCountry": citizenship,
            "tipsom_DestinationCountry": "CO",
            "tipsom_ConsentReferral": "given",
            "spl_Type": " ".join(rng.sample(["Health", "Legal", "LabourExploitationRehabilitation", "Shelter"], 2)),
            "tipsom_ConsentStatistics": "given",
            "tipsom_ConsentFollowUp": rng.choice(["given", "given", "refused"]),
            "instanceID": f"uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}",
        }
        if duplicate is not None:
            answers.update(tipsom_BirthDateKnown="date", prs_Birthdate=duplicate.birth_date, tipsom_IsChild="0")
        elif child:
            answers.update(tipsom_BirthDateKnown="age", tipsom_Age=str(rng.randint(14, 17)), tipsom_IsChild="1")
        elif rng.random() < 0.7:
            born = identified - timedelta(days=rng.randint(19 * 365, 52 * 365))
            answers.update(tipsom_BirthDateKnown="date", prs_Birthdate=born.isoformat(), tipsom_IsChild="0")
        else:
            answers.update(tipsom_BirthDateKnown="age", tipsom_Age=str(rng.randint(19, 50)), tipsom_IsChild="0")
        answers["tipsom_ConsentGivenBy"] = rng.choice(["guardian", "parent"]) if child else "person"
        if not child and not venezuelan and rng.random() < spec["phone_share"]:
            answers["prs_MobilePhone"] = synthetic_phone(rng, country)
        # Sent when the phone found a network again (the evening, or a few days later): never after now.
        sent = datetime.combine(
            identified + timedelta(days=rng.randint(0, 3)), time(rng.randint(17, 23), rng.randrange(60)), tzinfo=UTC
        )
        sent = min(sent, now - timedelta(minutes=rng.randint(5, 90)))
        answers["SubmissionDate"] = sent.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        answers["SubmitterName"] = answers["username"]
        planned.append(PlannedSubmission(answers, situation["key"], child=child, duplicate=duplicate is not None))
    _decide(planned, spec)
    return planned


def _decide(planned: list[PlannedSubmission], spec: dict[str, Any]) -> None:
    """The oldest interviews of adults not registered before are the ones decided already: the first accepted,
    the next rejected."""
    plain = [item for item in planned if not item.child and not item.duplicate]
    plain.sort(key=lambda item: (item.answers["tipsom_IdentifiedOn"], item.answers["instanceID"]))
    decisions = ["accept"] * spec["accept"] + ["reject"] * spec["reject"]
    for item, decision in zip(plain, decisions, strict=False):
        item.decision = decision


def registered_persons(
    country: dict[str, Any], *, seed: int, loaded: int, organization: str, wanted: int
) -> list[RegisteredPerson]:
    """`wanted` adults of the demo registry with an exact birth date, from the cases demo's plan of the cases loaded
    (read in their planned order until found): one registered by the inspection's own organization (the identifier
    may use that person), then by others (the review names only the organization that holds them), in turn."""
    own: list[RegisteredPerson] = []
    others: list[RegisteredPerson] = []
    for index in range(loaded):
        if own and len(others) >= wanted:
            break
        spec = plan_case(country, index, seed)
        person = spec.person
        citizenships = person.get("citizenships") or []
        if spec.is_child or person.get("birth_date_precision") != "exact" or not person.get("names"):
            continue
        if not citizenships or citizenships[0] not in ("CO", "VE"):
            continue
        found = RegisteredPerson(
            name=person["names"][0]["name"],
            gender=person.get("gender", ""),
            birth_date=person["birth_date"],
            citizenship=citizenships[0],
            region=spec.case.get("region", ""),
        )
        (own if spec.owner == organization else others).append(found)
    in_turn = [person for pair in zip_longest(own[:1], others) for person in pair if person is not None]
    return in_turn[:wanted]


# --- Loading ------------------------------------------------------------------------------------------------------
def _load_colombia(country: dict[str, Any], options: Any, report: IntakeReport) -> dict[str, int] | None:
    spec = intake_config()["colombia"]
    prefix = country["code"].lower()
    organization = options.organizations.get(f"{prefix}-{spec['organization']}")
    identifier = options.users.get(f"{prefix}.{spec['identifier']}")
    if organization is None or identifier is None or identifier.organization_id != organization.pk:
        return None
    form: FieldForm = field_form_publish(actor=None, country=country["code"]).form  # as `tipsom intake xlsform`
    registered = registered_persons(
        country,
        seed=options.seed,
        loaded=loaded_counts().get(country["code"], 0),
        organization=spec["organization"],
        wanted=spec["duplicates"],
    )
    planned = plan_colombia(
        country, seed=options.seed, now=options.now, form_id=form.form_id, version=form.version, registered=registered
    )
    export = odk_csv([item.answers for item in planned], form=form)
    job = jobs.job_create(
        actor=identifier,
        organization=organization,
        kind=ImportJob.Kind.SUBMISSIONS,
        stream=export,
        file_name=spec["file_name"],
    )
    job = jobs.job_start(actor=identifier, job_id=job.pk, background=False)
    job = jobs.job_run(job.pk, run_id=job.task_id)
    counts = job.counts or {}
    if job.status != ImportJob.Status.DONE or counts.get("failed"):
        report.refused.append(f"{country['code']} import {job.pk}: {job.status}, {counts.get('failed', 0)} failed")
    by_instance = dict(
        Submission.objects.filter(job=job).values_list("instance_id", "pk")
    )  # the job's own rows, as the engine linked them
    accepted = rejected = 0
    for item in planned:
        submission_id = by_instance.get(item.answers["instanceID"])
        if submission_id is None or not item.decision:
            continue
        try:
            if item.decision == "accept":
                submission_accept(actor=identifier, submission_id=submission_id)
                accepted += 1
            else:
                submission_reject(actor=identifier, submission_id=submission_id, reason=spec["reject_reason"])
                rejected += 1
        except ApplicationError as error:
            report.refused.append(f"{country['code']} submission {submission_id}: {error.code}")
    imported = len(by_instance)
    return {
        "job": job.pk,
        "submissions": imported,
        "pending": imported - accepted - rejected,
        "accepted": accepted,
        "rejected": rejected,
        "duplicates": sum(item.duplicate for item in planned if item.answers["instanceID"] in by_instance),
        "children": sum(item.child for item in planned if item.answers["instanceID"] in by_instance),
    }


def _load_morocco(country: dict[str, Any], options: Any, report: IntakeReport) -> dict[str, int] | None:
    spec = intake_config()["morocco"]
    prefix = country["code"].lower()
    organization = options.organizations.get(f"{prefix}-{spec['organization']}")
    user = options.users.get(f"{prefix}.{spec['user']}")
    if organization is None or user is None or user.organization_id != organization.pk:
        return None
    if source_list(user=user).filter(owner_organization=organization, name=spec["source"]).exists():
        return {"sources": 0}  # the organization named a register so before the demo: left as it is
    source_create(
        actor=user,
        organization=organization,
        name=spec["source"],
        column_mapping=dict(spec["column_mapping"]),
        value_mappings={name: dict(values) for name, values in spec["value_mappings"].items()},
    )
    report.sources.append(spec["source"])
    return {"sources": 1}


LOADERS = {
    intake_config()["colombia"]["country"]: _load_colombia,
    intake_config()["morocco"]["country"]: _load_morocco,
}


def seed(options: Any) -> IntakeReport:
    """The "intake" demo seeder (registered from intake/plugins.py)."""
    report = IntakeReport()
    if options.cases_per_country == 0:  # organizations and users only
        return report
    done = loaded_countries()
    for country in options.countries:
        code = country["code"]
        load = LOADERS.get(code)
        if load is None or code in done:
            continue
        with transaction.atomic():
            counts = load(country, options, report)
            if counts is None:  # the country's demo staff are not as planned
                continue
            audit_record(
                actor=None,
                action=AUDIT_ACTION,
                object_type=AUDIT_ACTION,
                object_id=code,
                changes={"seed": options.seed, **counts},
            )
        for name in ("submissions", "pending", "accepted", "rejected", "duplicates", "children"):
            setattr(report, name, getattr(report, name) + counts.get(name, 0))
        report.countries.append(code)
    return report
