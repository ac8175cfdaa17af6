"""The child track: notifying the child protection agency, the guardian, best interests and family tracing."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record, describe_changes
from tipsom.cases.models import CaseOrganization, ChildProtection
from tipsom.cases.services.case import STALE, access_case, case_touch, require_open
from tipsom.core import validation as check
from tipsom.core.errors import ApplicationError
from tipsom.notifications.services import notify_organization
from tipsom.organizations.models import Organization, OrganizationFunction

# The role of an agency's users who receive a child case: the child protection officers (roles are data; this one
# is seeded in accounts/data/roles.json and no permission tells it apart from a case manager's).
CHILD_OFFICER_ROLES = ("child_protection_officer",)

CHILD_FIELDS = (
    "guardian_name",
    "guardian_organization",
    "guardian_appointed_on",
    "best_interests",
    "best_interests_completed_on",
    "family_tracing",
    "age_assessment",
)


def _track(case: Any) -> ChildProtection:
    track = ChildProtection.objects.select_for_update().filter(case=case).first()
    if track is None:
        raise ApplicationError("not_a_child_case", _("This case is not on the child track."), status=409)
    return track


@transaction.atomic
def child_notify(*, actor: User, case_id: Any, version: int | None = None, organization_id: Any) -> ChildProtection:
    """Notify a child protection agency of the country: it joins the case's team and sees the case."""
    case = access_case(actor, case_id)
    check.check_version(case, version, _(STALE))
    require_open(case)
    track = _track(case)
    agency = Organization.objects.filter(pk=check.pk_of(organization_id), country=case.country, is_active=True).first()
    if agency is None or OrganizationFunction.CHILD_PROTECTION not in (agency.functions or []):
        message = _("Choose a child protection agency of this country.")
        raise ApplicationError("invalid", message, {"fields": {"organization": message}})
    if agency.pk != case.owner_organization_id:
        CaseOrganization.objects.get_or_create(
            case=case,
            organization=agency,
            defaults={"reason": CaseOrganization.Reason.CHILD_PROTECTION, "added_by": actor},
        )
    track.notified_organization = agency
    track.notified_at = timezone.now()
    track.save()
    case_touch(case)
    notified = notify_organization(
        organization_id=agency.pk,
        kind="child_case_notified",
        params={"case_number": case.case_number, "organization": case.owner_organization.name},
        link=reverse("cases:detail", kwargs={"pk": case.pk}),
        roles=CHILD_OFFICER_ROLES,
    )
    audit_record(
        actor=actor,
        action="case.child_notify",
        target=case,
        organization=case.owner_organization_id,
        changes={"notified_organization": agency.pk, "officers_notified": len(notified)},
    )
    return track


@transaction.atomic
def child_update(*, actor: User, case_id: Any, version: int | None = None, **data: Any) -> ChildProtection:
    """Record the guardian, the best-interests assessment, family tracing and the age assessment. A child
    assessed as an adult leaves the child track; the record of it stays."""
    case = access_case(actor, case_id)
    check.check_version(case, version, _(STALE))
    require_open(case)
    check.reject_unknown(data, CHILD_FIELDS)
    track = _track(case)
    errors = check.Errors()
    clean: dict[str, Any] = {}
    if "guardian_name" in data:
        clean["guardian_name"] = check.line(errors, "guardian_name", data["guardian_name"])
    if "guardian_organization" in data:
        value = data["guardian_organization"]
        org = None
        if value not in (None, ""):
            org = Organization.objects.filter(pk=check.pk_of(value), country=case.country, is_active=True).first()
            if org is None:
                errors["guardian_organization"] = _("Choose an organization of this country.")
        clean["guardian_organization"] = org
    if "guardian_appointed_on" in data:
        clean["guardian_appointed_on"] = check.a_date(
            errors,
            "guardian_appointed_on",
            data["guardian_appointed_on"],
            required=False,
            not_before=case.identified_on,
            not_before_message=_("A guardian cannot be appointed before the identification."),
        )
    if "best_interests" in data:
        clean["best_interests"] = check.choice(
            errors, "best_interests", ChildProtection.Assessment, data["best_interests"]
        )
    if "best_interests_completed_on" in data:
        clean["best_interests_completed_on"] = check.a_date(
            errors,
            "best_interests_completed_on",
            data["best_interests_completed_on"],
            required=False,
            not_before=case.identified_on,
            not_before_message=_("The assessment cannot be completed before the identification."),
        )
    if "family_tracing" in data:
        clean["family_tracing"] = check.choice(
            errors, "family_tracing", ChildProtection.Tracing, data["family_tracing"]
        )
    if "age_assessment" in data:
        clean["age_assessment"] = check.choice(
            errors, "age_assessment", ChildProtection.AgeAssessment, data["age_assessment"]
        )
    errors.raise_if_any()

    def rules(track: ChildProtection) -> None:
        if track.guardian_appointed_on and not (track.guardian_name or track.guardian_organization_id):
            errors["guardian_name"] = _("Name the guardian or the guardian's organization.")
        if track.best_interests == ChildProtection.Assessment.COMPLETED and not track.best_interests_completed_on:
            errors["best_interests_completed_on"] = _("Give the date the assessment was completed.")
        errors.raise_if_any()

    update = check.model_update(track, clean, check=rules)
    changed, before = update.fields, update.before
    if not changed:
        return track
    if "age_assessment" in changed:
        case.is_child = track.age_assessment != ChildProtection.AgeAssessment.ADULT
        case.save(update_fields=["is_child"])
    case_touch(case)
    audit_record(
        actor=actor,
        action="case.child_update",
        target=case,
        organization=case.owner_organization_id,
        changes=describe_changes(track, changed, before),
    )
    return track
