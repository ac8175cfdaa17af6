"""A case, its number, the organizations on its team and who may see it; the base of every part of a case."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tipsom.cases.models.choices import (
    CLOSED_STATUSES,
    POSSIBLE_VICTIM,
    STATUS_ACTIVE,
    CaseType,
    ClosureReason,
    case_status_choices,
    trafficking_status_choices,
)
from tipsom.core.context import request_forget, request_memo
from tipsom.core.permissions import RestrictedManager, RestrictedQuerySet


def case_team_scope(organization_id: int) -> Q:
    """The owner organization, or an organization on the case's team (a child protection agency notified).

    Most organizations are on no other organization's case: for them the plain condition lets the database walk
    the (owner organization, id) index; the OR with the sub-query would make it scan (bench/README.md)."""
    own = Q(owner_organization_id=organization_id)
    shared = CaseOrganization.objects.filter(organization_id=organization_id)
    return own | Q(pk__in=shared.values("case_id")) if _on_shared_cases(organization_id) else own


def _on_shared_cases(organization_id: int) -> bool:
    """Whether the organization is on another organization's case: looked up once per request (a case page asks
    for its scope five times), and forgotten as soon as a team changes (CaseOrganizationQuerySet)."""
    memo = request_memo()
    key = (_ON_SHARED_CASES, organization_id)
    if memo is not None and key in memo:
        return bool(memo[key])
    found = CaseOrganization.objects.filter(organization_id=organization_id).exists()
    if memo is not None:
        memo[key] = found
    return found


def _teams_changed() -> None:
    memo = request_memo()
    for key in [key for key in memo or () if isinstance(key, tuple) and key[0] == _ON_SHARED_CASES]:
        request_forget(key)


_ON_SHARED_CASES = "cases.on_shared_cases"


class CaseQuerySet(RestrictedQuerySet["Case"]):
    def bulk_create(self, objs: Iterable[Case], *args: Any, **kwargs: Any) -> list[Case]:
        cases = list(objs)
        for case in cases:
            case.citizenships = list(case.person.citizenships)
        return super().bulk_create(cases, *args, **kwargs)


class Case(models.Model):
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="cases")
    owner_organization = models.ForeignKey(
        "organizations.Organization", on_delete=models.PROTECT, related_name="cases", verbose_name=_("organization")
    )
    # The deployment's country of the owner, kept on the row so case numbers are unique per country.
    country = models.CharField(_("country"), max_length=2, editable=False)
    case_number = models.CharField(_("case number"), max_length=24, editable=False)
    case_type = models.CharField(_("type"), max_length=4, choices=CaseType.choices)
    status = models.CharField(_("status"), max_length=20, choices=case_status_choices, default=STATUS_ACTIVE)
    closure_reason = models.CharField(_("closure reason"), max_length=20, choices=ClosureReason.choices, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # The latest approved status decision (vic_TraffickingStatus), kept here for lists and statistics.
    trafficking_status = models.CharField(
        _("trafficking status"), max_length=40, choices=trafficking_status_choices, default=POSSIBLE_VICTIM
    )
    identified_on = models.DateField(_("identified on"))
    region = models.CharField(_("region of identification"), max_length=10, blank=True, help_text=_("ISO 3166-2."))
    origin_country = models.CharField(_("country of origin"), max_length=2, blank=True)
    transit_countries = models.JSONField(_("transit countries"), default=list, blank=True)
    destination_country = models.CharField(_("country of destination"), max_length=2, blank=True)
    exploitation_types = models.JSONField(_("forms of exploitation"), default=list, blank=True)
    industries = models.JSONField(_("industries"), default=list, blank=True)
    sex_exploitation_types = models.JSONField(_("types of sexual exploitation"), default=list, blank=True)
    means_of_control = models.JSONField(_("means of control"), default=list, blank=True)
    recruitment_methods = models.JSONField(_("methods of recruitment"), default=list, blank=True)
    relationship_to_recruiter = models.JSONField(_("relationship to the recruiter"), default=list, blank=True)
    recruitment_websites = models.JSONField(_("websites and apps used in recruitment"), default=list, blank=True)
    exploitation_websites = models.JSONField(_("websites and apps used in exploitation"), default=list, blank=True)
    vulnerabilities = models.JSONField(_("vulnerabilities"), default=list, blank=True)
    # Child track: under 18 at identification, or presumed a minor while the age is unknown.
    is_child = models.BooleanField(_("child"), default=False)
    # The person's citizenships, copied onto the case so that the case list filters on them without joining every
    # person (3.1 s at 1,000,000 cases, issue 10). Kept in step by save() and bulk_create (a new case, or one given
    # another person) and by services.citizenships when the person's citizenships change (person_changed hook).
    citizenships = models.JSONField(_("citizenships"), default=list, blank=True, editable=False)
    case_owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_cases",
        verbose_name=_("case owner"),
    )
    team = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="case_teams")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    objects = models.Manager.from_queryset(CaseQuerySet)()

    permission_scopes = {
        "own": "case_owner",
        "organization": case_team_scope,
        "national": "country",
    }

    class Meta:
        ordering = ["-pk"]  # newest first; lists page by keyset on the primary key
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        constraints = [
            models.UniqueConstraint(fields=["country", "case_number"], name="case_number_unique_per_country")
        ]
        indexes = [
            models.Index(fields=["owner_organization", "-id"], name="case_org_newest"),
            models.Index(fields=["country", "-id"], name="case_country_newest"),
            models.Index(fields=["status", "-id"], name="case_status_newest"),
            models.Index(fields=["is_child", "-id"], name="case_child_newest"),
            models.Index(fields=["identified_on"], name="case_identified"),
            models.Index(fields=["case_number"], name="case_number"),
            models.Index(fields=["person"], name="case_person"),
        ]

    def __str__(self) -> str:
        return self.case_number

    def save(self, *args: Any, **kwargs: Any) -> None:
        update_fields = kwargs.get("update_fields")
        if self.pk is None or update_fields is None or "person" in update_fields:
            self.citizenships = list(self.person.citizenships)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "citizenships"}
        super().save(*args, **kwargs)

    @property
    def is_closed(self) -> bool:
        return self.status in CLOSED_STATUSES


class CaseNumberCounter(models.Model):
    """The last case number given per country and year; rows are locked while a number is taken."""

    country = models.CharField(max_length=2)
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["country", "year"], name="case_counter_unique")]

    def __str__(self) -> str:
        return f"{self.country}-{self.year}: {self.last}"


CASE_RECORD_SCOPES = {
    "own": "case__case_owner",
    "organization": lambda organization_id: Q(case__in=Case.objects.filter(case_team_scope(organization_id))),
    "national": "case__country",
}


class CaseOrganizationQuerySet(RestrictedQuerySet):
    """Every write of case teams drops what the request remembered of them (_on_shared_cases)."""

    def bulk_create(self, *args: Any, **kwargs: Any) -> Any:
        _teams_changed()
        return super().bulk_create(*args, **kwargs)

    def update(self, **kwargs: Any) -> int:
        _teams_changed()
        return super().update(**kwargs)

    def delete(self) -> Any:
        _teams_changed()
        return super().delete()


class CaseOrganization(models.Model):
    """An organization other than the owner that works on the case and sees it."""

    class Reason(models.TextChoices):
        CHILD_PROTECTION = "child_protection", _("Child protection agency notified")
        PARTNER = "partner", _("Partner on the case")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="organizations")
    organization = models.ForeignKey("organizations.Organization", on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=Reason.choices)
    added_at = models.DateTimeField(auto_now_add=True)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")

    objects = models.Manager.from_queryset(CaseOrganizationQuerySet)()
    permission_scopes = CASE_RECORD_SCOPES

    class Meta:
        constraints = [models.UniqueConstraint(fields=["case", "organization"], name="case_organization_unique")]
        indexes = [models.Index(fields=["organization", "case"], name="case_org_access")]
        verbose_name = _("organization on the case")

    def __str__(self) -> str:
        return f"{self.case_id}:{self.organization_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        _teams_changed()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        _teams_changed()
        return super().delete(*args, **kwargs)


class CaseRecord(models.Model):
    """What every part of a case has: the case, who wrote it, when."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = RestrictedManager()
    permission_scopes = CASE_RECORD_SCOPES

    class Meta:
        abstract = True
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{type(self).__name__} {self.pk}"
