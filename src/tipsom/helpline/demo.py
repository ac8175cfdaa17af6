"""The helpline's demo data (`tipsom demo`, the "helpline" seeder, after the cases, referrals and criminal justice):
Pakistan's helpline with about 600 contacts over the last six months in Urdu and English (an awareness campaign's
week shows a peak), and about 30 contacts at every other country's helpline.

Each country's contacts are planned from (seed, country) alone: days weighted by weekday (and the campaign week),
hours by the hour of day, then a channel, a type (three in ten counted, not described: silent, hang-up, wrong
number, prank), a language, who contacted and a situation of the data file (helpline/data/demo_helpline.json), in
the contact's language where the file has it. Everything goes through the helpline's services as the country's
helpline operator (`<cc>.helpline`) and supervisor (`<cc>.helpline.supervisor`) would do it: contacts recorded in
order of time, repeat callers linked to their first contact's situation, cases opened with the consents (through the
ordinary registration), referrals to the directory, callbacks scheduled and answered (on time, late, missed, or
still due), two numbers blocked, a sample of closed contacts reviewed. The times a service sets to "now" (a contact
closed, a callback due and made) are then moved back to the contact's own time: six months are loaded in seconds.
One `demo.helpline` audit event per country records the load; a second run adds nothing."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from tipsom.accounts.models import User
from tipsom.audit.models import AuditEvent
from tipsom.audit.services import audit_record
from tipsom.cases.demo import synthetic_name, synthetic_phone
from tipsom.core.errors import ApplicationError
from tipsom.helpline import services
from tipsom.helpline.models import NON_DATA_TYPES, Callback, Contact
from tipsom.helpline.selectors_review import review_sample
from tipsom.helpline.services import blocks, review
from tipsom.organizations.models import Organization

AUDIT_ACTION = "demo.helpline"
DATA_FILE = Path(__file__).resolve().parent / "data" / "demo_helpline.json"
SHOWCASE = "PK"
RECENT_OPEN_DAYS = 3  # contacts of the last days are still open more often: the queue has work
CONSENT_SHARE = 0.3  # of the callers who give a number, those who agree to be called back
REPEAT_SHARE = 0.08  # of the contacts about a person, a caller who calls again about the same situation


@cache
def helpline_config() -> dict[str, Any]:
    return dict(json.loads(DATA_FILE.read_text(encoding="utf-8")))


@dataclass
class HelplineReport:
    contacts: int = 0
    cases: int = 0
    referrals: int = 0
    callbacks: int = 0
    blocks: int = 0
    reviews: int = 0
    linked: int = 0
    countries: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        """The line `tipsom demo` prints."""
        return (
            f"Helplines: {self.contacts} contacts ({self.linked} linked to an earlier one), {self.cases} cases opened, "
            f"{self.referrals} referrals, {self.callbacks} callbacks, {self.blocks} blocked numbers, "
            f"{self.reviews} reviews."
        )


def loaded_countries() -> set[str]:
    return set(AuditEvent.objects.filter(action=AUDIT_ACTION).values_list("object_id", flat=True))


def _weighted(rng: random.Random, pairs: list[list[Any]]) -> Any:
    return rng.choices([pair[0] for pair in pairs], weights=[pair[1] for pair in pairs])[0]


# --- The plan (no database) ---------------------------------------------------------------------------------------
@dataclass
class PlannedContact:
    started_at: datetime
    fields: dict[str, Any]
    situation: dict[str, Any] | None = None
    repeat_of: int | None = None  # the index of the earlier contact about the same situation
    campaign: bool = False


def campaign_week(now: datetime, weeks_ago: int) -> tuple[date, date]:
    """The Monday-to-Sunday week `weeks_ago` weeks before the current one."""
    today = timezone.localtime(now).date()
    monday = today - timedelta(days=today.weekday(), weeks=weeks_ago)
    return monday, monday + timedelta(days=6)


def _times(
    rng: random.Random, now: datetime, count: int, days: int, campaign: tuple[date, date] | None, factor: float
) -> list[tuple[datetime, bool]]:
    """`count` times within the last `days` days, in the deployment's time zone, the oldest first: days weighted by
    weekday (and the campaign week by `factor`), hours by the hour of day; never in the future."""
    config = helpline_config()
    today = timezone.localtime(now).date()
    calendar = [today - timedelta(days=n) for n in range(days)]
    weights = []
    for day in calendar:
        weight = config["weekdays"][day.weekday()]
        if campaign and campaign[0] <= day <= campaign[1]:
            weight *= factor
        weights.append(weight)
    zone = timezone.get_current_timezone()
    result = []
    for day in rng.choices(calendar, weights=weights, k=count):
        hour = rng.choices(range(24), weights=config["hours"])[0]
        moment = datetime.combine(day, time(hour, rng.randrange(60), rng.randrange(60)), tzinfo=zone)
        if moment > now - timedelta(minutes=10):
            moment = now - timedelta(minutes=rng.randint(10, 600))
        in_campaign = bool(campaign and campaign[0] <= timezone.localtime(moment).date() <= campaign[1])
        result.append((moment, in_campaign))
    return sorted(result)


def _text(texts: dict[str, str], language: str) -> str:
    return texts.get(language) or texts["eng"]


def plan_country(country: dict[str, Any], *, seed: int, now: datetime) -> list[PlannedContact]:
    """The country's contacts, from (seed, country) and now alone."""
    config = helpline_config()
    code = country["code"]
    rng = random.Random(f"{seed}:helpline:{code}")  # noqa: S311 (synthetic data)
    showcase = code == SHOWCASE
    spec = config["pakistan"] if showcase else config["other_countries"]
    campaign = campaign_week(now, spec["campaign"]["weeks_ago"]) if showcase else None
    factor = spec["campaign"]["factor"] if showcase else 1.0
    situations = config["pakistan_situations"] if showcase else config["situations"]
    questions = config["pakistan_questions"] if showcase else config["questions"]
    languages = config["languages"].get(code, [["eng", 100]])
    numbers: list[tuple[str, str, int]] = []  # (number, caller's name, contact index) of the callers about a person
    planned: list[PlannedContact] = []
    for moment, in_campaign in _times(rng, now, spec["contacts"], spec["days"], campaign, factor):
        contact_type = _weighted(rng, config["campaign_types" if in_campaign else "types"])
        channel = _weighted(rng, config["campaign_channels" if in_campaign else "channels"])
        fields: dict[str, Any] = {"started_at": moment, "channel": channel, "contact_type": contact_type}
        if contact_type in NON_DATA_TYPES:
            if channel not in ("phone", "sms", "whatsapp"):
                fields["channel"] = "phone"
            fields["duration_seconds"] = rng.randint(3, 60)
            planned.append(PlannedContact(moment, fields, campaign=in_campaign))
            continue
        language = _weighted(rng, languages)
        fields.update(language=language, duration_seconds=rng.randint(90, 1500))
        if channel in ("web_form", "email", "letter"):
            fields["duration_seconds"] = None
        repeat_of = None
        if contact_type == "information":
            situation = None
            fields.update(
                caller_role=_weighted(rng, config["caller_roles"]), summary=_text(rng.choice(questions), language)
            )
            fields["actions"] = ["information_given"]
        else:
            situation = rng.choice(situations)
            if numbers and rng.random() < REPEAT_SHARE:
                number, name, repeat_of = rng.choice(numbers)
                situation = planned[repeat_of].situation or situation
                fields.update(caller_role=planned[repeat_of].fields.get("caller_role", "family"))
                fields.update(caller_number=number, caller_name=name)
            else:
                fields["caller_role"] = _weighted(rng, config["caller_roles"])
                if contact_type == "tip" and fields["caller_role"] in ("self", "family"):
                    fields["caller_role"] = "third_party"
            fields.update(_situation_fields(rng, country, situation, language))
        if fields["caller_role"] != "anonymous" and not fields.get("caller_number"):
            sex = rng.choice(("f", "m"))
            name, latin = synthetic_name(rng, code, sex)
            fields["caller_name"] = latin if language == "eng" and latin else name
            if channel in ("phone", "sms", "whatsapp", "chat"):
                fields["caller_number"] = synthetic_phone(rng, country)
            elif channel == "email":
                fields["caller_email"] = f"caller{len(planned)}@example.org"
        if fields.get("caller_number") and contact_type != "information" and repeat_of is None:
            numbers.append((fields["caller_number"], fields.get("caller_name", ""), len(planned)))
        if fields.get("caller_number") and rng.random() < CONSENT_SHARE:
            fields.update(
                callback_consent=True,
                callback_number=fields["caller_number"],
                callback_safe_times=_text(config["callback_times"], language),
                callback_code_word=rng.choice(config["code_words"]),
                callback_no_message=rng.random() < 0.6,
            )
        planned.append(PlannedContact(moment, fields, situation, repeat_of, in_campaign))
    return planned


def _situation_fields(
    rng: random.Random, country: dict[str, Any], situation: dict[str, Any], language: str
) -> dict[str, Any]:
    regions = [region["code"] for region in country["regions"]]
    fields: dict[str, Any] = {
        "subject_age_group": situation["age"],
        "subject_gender": situation["gender"],
        "subject_count": situation["count"],
        "region": situation.get("region") if situation.get("region") in regions else rng.choice(regions),
        "summary": _text(situation["text"], language),
        "acts": list(situation["acts"]),
        "means_of_control": list(situation["means"]),
        "exploitation_types": list(situation["forms"]),
        "industries": list(situation["industries"]),
        "urgency": situation["urgency"],
    }
    if situation.get("place"):
        fields["place"] = _text(situation["place"], language)
    if rng.random() < 0.3:
        fields["actions"] = ["referred_police"]
    return fields


# --- Loading ------------------------------------------------------------------------------------------------------
@dataclass
class Staff:
    organization: Organization
    operator: User
    supervisor: User | None


def _staff(country: dict[str, Any], options: Any) -> Staff | None:
    prefix = country["code"].lower()
    organization = options.organizations.get(f"{prefix}-helpline")
    operator = options.users.get(f"{prefix}.helpline")
    if organization is None or operator is None or operator.organization_id != organization.pk:
        return None
    supervisor = options.users.get(f"{prefix}.helpline.supervisor")
    if supervisor is not None and supervisor.organization_id != organization.pk:
        supervisor = None
    return Staff(organization, operator, supervisor)


def _backdate(model: Any, pk: int, **times: Any) -> None:
    """Move the times a service set to now back to when the demo's story has them (see the module's docstring)."""
    model.objects.filter(pk=pk).update(**times)


def _person(rng: random.Random, code: str, contact: Contact) -> tuple[dict[str, Any], str]:
    """A synthetic person for the case opened from a contact, and who consents (a parent for a child)."""
    sex = (
        "f"
        if contact.subject_gender == "Feminine"
        else "m"
        if contact.subject_gender == "Masculine"
        else rng.choice("fm")
    )
    name, latin = synthetic_name(rng, code, sex)
    child = contact.subject_age_group == "child"
    year = timezone.localtime(contact.started_at).year - (rng.randint(10, 16) if child else rng.randint(19, 40))
    names = [{"name": name}] + ([{"name": latin}] if latin else [])
    person = {
        "names": names,
        "gender": "Feminine" if sex == "f" else "Masculine",
        "birth_date": str(year),
        "birth_date_precision": "year",
        "citizenships": [code],
    }
    return person, "parent" if child else "person"


def _load_country(country: dict[str, Any], staff: Staff, options: Any, report: HelplineReport) -> dict[str, int]:
    code = country["code"]
    rng = random.Random(f"{options.seed}:helpline-load:{code}")  # noqa: S311
    showcase = code == SHOWCASE
    now = options.now
    operator, supervisor = staff.operator, staff.supervisor
    counts = {"contacts": 0, "cases": 0, "referrals": 0, "callbacks": 0, "blocks": 0, "reviews": 0, "linked": 0}
    created: list[Contact] = []
    plan = plan_country(country, seed=options.seed, now=now)
    for item in plan:
        contact = services.contact_create(actor=operator, **item.fields)
        created.append(contact)
        counts["contacts"] += 1
        if item.repeat_of is not None:
            services.contact_situation_link(actor=operator, contact_id=contact.pk, other=created[item.repeat_of].pk)
            counts["linked"] += 1
    # Closed once dealt with (a non-data contact is closed when recorded); the last days' partly still open.
    for item, contact in zip(plan, created, strict=True):
        recent = now - item.started_at <= timedelta(days=RECENT_OPEN_DAYS)
        closed_at = min(item.started_at + timedelta(minutes=rng.randint(5, 240)), now)
        if contact.is_open and recent and rng.random() < 0.5:
            if rng.random() < 0.5:
                services.contact_assign(actor=operator, contact_id=contact.pk, assignee_id=operator.pk)
            continue
        if contact.is_open:
            services.contact_close(actor=operator, contact_id=contact.pk)
        _backdate(Contact, contact.pk, closed_at=closed_at)
    spec = helpline_config()["pakistan" if showcase else "other_countries"]
    if showcase:
        _cases_and_referrals(rng, code, plan, created, operator, spec, counts, report)
    _callbacks(rng, plan, created, operator, now, counts)
    if showcase:
        _blocks(rng, created, operator, supervisor, counts)
    if supervisor is not None:
        _reviews(rng, supervisor, now, spec["reviews"], counts)
    return counts


def _cases_and_referrals(
    rng: random.Random,
    code: str,
    plan: list[PlannedContact],
    created: list[Contact],
    operator: User,
    spec: dict[str, Any],
    counts: dict[str, int],
    report: HelplineReport,
) -> None:
    """Cases opened with the consents from the first contacts about a victim (one per situation of the data file
    first), and referrals from some of them to the country's directory."""
    from tipsom.cases.models.choices import consent_service_types_for
    from tipsom.referrals.models import Service

    candidates = [
        contact for item, contact in zip(plan, created, strict=True)
        if contact.contact_type == "victim" and item.repeat_of is None and contact.caller_role != "anonymous"
    ]  # fmt: skip
    rng.shuffle(candidates)
    services_by_type = {
        service.service_type: service
        for service in Service.objects.filter(country=code, is_active=True).order_by("-pk")
    }
    opened = 0
    for contact in candidates:
        if opened >= spec["cases"]:
            break
        person, given_by = _person(rng, code, contact)
        consents = [{"purpose": "data_processing", "given": True, "given_by": given_by}]
        try:
            services.contact_case_open(actor=operator, contact_id=contact.pk, person=person, consents=consents)
        except ApplicationError as error:
            report.refused.append(f"{code} case from {contact.reference}: {error.code}")
            continue
        opened += 1
        counts["cases"] += 1
        if counts["referrals"] >= spec["referrals"]:
            continue
        service_type = "child_protection" if contact.subject_age_group == "child" else "shelter"
        service = services_by_type.get(service_type) or next(iter(services_by_type.values()), None)
        if service is None:
            continue
        consent = {
            "given_by": given_by,
            "recorded_on": timezone.localtime(contact.started_at).date(),
            "service_types": consent_service_types_for(service.service_type),
        }
        try:
            services.contact_refer(
                actor=operator, contact_id=contact.pk, service_id=service.pk, consent=consent,
                warning_override="Demo: referred from the helpline's first call.",
            )  # fmt: skip
        except ApplicationError as error:
            report.refused.append(f"{code} referral from {contact.reference}: {error.code}")
            continue
        counts["referrals"] += 1


def _callbacks(
    rng: random.Random,
    plan: list[PlannedContact],
    created: list[Contact],
    operator: User,
    now: datetime,
    counts: dict[str, int],
) -> None:
    """A callback for most callers who agreed to one: made on time (mostly), late, missed, or still due."""
    for item, contact in zip(plan, created, strict=True):
        if not contact.callback_consent or rng.random() < 0.2:
            continue
        due = item.started_at + timedelta(hours=rng.choice((2, 4, 20, 26, 48)))
        callback = services.callback_schedule(actor=operator, contact_id=contact.pk, due_at=now + timedelta(hours=1))
        counts["callbacks"] += 1
        if due > now:
            _backdate(Callback, callback.pk, due_at=due, created_at=item.started_at)
            continue
        roll = rng.random()
        if roll < 0.12:  # missed: its time passed and nobody called
            _backdate(Callback, callback.pk, due_at=due, created_at=item.started_at)
            continue
        outcome = "reached" if roll < 0.75 else "no_answer" if roll < 0.9 else "unsafe"
        late = rng.random() < 0.2
        done = due + timedelta(minutes=rng.randint(60, 600) if late else rng.randint(-20, 12))
        services.callback_complete(actor=operator, callback_id=callback.pk, outcome=outcome)
        _backdate(Callback, callback.pk, due_at=due, done_at=min(done, now), created_at=item.started_at)


def _blocks(
    rng: random.Random, created: list[Contact], operator: User, supervisor: User | None, counts: dict[str, int]
) -> None:
    """Two numbers blocked: an abusive caller's for a day by the operator, and a year by the supervisor for threats
    (with the reason in words)."""
    notes = helpline_config()["block_notes"]
    callers = [contact for contact in created if contact.caller_number_index and contact.is_data]
    if not callers:
        return
    blocks.contact_number_block(actor=operator, contact_id=callers[-1].pk, reason="abuse")
    counts["blocks"] += 1
    if supervisor is not None and len(callers) > 1:
        target = callers[rng.randrange(len(callers) - 1)]
        blocks.contact_number_block(
            actor=supervisor, contact_id=target.pk, reason="threats", duration="1y", note=notes["urd"]
        )
        counts["blocks"] += 1


def _reviews(rng: random.Random, supervisor: User, now: datetime, wanted: int, counts: dict[str, int]) -> None:
    """The supervisor reviews the sample of the last 30 days (then of the month before), as far as `wanted`."""
    comments = helpline_config()["review_comments"]
    today = timezone.localtime(now).date()
    for start, end in ((today - timedelta(days=29), today), (today - timedelta(days=59), today - timedelta(days=30))):
        sample = review_sample(user=supervisor, date_from=start, date_to=end, share=0.1, minimum=3)
        for group in sample.operators:
            for entry in group.entries:
                if counts["reviews"] >= wanted or entry.review is not None:
                    continue
                score = rng.choices((2, 3, 4, 5), weights=(1, 3, 5, 3))[0]
                criteria = {code: rng.random() < 0.55 + score * 0.08 for code in review.REVIEW_CRITERIA}
                review.contact_review_create(
                    actor=supervisor,
                    contact_id=entry.contact.pk,
                    score=score,
                    criteria=criteria,
                    comments=rng.choice(comments),
                    follow_up_needed=score <= 2,
                )
                counts["reviews"] += 1


def seed(options: Any) -> HelplineReport:
    """The "helpline" demo seeder (registered from helpline/plugins.py)."""
    report = HelplineReport()
    if options.cases_per_country == 0:  # organizations and users only
        return report
    done = loaded_countries()
    for country in options.countries:
        code = country["code"]
        if code in done:
            continue
        staff = _staff(country, options)
        if staff is None:
            continue
        with transaction.atomic():
            counts = _load_country(country, staff, options, report)
            audit_record(
                actor=None,
                action=AUDIT_ACTION,
                object_type=AUDIT_ACTION,
                object_id=code,
                changes={"seed": options.seed, **counts},
            )
        for name, value in counts.items():
            setattr(report, name, getattr(report, name) + value)
        report.countries.append(code)
    return report
