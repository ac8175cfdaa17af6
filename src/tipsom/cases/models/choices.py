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
