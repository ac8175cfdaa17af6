"""Writes for the National Referral Mechanism (ARCHITECTURE.md: services check permission, apply the rule and
audit): referrals and their access grant, their answers (answer.py), transfers, the directory (directory.py),
bundles (bundle.py)."""

from tipsom.referrals.services.answer import (
    referral_accept,
    referral_case_register,
    referral_complete,
    referral_decline,
    referral_revoke,
    referral_start,
)
from tipsom.referrals.services.bulk import ReferralImport, referrals_bulk_import
from tipsom.referrals.services.referral import (
    referral_receiver_may_open,
    referral_send,
    referral_send_with_consent,
    referral_shared_open,
    referral_warnings,
    referrals_expire_due,
)
from tipsom.referrals.services.transfer import transfer_accept, transfer_cancel, transfer_decline, transfer_request

__all__ = [
    "ReferralImport",
    "referral_accept",
    "referral_case_register",
    "referral_complete",
    "referral_decline",
    "referral_receiver_may_open",
    "referral_revoke",
    "referral_send",
    "referral_send_with_consent",
    "referral_shared_open",
    "referral_start",
    "referral_warnings",
    "referrals_bulk_import",
    "referrals_expire_due",
    "transfer_accept",
    "transfer_cancel",
    "transfer_decline",
    "transfer_request",
]
