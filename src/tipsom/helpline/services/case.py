"""From a contact to a case: opening a victim case (the person, the case, the screening and the consents, through
the ordinary registration and its checks), linking the contact to a case already registered, and referring from
the contact to a service of the directory (an NRM referral of its case, consent-gated as every referral)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.cases.models import Case, CaseType, Consent
from tipsom.cases.selectors import access_case_by_id
from tipsom.cases.services.registration import case_register_complete
from tipsom.core import validation as check
from tipsom.core.errors import ApplicationError, Conflict, NotFound
from tipsom.helpline.models import Contact, ContactAction
from tipsom.helpline.services.contact import access_contact, contact_audit, require_data_contact
from tipsom.referrals.models import Referral, Service
from tipsom.referrals.sections import minimum_sections
from tipsom.referrals.services import referral_send, referral_send_with_consent


def _require_no_case(contact: Contact) -> None:
    if contact.case_id is not None:
        raise Conflict(_("This contact is already linked to a case."), {"case": contact.case_id})


def _with_action(contact: Contact, action: str) -> list[str]:
    return list(dict.fromkeys([*contact.actions, action]))


def contact_case_defaults(contact: Contact) -> dict[str, Any]:
    """What the contact tells of the case: the type, the day, the region and the HTCDS categories."""
    return {
        "case_type": CaseType.TIP,
        "identified_on": timezone.localtime(contact.started_at).date(),
        "region": contact.region,
        "exploitation_types": list(contact.exploitation_types),
        "industries": list(contact.industries),
        "means_of_control": list(contact.means_of_control),
    }


def contact_screening_defaults(contact: Contact) -> dict[str, Any]:
    """The contact's screening answers, as the case screening takes them."""
    return {
        "screened_on": timezone.localtime(contact.started_at).date(),
        "acts": list(contact.acts),
        "means": list(contact.means_of_control),
        "purposes": list(contact.exploitation_types),
    }


def _require_data_consent(consents: Any) -> None:
    """Opening a case keeps the person's data: the consent to process it (the person's, or for a child a parent's
    or a guardian's) must be given in the same step."""
    given = isinstance(consents, list) and any(
        isinstance(item, dict) and item.get("purpose") == Consent.Purpose.DATA_PROCESSING and item.get("given") is True
        for item in consents
    )
    if not given:
        message = _(
            "Record the consent to process the person's data (the person's, or for a child a parent's or a "
            "guardian's) to open a case from a contact."
        )
        raise ApplicationError("consent_missing", message, {"fields": {"consent.data_processing": message}})


@transaction.atomic
def contact_case_open(
    *,
    actor: User,
    contact_id: Any,
    version: Any = None,
    person: dict[str, Any] | None = None,
    person_id: int | None = None,
    case: dict[str, Any] | None = None,
    screening: dict[str, Any] | None = None,
    consents: list[dict[str, Any]] | None = None,
    notify_organization_id: int | None = None,
) -> Case:
    """Register the person (new, or `person_id` already in the registry) and a victim case from the contact, with
    the consents given, through cases.services.registration.case_register_complete (its checks and audit). The
    case starts from what the contact tells (contact_case_defaults, contact_screening_defaults), which `case` and
    `screening` may refine. All or nothing: a refusal of any part leaves the contact as it was."""
    contact = access_contact(actor, contact_id)
    check.check_version(contact, version, _("Someone else changed this contact after you opened it."))
    require_data_contact(contact)
    _require_no_case(contact)
    _require_data_consent(consents)
    registered = case_register_complete(
        actor=actor,
        organization=actor.organization,
        case={**contact_case_defaults(contact), **(case or {})},
        person=person,
        person_id=person_id,
        screening={**contact_screening_defaults(contact), **(screening or {})},
        consents=consents,
        notify_organization_id=notify_organization_id,
    )
    check.model_update(contact, {"case": registered, "actions": _with_action(contact, ContactAction.CASE_OPENED)})
    contact_audit(actor, "helpline.contact.case_open", contact, {"case": registered.pk})
    return registered


@transaction.atomic
def contact_case_link(*, actor: User, contact_id: Any, case: Any, version: Any = None) -> Contact:
    """Link the contact to a case already registered (its id or its case number) that the actor may see."""
    contact = access_contact(actor, contact_id)
    check.check_version(contact, version, _("Someone else changed this contact after you opened it."))
    require_data_contact(contact)
    _require_no_case(contact)
    text = str(getattr(case, "pk", case) or "").strip().upper()
    found: Case | None
    try:
        if text.isdigit():
            found = access_case_by_id(actor, int(text))
        else:
            found = Case.objects.restrict(actor, "view").filter(case_number=text, country=contact.country).first()
    except NotFound:
        found = None
    if found is None:
        message = _("No case you may see has this number.")
        raise ApplicationError("invalid", message, {"fields": {"case": message}})
    check.model_update(contact, {"case": found, "actions": _with_action(contact, ContactAction.CASE_LINKED)})
    contact_audit(actor, "helpline.contact.case_link", contact, {"case": found.pk})
    return contact


@transaction.atomic
def contact_refer(
    *,
    actor: User,
    contact_id: Any,
    service_id: Any,
    urgency: str = "",
    sections: list[str] | None = None,
    message: str = "",
    consent: dict[str, Any] | None = None,
    consent_override: str = "",
    warning_override: str = "",
) -> Referral:
    """Refer the person of the contact's case to a service of the directory, through the referral services (their
    consent gate, warnings and audit): with `consent` (given_by, recorded_on, service_types) the person's consent
    for the referral is recorded in the same step. The urgency is the contact's unless given (immediate danger is
    an emergency referral); the sections shared are the least the service's type needs unless given."""
    contact = access_contact(actor, contact_id)
    require_data_contact(contact)
    if contact.case_id is None:
        raise ApplicationError(
            "no_case",
            _("Open a case from this contact, or link it to one, before referring: a referral is for a case."),
        )
    if sections is None:
        service_type = Service.objects.filter(pk=check.pk_of(service_id)).values_list("service_type", flat=True).first()
        sections = minimum_sections(service_type or "")
    send: dict[str, Any] = {
        "service_id": service_id,
        "urgency": urgency or contact.urgency,
        "sections": sections,
        "message": message,
        "warning_override": warning_override,
    }
    if consent is not None:
        referral = referral_send_with_consent(actor=actor, case_id=contact.case_id, consent=consent, **send)
    else:
        referral = referral_send(actor=actor, case_id=contact.case_id, consent_override=consent_override, **send)
    contact.referrals.add(referral)
    check.model_update(contact, {"actions": _with_action(contact, ContactAction.REFERRED_SERVICE)})
    contact_audit(actor, "helpline.contact.refer", contact, {"referral": referral.pk, "case": contact.case_id})
    return referral
