"""Writes of matching: keys kept in step with the registry, review decisions, merges and their exact undoing,
access requests, and the deduplication job's results. Each is audited in its own transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record
from tipsom.core.errors import ApplicationError, Conflict, NotFound
from tipsom.core.permissions import access_by_id, require_permission
from tipsom.core.registry import registry
from tipsom.core.validation import Errors, check_version, future_date, text
from tipsom.matching.keys import match_keys_write
from tipsom.matching.models import (
    AccessRequest,
    CandidatePair,
    DedupeJob,
    MatchCluster,
    MatchKey,
    MatchSettings,
    PersonMerge,
)
from tipsom.matching.selectors import (
    person_id_of_token,
    person_record,
    registry_records,
    review_threshold,
    scored_candidates,
)
from tipsom.people.models import Person, PersonName

KEY_FIELDS = {"created", "names", "birth_date", "birth_date_precision", "birth_year"}


def match_keys_follow_person(*, actor: User | None, person: Person, changed: Iterable[str]) -> None:
    """A `person_changed` hook: a new person, or one whose names or birth year changed, gets its keys rewritten
    (in the same transaction as the change)."""
    changed = set(changed)
    if not KEY_FIELDS & changed:
        return
    match_keys_write([person])
    if "created" in changed and person.owner_organization_id:
        pairs_from_registration(actor=actor, person=person)


def pairs_from_registration(*, actor: User | None, person: Person) -> list[CandidatePair]:
    """A person registered while a likely match was already in the registry (through any door: the screen after
    the check, the API, a field form) puts each such pair in the review queue, so that no duplicate goes unseen."""
    names = list(PersonName.objects.filter(person=person).order_by("pk"))
    record = person_record(person, names)
    if not record.forms:
        return []
    scored, _count = scored_candidates(
        record=record,
        country=person.owner_organization.country,
        exclude={person.pk},
        threshold=review_threshold(),
    )
    pairs = []
    for outcome, other in scored:
        pair = candidate_pair_record(
            actor=actor,
            person_id=person.pk,
            other_id=other.pk,
            probability=outcome.probability,
            reasons=outcome.explain(),
        )
        if pair is not None:
            pairs.append(pair)
    return pairs


def match_keys_reindex(*, batch: int = 2000, progress: Callable[[int, int], None] | None = None) -> tuple[int, int]:
    """Rewrite every person's match keys (an operator's command, after a change of the normal forms or the
    equivalents table), batch by batch, each in its own transaction; one audit event with the counts."""
    ids = list(Person.objects.filter(merged_into__isnull=True).order_by("pk").values_list("pk", flat=True))
    keys = 0
    for start in range(0, len(ids), batch):
        persons = list(Person.objects.filter(pk__in=ids[start : start + batch]).order_by("pk"))
        keys += match_keys_write(persons)
        if progress:
            progress(min(start + batch, len(ids)), len(ids))
    audit_record(
        actor=None, action="matching.reindex", object_type="people.person", changes={"persons": len(ids), "keys": keys}
    )
    return len(ids), keys


# Review


@transaction.atomic
def pair_decide(*, actor: User, pair_id: Any, decision: str, version: int | None = None) -> CandidatePair:
    """A reviewer says whether the two persons are one ("confirmed") or two ("rejected": never proposed again)."""
    if decision not in (CandidatePair.Status.CONFIRMED, CandidatePair.Status.REJECTED):
        raise ApplicationError("invalid", _("Choose “Same person” or “Different persons”."), {"field": "decision"})
    pair = access_by_id(CandidatePair, actor, pair_id, "change", queryset=CandidatePair.objects.select_for_update())
    check_version(pair, version, _("Someone else decided on this pair after you opened it. Reload the page."))
    if pair.status == CandidatePair.Status.MERGED:
        raise ApplicationError("pair_merged", _("These persons are merged; undo the merge to change the decision."))
    before = pair.status
    pair.status = decision
    pair.decided_by = actor
    pair.decided_at = timezone.now()
    pair.version += 1
    pair.save(update_fields=["status", "decided_by", "decided_at", "version"])
    audit_record(
        actor=actor,
        action="matching.pair_decide",
        target=pair,
        changes={"status": [before, decision], "persons": [pair.person_low_id, pair.person_high_id]},
    )
    return pair


def _ordered(a: int, b: int) -> tuple[int, int]:
    return (a, b) if a < b else (b, a)


# Merge: every row that points to the merged person moves to the survivor, recorded so that it can move back.
# The tables of matching itself stay as they are: they are the history of the decision.
# The match keys are not moved either: they are derived from the names, and written again for both persons.
_KEPT = {"matching.candidatepair", "matching.personmerge", "matching.accessrequest", "matching.matchkey"}
BIRTH_FIELDS = ("birth_date", "birth_date_precision", "birth_year", "is_presumed_minor")


def _relations() -> list[tuple[type[models.Model], str]]:
    """(model, field name) of every foreign key to a person, in every app, found by introspection (so an app built
    on the registry needs no change here)."""
    found: list[tuple[type[models.Model], str]] = []
    for relation in Person._meta.get_fields(include_hidden=True):
        if not isinstance(relation, models.ForeignObjectRel) or not (relation.one_to_many or relation.one_to_one):
            continue
        model = relation.related_model
        if not isinstance(model, type) or model is Person or model._meta.label_lower in _KEPT:
            continue
        found.append((model, relation.field.name))
    return sorted(found, key=lambda item: (item[0]._meta.label_lower, item[1]))


def _birth_conflicts(survivor: Person, merged: Person) -> list[str]:
    return [name for name in BIRTH_FIELDS if getattr(survivor, name) != getattr(merged, name)]


@transaction.atomic
def person_merge(
    *,
    actor: User,
    survivor_id: Any,
    merged_id: Any,
    birth_from: str = "",
    pair_id: Any = None,
) -> PersonMerge:
    """Merge one person into another. Every case, referral, consent, name, document, journal and history row of
    the merged person then points to the survivor (the merged person's names become aliases); the merged person
    leaves the lists. Where birth data or child status differ, the reviewer chooses whose to keep (`birth_from`:
    "survivor" or "merged"). Audited; undone exactly by person_merge_undo."""
    require_permission(actor, "add", PersonMerge)
    if str(survivor_id) == str(merged_id):
        raise ApplicationError("merge_self", _("A person cannot be merged into themselves."))
    low, high = _ordered(int(survivor_id), int(merged_id)) if _ints(survivor_id, merged_id) else (0, 0)
    persons = {
        person.pk: person
        for person in Person.objects.restrict(actor, "change")
        .select_for_update()
        .filter(pk__in=[low, high])
        .select_related("owner_organization")
    }
    survivor, merged = persons.get(_int(survivor_id) or 0), persons.get(_int(merged_id) or 0)
    if survivor is None or merged is None:
        raise NotFound()
    if survivor.owner_organization.country != merged.owner_organization.country:
        raise ApplicationError("merge_country", _("Persons of two countries cannot be merged."))
    if survivor.merged_into_id or merged.merged_into_id:
        raise ApplicationError("merge_merged", _("One of these persons is already merged into another."))
    conflicts = _birth_conflicts(survivor, merged)
    if conflicts and birth_from not in ("survivor", "merged"):
        raise ApplicationError(
            "merge_choice_required",
            _("The two records differ in birth date or child status. Choose whose birth data to keep before merging."),
            {"fields": conflicts},
        )
    record = PersonMerge(survivor=survivor, merged=merged, merged_by=actor)
    if conflicts and birth_from == "merged":
        record.survivor_before = {name: getattr(survivor, name) for name in BIRTH_FIELDS if name != "birth_date"} | {
            "changed": True
        }
        record.survivor_birth_date_before = survivor.birth_date
        for name in BIRTH_FIELDS:
            setattr(survivor, name, getattr(merged, name))
    pair = None
    if pair_id is not None:
        pair = access_by_id(CandidatePair, actor, pair_id, "change", queryset=CandidatePair.objects.select_for_update())
        if {pair.person_low_id, pair.person_high_id} != {survivor.pk, merged.pk}:
            raise ApplicationError("invalid", _("This pair is not of these two persons."), {"field": "pair"})
    moved: dict[str, Any] = {}
    try:
        with transaction.atomic():
            for model, field in _relations():
                rows = model._default_manager.filter(**{field: merged.pk})
                ids = list(rows.values_list("pk", flat=True))
                if ids:
                    model._default_manager.filter(pk__in=ids).update(**{field: survivor.pk})
                    moved[f"{model._meta.label_lower}.{field}"] = ids
    except IntegrityError as error:
        raise ApplicationError(
            "merge_conflict",
            _(
                "These two persons are recorded in the same place twice (for example as two suspects of one case); "
                "correct that record before merging."
            ),
        ) from error
    primary = list(
        PersonName.objects.filter(
            pk__in=moved.get("people.personname.person", []), kind=PersonName.Kind.PRIMARY
        ).values_list("pk", flat=True)
    )
    PersonName.objects.filter(pk__in=primary).update(kind=PersonName.Kind.ALIAS)
    moved["aliased_names"] = primary
    record.moved = moved
    merged.merged_into = survivor
    merged.version += 1
    merged.save(update_fields=["merged_into", "version", "updated_at"])
    survivor.version += 1
    survivor.save()
    record.pair = pair
    record.save()
    if pair is not None:
        pair.status = CandidatePair.Status.MERGED
        pair.decided_by, pair.decided_at = actor, timezone.now()
        pair.version += 1
        pair.save(update_fields=["status", "decided_by", "decided_at", "version"])
    match_keys_write([survivor])
    MatchKey.objects.filter(person=merged).delete()
    _follow(actor, survivor)
    audit_record(
        actor=actor,
        action="person.merge",
        target=survivor,
        organization=survivor.owner_organization_id,
        changes={
            "merged": merged.pk,
            "merge": record.pk,
            "moved": {name: len(ids) for name, ids in moved.items()},
            "birth_from": birth_from or "survivor",
        },
    )
    return record


def _ints(*values: Any) -> bool:
    return all(_int(value) is not None for value in values)


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _follow(actor: User, person: Person) -> None:
    """Apps built on the registry (a case's child track, its copy of the citizenships) follow the person's data."""
    for react in registry["person_changed"]:
        react(actor=actor, person=person, changed=[*BIRTH_FIELDS, "citizenships", "names"])


@transaction.atomic
def person_merge_undo(*, actor: User, merge_id: Any) -> PersonMerge:
    """Undo a merge exactly: the rows that moved go back, the names are primary again, the survivor's birth data is
    what it was, and the merged person is back in the lists. Refused when a later merge involves either person
    (undo that one first)."""
    record = access_by_id(PersonMerge, actor, merge_id, "change", queryset=PersonMerge.objects.select_for_update())
    if record.undone_at is not None:
        raise ApplicationError("merge_undone", _("This merge is already undone."))
    later = PersonMerge.objects.filter(undone_at__isnull=True, pk__gt=record.pk).filter(
        models.Q(survivor__in=[record.survivor_id, record.merged_id])
        | models.Q(merged__in=[record.survivor_id, record.merged_id])
    )
    if later.exists():
        raise ApplicationError("merge_later", _("A later merge involves these persons; undo it first."))
    survivor = Person.objects.select_for_update().get(pk=record.survivor_id)
    merged = Person.objects.select_for_update().get(pk=record.merged_id)
    labels = {f"{model._meta.label_lower}.{field}": (model, field) for model, field in _relations()}
    for name, ids in record.moved.items():
        if name == "aliased_names":
            continue
        if name not in labels:
            continue  # a table that no longer exists
        model, field = labels[name]
        model._default_manager.filter(pk__in=ids).update(**{field: merged.pk})
    PersonName.objects.filter(pk__in=record.moved.get("aliased_names", [])).update(kind=PersonName.Kind.PRIMARY)
    if record.survivor_before.get("changed"):
        for name in BIRTH_FIELDS:
            if name != "birth_date":
                setattr(survivor, name, record.survivor_before[name])
        survivor.birth_date = record.survivor_birth_date_before
    survivor.version += 1
    survivor.save()
    merged.merged_into = None
    merged.version += 1
    merged.save(update_fields=["merged_into", "version", "updated_at"])
    record.undone_by, record.undone_at = actor, timezone.now()
    record.save(update_fields=["undone_by", "undone_at"])
    if record.pair_id is not None:
        CandidatePair.objects.filter(pk=record.pair_id).update(
            status=CandidatePair.Status.CONFIRMED, version=models.F("version") + 1
        )
    match_keys_write([survivor, merged])
    _follow(actor, survivor)
    _follow(actor, merged)
    audit_record(
        actor=actor,
        action="person.unmerge",
        target=survivor,
        organization=survivor.owner_organization_id,
        changes={"merged": merged.pk, "merge": record.pk},
    )
    return record


# Access requests


@transaction.atomic
def access_request_create(*, actor: User, token: str, reason: str) -> AccessRequest:
    """Ask the organization holding a possible match (named by the check's signed token) for access to it. The
    asker learns nothing more until the holder answers."""
    require_permission(actor, "add", AccessRequest)
    errors = Errors()
    reason = text(errors, "reason", reason, required=True, max_length=1000)
    if errors:
        raise ApplicationError("invalid", _("Say why your organization needs this person's record."), errors)
    person_id = person_id_of_token(user=actor, token=token)
    person = (
        Person.objects.filter(pk=person_id or 0, merged_into__isnull=True).select_related("owner_organization").first()
    )
    if person is None or actor.organization is None or actor.organization_id is None:
        raise ApplicationError("invalid_token", _("This possible match is no longer valid; check again."))
    if person.owner_organization_id == actor.organization_id:
        raise ApplicationError("own_person", _("Your organization already holds this person."))
    pending = AccessRequest.objects.filter(
        person=person, requesting_organization_id=actor.organization_id, status=AccessRequest.Status.PENDING
    )
    if pending.exists():
        raise Conflict(_("Your organization has already asked for access to this person."))
    request = AccessRequest.objects.create(
        person=person,
        requesting_organization_id=actor.organization_id,
        holding_organization_id=person.owner_organization_id,
        requested_by=actor,
        reason=reason,
    )
    audit_record(
        actor=actor,
        action="matching.access_request",
        target=request,
        organization=actor.organization_id,
        changes={"holding_organization": person.owner_organization_id},
    )
    from tipsom.notifications.services import notify_organization

    notify_organization(
        organization_id=person.owner_organization_id,
        kind="person_access_requested",
        params={"organization": actor.organization.name},
        link=reverse("matching:access_request", kwargs={"pk": request.pk}),
        action="change",
        model=AccessRequest,
    )
    return request


@transaction.atomic
def access_request_answer(
    *, actor: User, request_id: Any, grant: bool, note: str = "", until: Any = None
) -> AccessRequest:
    """The holding organization grants (until a date, or without end) or refuses a request. Granted, the asking
    organization sees the person from then on (a person scope); it can attach its case to the person."""
    request = access_by_id(
        AccessRequest, actor, request_id, "change", queryset=AccessRequest.objects.select_for_update()
    )
    if request.holding_organization_id != actor.organization_id:
        raise NotFound()
    if request.status != AccessRequest.Status.PENDING:
        raise ApplicationError("answered", _("This request is already answered."))
    errors = Errors()
    note = text(errors, "note", note, max_length=1000)
    grant_until = future_date(errors, "until", until)  # an end of access lies ahead (a_date refuses the future)
    if grant_until is not None and grant_until < timezone.localdate():
        errors["until"] = _("The access cannot end before today.")
    if errors:
        raise ApplicationError("invalid", _("Check the answer."), errors)
    request.status = AccessRequest.Status.GRANTED if grant else AccessRequest.Status.REFUSED
    request.answered_by, request.answered_at = actor, timezone.now()
    request.answer_note = note
    request.grant_until = grant_until if grant else None
    request.save()
    audit_record(
        actor=actor,
        action="matching.access_answer",
        target=request,
        organization=actor.organization_id,
        changes={"status": request.status, "until": str(request.grant_until or "")},
    )
    from tipsom.notifications.services import notify

    notify(
        users=[request.requested_by_id],
        kind="person_access_granted" if grant else "person_access_refused",
        params={"organization": request.holding_organization.name},
        link=reverse("matching:access_request", kwargs={"pk": request.pk}),
    )
    return request


def persons_granted_to(organization_id: int) -> models.Q:
    """A `person_scopes` entry: persons whose holding organization granted this one access (until the grant ends)."""
    today = timezone.localdate()
    granted = AccessRequest.objects.filter(
        requesting_organization_id=organization_id, status=AccessRequest.Status.GRANTED
    ).filter(models.Q(grant_until__isnull=True) | models.Q(grant_until__gte=today))
    return models.Q(pk__in=granted.values("person_id"))


# The deduplication job


def dedupe_job_run(
    *,
    actor: User | None,
    country: str,
    incremental: bool = False,
    threshold: float | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> DedupeJob:
    """Run the batch deduplication over a country's registry and put its pairs in the review queue (pairs already
    decided are not proposed again). Its progress is kept on the job, so the screen can show it."""
    from tipsom.matching.batch import DEFAULT_THRESHOLD, dedupe

    threshold = DEFAULT_THRESHOLD if threshold is None else threshold

    last = (
        DedupeJob.objects.filter(country=country, status=DedupeJob.Status.DONE).order_by("-started_at").first()
        if incremental
        else None
    )
    job = DedupeJob.objects.create(
        country=country,
        started_by=actor,
        mode=DedupeJob.Mode.INCREMENTAL if incremental else DedupeJob.Mode.FULL,
        threshold=threshold,
        step="reading",
    )

    def report(step: str, done: int, total: int) -> None:
        DedupeJob.objects.filter(pk=job.pk).update(step=step[:40], done=done, total=total)
        if progress:
            progress(step, done, total)

    try:
        records, changed = registry_records(country=country, changed_since=last.started_at if last else None)
        report("reading", len(records), len(records))
        result = dedupe(records, threshold=threshold, progress=report, new_ids=changed)
        stored = pairs_store(job=job, pairs=result.pairs, clusters=result.clusters)
    except Exception as error:
        DedupeJob.objects.filter(pk=job.pk).update(
            status=DedupeJob.Status.FAILED, finished_at=timezone.now(), error=str(error)[:2000]
        )
        raise
    job.refresh_from_db()
    job.status = DedupeJob.Status.DONE
    job.finished_at = timezone.now()
    job.counts = {"persons": len(records), **stored, **{k: v for k, v in result.counts.items() if _plain(v)}}
    job.save()
    if result.parameters:
        MatchSettings.objects.create(source="registry", job=job, parameters=_parameters_from(result.parameters))
    audit_record(actor=actor, action="matching.dedupe", target=job, changes=job.counts)
    return job


def _plain(value: Any) -> bool:
    return isinstance(value, (int, float, str, bool))


def _parameters_from(estimated: dict[str, Any]) -> dict[str, Any]:
    """The interactive check's parameters with what the job estimated where it names the same levels."""
    from tipsom.matching.scoring import DEFAULT_PARAMETERS

    fields = {name: dict(levels) for name, levels in DEFAULT_PARAMETERS["fields"].items()}
    for name, levels in (estimated.get("fields") or {}).items():
        for level, pair in (levels or {}).items():
            if name in fields and level in fields[name] and isinstance(pair, (list, tuple)) and len(pair) == 2:
                m, u = float(pair[0]), float(pair[1])
                if 0 < m <= 1 and 0 < u <= 1:
                    fields[name][level] = [m, u]
    return {"prior": DEFAULT_PARAMETERS["prior"], "fields": fields, "estimated": True}


@transaction.atomic
def pairs_store(*, job: DedupeJob, pairs: Any, clusters: dict[str, str]) -> dict[str, int]:
    """Write a job's pairs to the review queue: a pair already in the queue gets the new score if it is still to
    be reviewed; a pair decided before (same, different, merged) is left as it is."""
    cluster_rows: dict[str, MatchCluster] = {}
    members: dict[str, list[str]] = {}
    for record_id, cluster_id in clusters.items():
        members.setdefault(cluster_id, []).append(record_id)
    rows = list(pairs.itertuples(index=False)) if hasattr(pairs, "itertuples") else list(pairs)
    best: dict[str, float] = {}
    for row in rows:
        row_cluster = clusters.get(str(row.id_l))
        if row_cluster is not None:
            best[row_cluster] = max(best.get(row_cluster, 0.0), float(row.probability))
    for cluster_id, ids in members.items():
        if len(ids) > 1:
            cluster_rows[cluster_id] = MatchCluster.objects.create(
                job=job, size=len(ids), top_probability=best.get(cluster_id, 0.0)
            )
    existing = {
        (pair.person_low_id, pair.person_high_id): pair
        for pair in CandidatePair.objects.filter(models.Q(person_low__owner_organization__country=job.country)).only(
            "pk", "person_low_id", "person_high_id", "status"
        )
    }
    created = updated = skipped = 0
    new_rows = []
    for row in rows:
        low, high = _ordered(int(row.id_l), int(row.id_r))
        reasons = {
            key: _json(value)
            for key, value in row._asdict().items()
            if key not in ("id_l", "id_r", "probability") and _json(value) is not None
        }
        cluster = cluster_rows.get(clusters.get(str(row.id_l), ""))
        pair = existing.get((low, high))
        if pair is None:
            new_rows.append(
                CandidatePair(
                    person_low_id=low,
                    person_high_id=high,
                    probability=float(row.probability),
                    reasons=reasons,
                    job=job,
                    cluster=cluster,
                )
            )
            created += 1
        elif pair.status == CandidatePair.Status.PROPOSED:
            CandidatePair.objects.filter(pk=pair.pk).update(
                probability=float(row.probability), reasons=reasons, job=job, cluster=cluster
            )
            updated += 1
        else:
            skipped += 1
    CandidatePair.objects.bulk_create(new_rows, batch_size=2000)
    return {
        "pairs_new": created,
        "pairs_updated": updated,
        "pairs_decided_before": skipped,
        "clusters": len(cluster_rows),
    }


def _json(value: Any) -> Any:
    if isinstance(value, (str, bool, int)) or value is None:
        return value
    if isinstance(value, float):
        return None if value != value else round(value, 4)  # NaN: not compared
    return str(value)


def candidate_pair_record(
    *, actor: User | None, person_id: int, other_id: int, probability: float, reasons: dict[str, Any]
) -> CandidatePair | None:
    """A registration that went on despite a likely match puts the pair in the review queue (once)."""
    low, high = _ordered(person_id, other_id)
    pair, created = CandidatePair.objects.get_or_create(
        person_low_id=low,
        person_high_id=high,
        defaults={"probability": probability, "reasons": reasons, "source": CandidatePair.Source.CHECK},
    )
    if created:
        audit_record(actor=actor, action="matching.pair_found", target=pair, changes={"probability": probability})
    return pair if created else None
