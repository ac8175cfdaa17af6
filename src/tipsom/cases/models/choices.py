"""The codes and choices of cases: HTCDS code lists (as functions, so a deployment's extra codes count), statuses
and tipsom's own enumerations."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from tipsom.core.codes import code_choices


def case_status_choices() -> list[tuple[str, str]]:
    return code_choices("cas_Status")


def trafficking_status_choices() -> list[tuple[str, str]]:
    return code_choices("vic_TraffickingStatus")


def deciding_org_choices() -> list[tuple[str, str]]:
    return code_choices("vic_TraffickingStatusDecisionMakingOrg")


def event_type_choices() -> list[tuple[str, str]]:
    return code_choices("hte_Type")


def support_type_choices() -> list[tuple[str, str]]:
    return code_choices("spl_Type")


STATUS_ACTIVE = "Active"
STATUS_FOLLOW_UP = "FollowUp"
STATUS_CLOSED = "Closed"
STATUS_CLOSED_REFERRED = "ClosedReferred"
CLOSED_STATUSES = (STATUS_CLOSED, STATUS_CLOSED_REFERRED)
POSSIBLE_VICTIM = "PossibleVictimOfTrafficking"
ACTUAL_VICTIM = "ActualVictimOfTrafficking"
NOT_A_VICTIM = "NotAVictimOfTrafficking"


class CaseType(models.TextChoices):
    TIP = "tip", _("Victim of trafficking")
    SOM = "som", _("Vulnerable smuggled migrant")
    BOTH = "both", _("Both")


class TraffickingAct(models.TextChoices):
    """The acts of the Palermo Protocol definition (article 3), asked about in the identification interview."""

    RECRUITMENT = "recruitment", _("Recruited")
    TRANSPORTATION = "transportation", _("Transported")
    TRANSFER = "transfer", _("Transferred")
    HARBOURING = "harbouring", _("Harboured")
    RECEIPT = "receipt", _("Received")


class SomVulnerability(models.TextChoices):
    """Vulnerabilities of a smuggled migrant that call for protection (IOM, UNODC guidance)."""

    UNACCOMPANIED_CHILD = "unaccompanied_child", _("Unaccompanied or separated child")
    INJURED_OR_ILL = "injured_or_ill", _("Injured or ill")
    PREGNANT = "pregnant", _("Pregnant")
    DISABILITY = "disability", _("Disability")
    LIFE_ENDANGERED = "life_endangered", _("Life endangered during the journey")
    ABANDONED = "abandoned", _("Abandoned by the smugglers")
    HELD_FOR_RANSOM = "held_for_ransom", _("Held for ransom or extortion")
    VIOLENCE = "violence", _("Survivor of violence during the journey")
    NO_DOCUMENTS = "no_documents", _("Without identity documents")
    ELDERLY = "elderly", _("Elderly")


class ClosureReason(models.TextChoices):
    SERVICES_COMPLETED = "services_completed", _("Services completed")
    REFERRED = "referred", _("Referred to another organization")
    DECLINED = "declined", _("Declined further assistance")
    LOST_CONTACT = "lost_contact", _("Contact lost")
    RETURNED = "returned", _("Returned and handed over")
    NOT_A_VICTIM = "not_a_victim", _("Found not to be a victim")
    DECEASED = "deceased", _("Deceased")
    OTHER = "other", _("Other")


class ServiceType(models.TextChoices):
    """The types of service a person is referred to: the ONE list that the referral form, the service directory
    and the consent form offer (referrals.models re-exports it). Consent stores the HTCDS support type (spl_Type)
    each delivers (SUPPORT_TYPE): the consent form offers this list grouped by it (consent_service_type_choices)."""

    SHELTER = "shelter", _("Shelter")
    MEDICAL = "medical", _("Medical care")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial support")
    LEGAL_AID = "legal_aid", _("Legal aid")
    INTERPRETATION = "interpretation", _("Interpretation")
    CHILD_PROTECTION = "child_protection", _("Child protection")
    RETURN_REINTEGRATION = "return_reintegration", _("Return and reintegration")
    EDUCATION = "education", _("Education or vocational training")
    LIVELIHOOD = "livelihood", _("Livelihood")
    CONSULAR = "consular", _("Consular assistance")
    HELPLINE = "helpline", _("Helpline")


# The HTCDS support type (spl_Type, with tipsom's additions) each service type delivers: consent for referral
# names these, and a completed referral is recorded on the case as a service delivered of this type.
SUPPORT_TYPE: dict[str, str] = {
    ServiceType.SHELTER: "Shelter",
    ServiceType.MEDICAL: "Health",
    ServiceType.PSYCHOSOCIAL: "Health",
    ServiceType.LEGAL_AID: "Legal",
    ServiceType.INTERPRETATION: "Interpretation",
    ServiceType.CHILD_PROTECTION: "SocialCare",
    ServiceType.RETURN_REINTEGRATION: "Return",
    ServiceType.EDUCATION: "Education",
    ServiceType.LIVELIHOOD: "Livelihood",
    ServiceType.CONSULAR: "Consular",
    ServiceType.HELPLINE: "SocialCare",
}


def consent_service_type_choices() -> list[tuple[str, str]]:
    """The consent form's types of service: the referral's service types (ServiceType), in their order, one box
    per support type they deliver (the code consent stores), named by the service types it covers
    ("Medical care, Psychosocial support"): what a caseworker ticks is what the referral form then offers."""
    grouped: dict[str, list[str]] = {}
    for service_type, label in ServiceType.choices:
        grouped.setdefault(SUPPORT_TYPE[service_type], []).append(str(label))
    return [(code, ", ".join(labels)) for code, labels in grouped.items()]


def consent_service_types_for(service_type: str) -> list[str]:
    """The consent code (spl_Type) that allows a referral to `service_type`: what the inline consent ticks."""
    code = SUPPORT_TYPE.get(service_type)
    return [code] if code else []
