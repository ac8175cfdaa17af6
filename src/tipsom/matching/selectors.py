"""Reads of matching: the interactive check of a person being registered against the whole registry, the review
queue and access requests, each narrowed to what the user may see."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, FloatField, Q, QuerySet, Sum, Value, When

from tipsom.accounts.models import User
from tipsom.core import crypto
from tipsom.core.permissions import access_by_id
from tipsom.matching.keys import KIND_FULL, KIND_WEIGHTS, forms_of, key_of, keys_of, person_name_texts
from tipsom.matching.models import AccessRequest, CandidatePair, DedupeJob, MatchKey, MatchSettings, PersonMerge
from tipsom.matching.scoring import DEFAULT_PARAMETERS, Record, Score, date_parts, score
from tipsom.organizations.models import Organization
from tipsom.people.models import Person, PersonName
from tipsom.people.selectors import person_list

CANDIDATES_READ = 60  # persons with the most keys in common are scored; the rest of a huge block is not
TF_MIN_REGISTRY = 10_000
CANDIDATE_CONTEXT = "matching.candidate"  # the associated data of the encrypted candidate references
TOKEN_MAX_AGE = 60 * 60 * 24  # an access request must follow the check within a day


def check_threshold() -> float:
    """The probability from which the registration check shows a candidate (low: the check is for recall)."""
    return float(getattr(settings, "TIPSOM_MATCH_CHECK_THRESHOLD", 0.05))


def review_threshold() -> float:
    """The probability from which a person registered despite a candidate puts the pair in the review queue."""
    return float(getattr(settings, "TIPSOM_MATCH_REVIEW_THRESHOLD", 0.5))


SEX_OF_GENDER = {"Feminine": "F", "TransgenderFeminine": "F", "Masculine": "M", "TransgenderMasculine": "M"}


@dataclass
class Candidate:
    """A possible match. `person_id` and the person's details only where the user may see the person; otherwise
    the holding organization and a signed token with which to ask it for access, nothing else."""

    visible: bool
    organization_id: int
    organization_name: str
    probability: float
    match_weight: float
    reasons: dict[str, Any]
    person_id: int | None = None
    birth_year: int | None = None
    gender: str = ""
    token: str = ""


@dataclass
class CheckResult:
    candidates: list[Candidate] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    scored: int = 0


def match_parameters() -> dict[str, Any]:
    latest = MatchSettings.objects.order_by("-created_at", "-pk").values_list("parameters", flat=True).first()
    return latest or DEFAULT_PARAMETERS


def person_record(person: Person, names: list[PersonName]) -> Record:
    """The scoring record of a stored person (names and birth date decrypted in memory, nothing kept)."""
    return Record(
        forms=tuple(forms_of(person_name_texts(names))),
        birth_date=person.birth_date or (str(person.birth_year) if person.birth_year else ""),
        sex=SEX_OF_GENDER.get(person.gender, ""),
        citizenships=tuple(person.citizenships or ()),
    )


def candidate_token(*, user: User, person_id: int) -> str:
    """An opaque reference to a candidate the user may not see: encrypted (AES-GCM, bound to its purpose), so that
    not even the person's id can be read from it; bound to the user and valid for a day."""
    payload = json.dumps({"p": person_id, "u": user.pk, "t": int(time.time())})
    return crypto.encrypt(payload, context=CANDIDATE_CONTEXT)


def person_id_of_token(*, user: User, token: str) -> int | None:
    """The person a token of this user refers to, or None when it is not one, not theirs or older than a day."""
    try:
        data = json.loads(crypto.decrypt(str(token), context=CANDIDATE_CONTEXT))
    except Exception:  # noqa: BLE001 (any malformed, forged or foreign token is simply not one)
        return None
    if not isinstance(data, dict) or data.get("u") != user.pk or not isinstance(data.get("p"), int):
        return None
    if not isinstance(data.get("t"), int) or time.time() - data["t"] > TOKEN_MAX_AGE:
        return None
    return int(data["p"])


def block_candidates(*, keys: list[str], year: int | None, country: str, exclude: set[int]) -> list[int]:
    """Persons of the country sharing most blocking keys with the record (born within a year of it, or of unknown
    birth year), best first: the keys in common weighed by kind (KIND_WEIGHTS: a whole name or a word with the
    birth date counts more than a pair of skeletons). Only keyed hashes and plain years are compared."""
    rows = MatchKey.objects.filter(key__in=keys)
    if year is not None:
        rows = rows.filter(Q(birth_year__range=(year - 1, year + 1)) | Q(birth_year__isnull=True))
    rows = rows.filter(person__owner_organization__country=country)
    if exclude:
        rows = rows.exclude(person_id__in=exclude)
    weight: Any = Case(
        *[When(kind=kind, then=Value(value)) for kind, value in KIND_WEIGHTS.items()],
        default=Value(1.0),
        output_field=FloatField(),
    )
    if year is not None:  # a key of a person born the same year counts a little more than ±1 or unknown
        weight = weight + Case(When(birth_year=year, then=Value(0.5)), default=Value(0.0), output_field=FloatField())
    ranked = rows.values("person_id").annotate(hits=Sum(weight)).order_by("-hits", "-person_id")
    return [row["person_id"] for row in ranked[:CANDIDATES_READ]]


def scored_candidates(
    *,
    record: Record,
    country: str,
    exclude: set[int] | None = None,
    threshold: float,
) -> tuple[list[tuple[Score, Person]], int]:
    """Persons of the country that may be the person of `record`, with their scores, best first, and how many were
    scored. Candidates come from the blind-index keys; only they are decrypted, in memory, to score them."""
    year = date_parts(record.birth_date)[0]
    ids = block_candidates(
        keys=[key for _, key in keys_of(list(record.forms), record.birth_date)],
        year=year,
        country=country,
        exclude=exclude or set(),
    )
    if not ids:
        return [], 0
    persons = {person.pk: person for person in Person.objects.filter(pk__in=ids, merged_into__isnull=True)}
    names: dict[int, list[PersonName]] = {pk: [] for pk in persons}
    for name in PersonName.objects.filter(person_id__in=list(persons)).order_by("pk"):
        names[name.person_id].append(name)
    records = {pk: person_record(person, names[pk]) for pk, person in persons.items()}
    frequencies = name_frequencies(records)
    parameters = match_parameters()
    scored = []
    for pk, candidate in records.items():
        outcome = score(record, candidate, parameters=parameters, name_frequency=frequencies.get(pk))
        if outcome.probability >= threshold:
            scored.append((outcome, persons[pk]))
    scored.sort(key=lambda item: (-item[0].match_weight, item[1].pk))
    return scored, len(records)


def match_check(
    *,
    user: User,
    names: list[str],
    birth_date: str = "",
    sex: str = "",
    citizenships: list[str] | tuple[str, ...] = (),
    exclude: set[int] | None = None,
    threshold: float | None = None,
    limit: int = 10,
) -> CheckResult:
    """Check a person being registered against the whole registry of the user's country (scored_candidates). A
    candidate the user may not see is described by its holding organization alone, with a signed token to ask it
    for access; nothing else of it leaves this function."""
    result = CheckResult()
    organization = user.organization
    if organization is None:
        return result
    forms = [form for form in forms_of(names) if form.canonical]
    if not forms:
        result.warnings.append("no_name")
        return result
    for form in forms:
        result.warnings.extend(warning for warning in form.warnings if warning not in result.warnings)
    if birth_date and date_parts(birth_date)[0] is None:
        result.warnings.append("birth_date_ignored")
    record = Record(forms=tuple(forms), birth_date=birth_date, sex=sex, citizenships=tuple(citizenships))
    scored, result.scored = scored_candidates(
        record=record,
        country=organization.country,
        exclude=exclude,
        threshold=check_threshold() if threshold is None else threshold,
    )
    if not scored:
        return result
    visible = set(person_list(user=user).filter(pk__in=[p.pk for _, p in scored]).values_list("pk", flat=True))
    organizations = {p.owner_organization_id for _, p in scored}
    labels = dict(Organization.objects.filter(pk__in=organizations).values_list("pk", "name"))
    for outcome, person in scored[:limit]:
        shown = person.pk in visible
        result.candidates.append(
            Candidate(
                visible=shown,
                organization_id=person.owner_organization_id,
                organization_name=labels.get(person.owner_organization_id, ""),
                probability=round(outcome.probability, 4),
                match_weight=round(outcome.match_weight, 2),
                reasons=outcome.explain() if shown else without_names(outcome.explain()),
                person_id=person.pk if shown else None,
                birth_year=person.birth_year if shown else None,
                gender=person.gender if shown else "",
                token="" if shown else candidate_token(user=user, person_id=person.pk),
            )
        )
    return result


def without_names(reasons: dict[str, Any]) -> dict[str, Any]:
    """The reasons without the name parts they cite ("same_canonical:olga"): for a person the user may not see."""
    return {**reasons, "name": sorted({reason.split(":", 1)[0] for reason in reasons.get("name", [])})}


def name_frequencies(records: dict[int, Record]) -> dict[int, float]:
    """Per candidate, the share of the registry's persons known by its most common exact (canonical) name."""
    keys_by_person = {
        pk: {key_of(KIND_FULL, form.canonical) for form in record.forms if form.canonical}
        for pk, record in records.items()
    }
    every = {key for keys in keys_by_person.values() for key in keys}
    if not every:
        return {}
    counts = dict(MatchKey.objects.filter(key__in=every).values("key").annotate(n=Count("id")).values_list("key", "n"))
    # A small registry is taken as one of TF_MIN_REGISTRY persons: one namesake among fifty is no evidence that a
    # name is common, it is the record itself.
    total = max(registry_size(), TF_MIN_REGISTRY)
    return {pk: max((counts.get(key, 0) for key in keys), default=0) / total for pk, keys in keys_by_person.items()}


_SIZE_CACHE: dict[str, Any] = {}


def registry_size() -> int:
    """How many persons the registry holds, refreshed at most every minute (a count of 1,000,000 rows is slow)."""
    now = time.monotonic()
    cached = _SIZE_CACHE.get("size")
    if cached is not None and now - cached[1] < 60:
        return int(cached[0])
    size = Person.objects.count()
    _SIZE_CACHE["size"] = (size, now)
    return size


# The deduplication job's input


def registry_records(*, country: str, changed_since: Any = None) -> tuple[list[Any], set[str] | None]:
    """The persons of a country as batch records (names and birth date decrypted in memory, never written), and
    for an incremental run the ids of those new or changed since `changed_since`."""
    from tipsom.matching.batch import Record  # pandas and Splink: loaded only for a job

    persons = Person.objects.filter(owner_organization__country=country, merged_into__isnull=True).order_by("pk")
    names: dict[int, list[PersonName]] = {}
    for name in PersonName.objects.filter(person__in=persons).order_by("person_id", "-kind", "pk"):
        names.setdefault(name.person_id, []).append(name)
    records = []
    changed: set[str] | None = set() if changed_since is not None else None
    for person in persons.iterator(chunk_size=2000):
        own = names.get(person.pk, [])
        # The primary name as written: its Latin form is derived again by the normal forms, and an alias is another
        # name, not more words of this one (other_names would join it to the name).
        records.append(
            Record(
                id=str(person.pk),
                given_name=own[0].name if own else "",
                family_name="",
                other_names="",
                birth_date=person.birth_date or "",
                sex=SEX_OF_GENDER.get(person.gender, "U"),
                citizenship=(person.citizenships or [""])[0],
            )
        )
        if changed is not None and person.updated_at >= changed_since:
            changed.add(str(person.pk))
    return records, changed


# The review queue


def pair_list(*, user: User, status: str | None = CandidatePair.Status.PROPOSED) -> QuerySet[CandidatePair]:
    pairs = CandidatePair.objects.restrict(user, "view").select_related(
        "person_low__owner_organization", "person_high__owner_organization", "cluster"
    )
    if status:
        pairs = pairs.filter(status=status)
    return pairs.order_by("-probability", "pk")


def access_pair_by_id(user: User, pair_id: Any, action: str = "view") -> CandidatePair:
    queryset = CandidatePair.objects.select_related(
        "person_low__owner_organization", "person_high__owner_organization", "cluster", "job"
    )
    return access_by_id(CandidatePair, user, pair_id, action, queryset=queryset)


def job_list(*, user: User) -> QuerySet[DedupeJob]:
    return DedupeJob.objects.restrict(user, "view").order_by("-started_at", "-pk")


def merge_list(*, user: User) -> QuerySet[PersonMerge]:
    return PersonMerge.objects.restrict(user, "view").select_related("survivor", "merged", "merged_by", "undone_by")


def access_merge_by_id(user: User, merge_id: Any, action: str = "view") -> PersonMerge:
    return access_by_id(PersonMerge, user, merge_id, action, queryset=merge_list(user=user))


def access_request_list(*, user: User) -> QuerySet[AccessRequest]:
    return AccessRequest.objects.restrict(user, "view").select_related(
        "requesting_organization", "holding_organization", "requested_by", "answered_by"
    )


def access_request_inbox(*, user: User) -> QuerySet[AccessRequest]:
    """Requests the user's organization must answer, the oldest first."""
    return (
        access_request_list(user=user)
        .filter(holding_organization_id=user.organization_id, status=AccessRequest.Status.PENDING)
        .order_by("requested_at", "pk")
    )


def access_request_by_id(user: User, request_id: Any, action: str = "view") -> AccessRequest:
    return access_by_id(AccessRequest, user, request_id, action, queryset=access_request_list(user=user))
