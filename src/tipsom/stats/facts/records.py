"""Helpline and referral facts: one row per helpline contact (ContactFact) and one per referral (ReferralFact), with
coded categories only.

Contacts: the year and month of the contact's time in the deployment's time zone (settings.TIME_ZONE, as the
helpline statistics count them), its channel, type, urgency and region, whether it opened or was linked to a case,
and whether a referral was made from it.

Referrals, with the definitions of referrals.selectors.stats: the year the referral was sent (the deployment's time
zone), the type of service, the state, and the referring case's region (where the victim is), child status and
type of case. Answered: the receiver said yes or no (`responded_at`); accepted: answered and not declined (a
referral revoked after it was accepted was accepted); overdue: the referral's own flag (set by the scheduled job
when the answer or the start is late); the response time in hours from sending to the answer (none when not
answered, never below zero). The organization of a referral fact is the referring one (the receiving one for a
referral received from abroad; else the case's owner)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from django.db.models import Max
from django.utils import timezone

from tipsom.helpline.models import Contact
from tipsom.referrals.models import Referral, State, Transfer
from tipsom.stats.facts.engine import FactKind, all_ids, ids_of, register_kind, same_ids
from tipsom.stats.models import ContactFact, ReferralFact


def _local(moment: datetime) -> datetime:
    """The moment in the deployment's time zone (not the one a request activated: a fact is the same for all)."""
    return timezone.localtime(moment, timezone.get_default_timezone()) if timezone.is_aware(moment) else moment


# --- Helpline contacts ---------------------------------------------------------------------------------------------
def build_contacts(contact_ids: Sequence[int]) -> list[ContactFact]:
    rows = list(
        Contact.objects.filter(pk__in=contact_ids).values(
            "pk",
            "country",
            "owner_organization_id",
            "owner_organization__type",
            "started_at",
            "channel",
            "contact_type",
            "urgency",
            "region",
            "case_id",
        )
    )
    if not rows:
        return []
    through = Contact.referrals.through.objects
    referred = set(
        through.filter(contact_id__in=[row["pk"] for row in rows]).values_list("contact_id", flat=True).distinct()
    )
    facts = []
    for row in rows:
        started = _local(row["started_at"])
        facts.append(
            ContactFact(
                source_id=row["pk"],
                country=row["country"],
                organization_id=row["owner_organization_id"],
                organization_type=row["owner_organization__type"] or "",
                year=started.year,
                month=started.month,
                channel=row["channel"] or "",
                contact_type=row["contact_type"] or "",
                urgency=row["urgency"] or "",
                region=row["region"] or "",
                opened_case=row["case_id"] is not None,
                referred=row["pk"] in referred,
            )
        )
    return facts


CONTACTS = register_kind(
    FactKind(
        name="contacts",
        model=ContactFact,
        all_sources=all_ids(Contact),
        build=build_contacts,
        watches={"helpline.contact": same_ids},
    )
)


# --- Referrals -----------------------------------------------------------------------------------------------------
def response_hours(sent_at: datetime, responded_at: datetime | None) -> float | None:
    """Hours from sending to the answer (referrals.selectors.stats: never below zero); None when not answered."""
    if responded_at is None:
        return None
    return max((responded_at - sent_at).total_seconds(), 0.0) / 3600


def build_referrals(referral_ids: Sequence[int]) -> list[ReferralFact]:
    facts = []
    for values in Referral.objects.filter(pk__in=referral_ids).values(
        "pk",
        "country",
        "from_organization_id",
        "from_organization__type",
        "to_organization_id",
        "to_organization__type",
        "case__owner_organization_id",
        "case__owner_organization__type",
        "service_type",
        "state",
        "overdue",
        "sent_at",
        "responded_at",
        "case__region",
        "case__is_child",
        "case__case_type",
    ):
        row: dict[str, Any] = dict(values)
        organization, organization_type = next(
            (
                (row[f"{side}_id"], row[f"{side}__type"])
                for side in ("from_organization", "to_organization", "case__owner_organization")
                if row[f"{side}_id"] is not None
            ),
            (None, ""),
        )
        if organization is None:
            continue  # no organization of this deployment to scope it by (none is recorded)
        answered = row["responded_at"] is not None
        facts.append(
            ReferralFact(
                source_id=row["pk"],
                country=row["country"],
                organization_id=organization,
                organization_type=organization_type or "",
                year=_local(row["sent_at"]).year,
                service_type=row["service_type"] or "",
                state=row["state"] or "",
                region=row["case__region"] or "",
                is_child=bool(row["case__is_child"]),
                case_type=row["case__case_type"] or "",
                answered=answered,
                accepted=answered and row["state"] != State.DECLINED,
                response_hours=response_hours(row["sent_at"], row["responded_at"]),
                overdue=bool(row["overdue"]),
            )
        )
    return facts


def _referrals(object_ids: list[str]) -> set[int]:
    """The referrals named; an event that names none (a bulk import) stands for the referrals made since the
    newest one in the facts."""
    found = set(ids_of(object_ids))
    if any(not str(value).strip() for value in object_ids):
        newest = ReferralFact.objects.aggregate(newest=Max("source_id"))["newest"] or 0
        found |= set(Referral.objects.filter(pk__gt=newest).values_list("pk", flat=True))
    return found


def _referrals_of_cases(object_ids: list[str]) -> set[int]:
    return set(Referral.objects.filter(case_id__in=ids_of(object_ids)).values_list("pk", flat=True))


def _referrals_of_transfers(object_ids: list[str]) -> set[int]:
    """A case handed over takes its open referrals with it (their referring organization changes)."""
    cases = Transfer.objects.filter(pk__in=ids_of(object_ids)).values("case_id")
    return set(Referral.objects.filter(case_id__in=cases).values_list("pk", flat=True))


REFERRALS = register_kind(
    FactKind(
        name="referrals",
        model=ReferralFact,
        all_sources=all_ids(Referral),
        build=build_referrals,
        watches={
            "referrals.referral": _referrals,
            "referrals.transfer": _referrals_of_transfers,
            "cases.case": _referrals_of_cases,
        },
    )
)
