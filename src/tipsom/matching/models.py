"""Matching: blind-index keys that bring candidates together, the review queue of scored pairs, the batch jobs that
fill it, reviewed merges (reversible) and requests for access to a person another organization holds."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tipsom.core.fields import EncryptedTextField
from tipsom.core.permissions import RestrictedManager


class MatchKey(models.Model):
    """A keyed hash (HMAC) of one blocking value of a person's name (matching.names.block_values): found by equality
    through a B-tree index, beside the plain birth year that narrows the block. Nothing reverses it."""

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=12)
    key = models.CharField(max_length=40)
    birth_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        verbose_name = _("match key")
        verbose_name_plural = _("match keys")
        indexes = [
            models.Index(fields=["key", "birth_year"], name="match_key_year"),
            models.Index(fields=["person"], name="match_key_person"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


class MatchSettings(models.Model):
    """The Fellegi-Sunter parameters the interactive check scores with (m and u per comparison level, the prior):
    shipped defaults until a batch job estimates them from the registry (EM). The newest row is used."""

    created_at = models.DateTimeField(auto_now_add=True)
    source = models.CharField(max_length=20)  # "default", or "registry" (estimated by a dedupe job)
    job = models.ForeignKey("DedupeJob", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    parameters = models.JSONField(default=dict)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("match settings")
        verbose_name_plural = _("match settings")

    def __str__(self) -> str:
        return f"{self.source} {self.created_at:%Y-%m-%d}"


class DedupeJob(models.Model):
    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Mode(models.TextChoices):
        FULL = "full", _("Whole registry")
        INCREMENTAL = "incremental", _("New and changed persons")

    country = models.CharField(_("country"), max_length=2)  # a job compares the persons of one country
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    mode = models.CharField(_("mode"), max_length=12, choices=Mode.choices, default=Mode.FULL)
    threshold = models.FloatField(_("threshold"))
    step = models.CharField(_("step"), max_length=40, blank=True)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)

    objects = RestrictedManager()
    permission_scopes = {"national": "country"}

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("deduplication job")
        verbose_name_plural = _("deduplication jobs")

    def __str__(self) -> str:
        return str(_("Deduplication %(id)s") % {"id": self.pk})


class MatchCluster(models.Model):
    """Persons a batch job judged to be one (connected by pairs above its threshold)."""

    job = models.ForeignKey(DedupeJob, on_delete=models.CASCADE, related_name="clusters")
    size = models.PositiveIntegerField()
    top_probability = models.FloatField()

    class Meta:
        ordering = ["-top_probability", "pk"]
        verbose_name = _("match cluster")
        verbose_name_plural = _("match clusters")

    def __str__(self) -> str:
        return str(_("Cluster %(id)s") % {"id": self.pk})


class CandidatePair(models.Model):
    """Two persons that may be one, with the score and its reasons, waiting for a reviewer. `person_low` has the
    smaller id, so a pair is stored once; a rejected pair is never proposed again."""

    class Status(models.TextChoices):
        PROPOSED = "proposed", _("To review")
        CONFIRMED = "confirmed", _("Same person")
        REJECTED = "rejected", _("Different persons")
        MERGED = "merged", _("Merged")

    class Source(models.TextChoices):
        BATCH = "batch", _("Deduplication job")
        CHECK = "check", _("Registration check")

    person_low = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    person_high = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    probability = models.FloatField(_("match probability"))
    reasons = models.JSONField(default=dict, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PROPOSED)
    source = models.CharField(_("found by"), max_length=8, choices=Source.choices, default=Source.BATCH)
    job = models.ForeignKey(DedupeJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="pairs")
    cluster = models.ForeignKey(MatchCluster, on_delete=models.SET_NULL, null=True, blank=True, related_name="pairs")
    found_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = RestrictedManager()
    permission_scopes = {"national": "person_low__owner_organization__country"}

    class Meta:
        ordering = ["-probability", "pk"]
        verbose_name = _("candidate pair")
        verbose_name_plural = _("candidate pairs")
        constraints = [
            models.UniqueConstraint(fields=["person_low", "person_high"], name="candidate_pair_once"),
            models.CheckConstraint(condition=models.Q(person_low__lt=models.F("person_high")), name="pair_ordered"),
        ]
        indexes = [models.Index(fields=["status", "-probability"], name="pair_queue")]

    def __str__(self) -> str:
        return str(_("Pair %(id)s") % {"id": self.pk})


class PersonMerge(models.Model):
    """One person merged into another, with what moved so that it can be undone exactly: for each related table,
    the ids of the rows that pointed to the merged person, the names that became aliases, and the survivor's
    birth data and child status before, when the reviewer chose the merged person's."""

    survivor = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    merged = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    pair = models.ForeignKey(CandidatePair, on_delete=models.SET_NULL, null=True, blank=True, related_name="merges")
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    merged_at = models.DateTimeField(auto_now_add=True)
    moved = models.JSONField(default=dict)
    survivor_before = models.JSONField(default=dict, blank=True)  # plain fields only
    survivor_birth_date_before = EncryptedTextField(_("birth date before"))
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    undone_at = models.DateTimeField(null=True, blank=True)

    objects = RestrictedManager()
    permission_scopes = {"national": "survivor__owner_organization__country"}

    class Meta:
        ordering = ["-merged_at", "-pk"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self) -> str:
        return str(_("Merge %(id)s") % {"id": self.pk})


def _access_request_scope(organization_id: int) -> models.Q:
    return models.Q(requesting_organization_id=organization_id) | models.Q(holding_organization_id=organization_id)


class AccessRequest(models.Model):
    """An organization asks the one that holds a possible match for access to that person. Granted, the asking
    organization sees the person (a `person_scopes` entry) until the grant ends; nothing is shown before."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for an answer")
        GRANTED = "granted", _("Granted")
        REFUSED = "refused", _("Refused")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    person = models.ForeignKey("people.Person", on_delete=models.CASCADE, related_name="+")
    requesting_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("asked by")
    )
    holding_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="+", verbose_name=_("held by")
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    reason = EncryptedTextField(_("reason"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    answer_note = EncryptedTextField(_("answer"))
    grant_until = models.DateField(_("access until"), null=True, blank=True)

    objects = RestrictedManager()
    permission_scopes = {
        "own": "requested_by",
        "organization": _access_request_scope,
        "national": "holding_organization__country",
    }

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("access request")
        verbose_name_plural = _("access requests")
        indexes = [
            models.Index(fields=["holding_organization", "status"], name="access_request_inbox"),
            models.Index(fields=["requesting_organization", "status"], name="access_request_sent"),
        ]

    def __str__(self) -> str:
        return str(_("Access request %(id)s") % {"id": self.pk})
