"""Writes of the helpline (ARCHITECTURE.md: services check permission, apply the rule and audit): contacts
(contact.py), from a contact to a case and a referral (case.py), callbacks (callback.py)."""

from tipsom.helpline.services.callback import callback_complete, callback_schedule
from tipsom.helpline.services.case import (
    contact_case_defaults,
    contact_case_link,
    contact_case_open,
    contact_refer,
    contact_screening_defaults,
)
from tipsom.helpline.services.contact import (
    CONTACT_FIELDS,
    access_contact,
    contact_assign,
    contact_caller_reveal,
    contact_close,
    contact_create,
    contact_fields_validate,
    contact_recommendation,
    contact_reopen,
    contact_situation_leave,
    contact_situation_link,
    contact_update,
)

__all__ = [
    "CONTACT_FIELDS",
    "access_contact",
    "callback_complete",
    "callback_schedule",
    "contact_assign",
    "contact_caller_reveal",
    "contact_case_defaults",
    "contact_case_link",
    "contact_case_open",
    "contact_close",
    "contact_create",
    "contact_fields_validate",
    "contact_recommendation",
    "contact_refer",
    "contact_reopen",
    "contact_screening_defaults",
    "contact_situation_leave",
    "contact_situation_link",
    "contact_update",
]
