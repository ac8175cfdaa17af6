"""Reads for referrals and transfers, narrowed to what the user may see. Lists show no case data."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tipsom.accounts.models import User
from tipsom.cases.models import Case
from tipsom.core.errors import NotFound
from tipsom.core.permissions import access_by_id
from tipsom.referrals.models import OPEN_STATES, Referral, State, Transfer

_LIST_RELATED = ("case", "from_organization", "to_organization", "service")


def _list(queryset: QuerySet[Referral]) -> QuerySet[Referral]:
    """Lists read only coded columns: never the encrypted ones (messages, reasons, payload) nor the person."""
    return queryset.select_related(*_LIST_RELATED).only(
        "pk",
        "state",
        "channel",
        "service_type",
        "urgency",
        "overdue",
        "due_at",
        "sent_at",
        "responded_at",
        "ended_at",
        "country",
        "partner_country",
        "version",
        "case_id",
        "case__case_number",
        "case__is_child",
        "from_organization_id",
        "from_organization__name",
        "to_organization_id",
        "to_organization__name",
        "service_id",
        "service__name",
    )


def referral_inbox(*, user: User, state: str = "") -> QuerySet[Referral]:
    """Referrals sent to the user's organization, newest first (the receiver's list: no case data)."""
    queryset = Referral.objects.restrict(user, "view").filter(to_organization_id=user.organization_id)
    if state == "open":
        queryset = queryset.filter(state__in=OPEN_STATES)
    elif state in State.values:
        queryset = queryset.filter(state=state)
    return _list(queryset)


def referral_outbox(*, user: User, state: str = "") -> QuerySet[Referral]:
    """Referrals the user's organization sent."""
    queryset = Referral.objects.restrict(user, "view").filter(from_organization_id=user.organization_id)
    if state == "open":
        queryset = queryset.filter(state__in=OPEN_STATES)
    elif state == "overdue":
        queryset = queryset.filter(overdue=True)
    elif state in State.values:
        queryset = queryset.filter(state=state)
    return _list(queryset)


def referral_list(*, user: User) -> QuerySet[Referral]:
    """Every referral the user may see (national coordinators: the country's), for lists and statistics."""
    return _list(Referral.objects.restrict(user, "view"))


def case_referrals(*, user: User, case: Case) -> QuerySet[Referral]:
    """The referrals of a case, for its page (the caller has checked the user sees the case)."""
    return _list(Referral.objects.filter(case=case))


def referral_is_sender_side(user: User, referral: Referral) -> bool:
    """The sending organization or one that works on the case: they see the whole referral record (a national
    viewer of cases does not: it sees the record without case data or free text)."""
    if referral.channel == "from_abroad":
        return False
    if user.organization_id == referral.from_organization_id:
        return True
    return referral.case_id is not None and Case.objects.restrict(user, "change").filter(pk=referral.case_id).exists()


def access_referral_by_id(user: User, referral_id: Any) -> Referral:
    """One referral the user may open: the sender's side always; the receiver only while it is open (after
    that its access has ended: NotFound, as for anyone else). National viewers see the record, not the case."""
    queryset = Referral.objects.select_related(*_LIST_RELATED)
    referral = access_by_id(Referral, user, referral_id, "view", queryset=queryset)
    if referral_is_sender_side(user, referral):
        return referral
    if user.organization_id == referral.to_organization_id:
        if referral.state in OPEN_STATES:
            return referral
        raise NotFound()
    return referral  # national scope: the record without the case


def transfer_list(*, user: User) -> QuerySet[Transfer]:
    return Transfer.objects.restrict(user, "view").select_related("case", "from_organization", "to_organization")


def transfer_inbox(*, user: User) -> QuerySet[Transfer]:
    return transfer_list(user=user).filter(to_organization_id=user.organization_id)


def access_transfer_by_id(user: User, transfer_id: Any) -> Transfer:
    queryset = Transfer.objects.select_related("case", "from_organization", "to_organization", "requested_by")
    return access_by_id(Transfer, user, transfer_id, "view", queryset=queryset)


def case_owner_history(case: Case) -> list[dict[str, Any]]:
    """The organizations that owned the case, oldest first, from its accepted transfers."""
    accepted = list(
        Transfer.objects.filter(case=case, status=Transfer.Status.ACCEPTED)
        .select_related("from_organization", "to_organization")
        .order_by("responded_at", "pk")
    )
    if not accepted:
        return [{"organization": case.owner_organization, "since": case.created_at}]
    history = [{"organization": accepted[0].from_organization, "since": case.created_at}]
    history += [{"organization": t.to_organization, "since": t.responded_at} for t in accepted]
    return history


def case_transfers(case: Case) -> QuerySet[Transfer]:
    return Transfer.objects.filter(case=case).select_related("from_organization", "to_organization")


def referral_trail(*, user: User, referral: Referral, limit: int = 50) -> list[Any]:
    """Who did what to the referral and who looked at the shared sections, for the sending side (the case's
    organization is told of every access to its case), newest first. Others get nothing."""
    from tipsom.audit.models import AuditEvent

    if not referral_is_sender_side(user, referral):
        return []
    events = AuditEvent.objects.filter(object_type="referrals.referral", object_id=str(referral.pk))
    return list(events.select_related("actor", "organization").order_by("-sequence")[:limit])


def partner_countries() -> list[str]:
    """The countries whose tipsom this deployment can send referral bundles to (their keys are known)."""
    from tipsom.referrals.models import ExchangePeer

    return list(ExchangePeer.objects.filter(is_active=True).order_by("country").values_list("country", flat=True))


def abroad_sender(referral: Referral) -> dict[str, str] | None:
    """Who sent a referral from another country, as its bundle said: organization, contacts, their case number."""
    import json

    from tipsom.organizations import geography

    if referral.channel != "from_abroad":
        return None
    header = json.loads(referral.payload or "{}").get("referral") or {}
    sender = header.get("sender")
    if not isinstance(sender, dict):
        sender = {}
    fields = ("organization", "phone", "email", "case_number")
    found = {name: str(sender.get(name) or "") for name in fields}
    return {**found, "country": geography.country_name(referral.partner_country) or referral.partner_country}


def referral_profile_preview(*, user: User, referral: Referral) -> dict[str, Any] | None:
    """The profile the receiving organization decides on before it answers (the user guide's promise): type of
    case, child, sex, age range, citizenship, languages; nothing that names or locates the person. Only for the
    receiver, only while the referral awaits its answer; anyone else, or later, gets None (once accepted, the
    shared sections take its place, audited)."""
    import json

    from tipsom.referrals.sections import build_sections

    if user.organization_id != referral.to_organization_id or referral.state != State.SENT:
        return None
    if referral.channel == "from_abroad":
        profile = json.loads(referral.payload or "{}").get("sections", {}).get("profile")
        return profile if isinstance(profile, dict) else None
    if referral.case is None:
        return None
    return build_sections(referral.case, ["profile"])["profile"]
