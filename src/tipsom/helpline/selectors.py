"""Reads of the helpline: the queue (open contacts, immediate danger first, and the callbacks due), the contact
list, one contact with the others about its situation and from the same number, an operator's own work, and the
contacts of a case for the case page (without any caller data). Every read of contacts starts from
Contact.objects.restrict(user, action), but the case page's, which the case itself opens."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import F, Q, QuerySet
from django.utils import timezone

from tipsom.accounts.models import ObjectPermission, User
from tipsom.cases.models import Case
from tipsom.core.fields import encrypted_fields
from tipsom.core.permissions import access_by_id, object_type, user_can
from tipsom.helpline.models import BlockedNumber, Callback, CallbackStatus, Contact, ContactStatus

SIDE_LIST_LIMIT = 20
WIDGET_LIMIT = 8


def _identifying(model: type[Any]) -> list[str]:
    return [field.name for field in encrypted_fields(model)]


def contact_list(*, user: User, action: str = "view") -> QuerySet[Contact]:
    """The contacts the user may `action` (their helpline's), without the encrypted columns (a list never reads,
    let alone decrypts, a caller's value)."""
    return Contact.objects.restrict(user, action).defer(*_identifying(Contact))


def contact_queue(*, user: User) -> QuerySet[Contact]:
    """The helpline's open contacts, unordered (the screen and the API order them by rank, then age): the
    helpline_queue index serves (organization, status, rank, id)."""
    return contact_list(user=user).filter(status=ContactStatus.OPEN)


def end_of_today() -> datetime:
    today = timezone.localdate()
    return timezone.make_aware(datetime.combine(today + timedelta(days=1), time.min))


def callbacks_due(*, user: User, until: datetime | None = None) -> QuerySet[Callback]:
    """The callbacks still to make by `until` (the end of today by default), the earliest first, with their
    contact's number and type; nothing encrypted is read."""
    return (
        Callback.objects.restrict(user, "view")
        .filter(status=CallbackStatus.PENDING, due_at__lt=until or end_of_today())
        .select_related("contact", "assigned_to")
        .only(
            "id",
            "due_at",
            "status",
            "version",
            "owner_organization_id",
            "assigned_to__id",
            "assigned_to__username",
            "assigned_to__full_name",
            "contact__id",
            "contact__reference",
            "contact__contact_type",
            "contact__urgency",
            "contact__language",
            "contact__callback_no_message",
        )
        .order_by("due_at", "pk")
    )


def access_contact_by_id(user: User, contact_id: Any, action: str = "view") -> Contact:
    """One contact the user may `action`, with its assignee and case; NotFound when missing or out of scope."""
    queryset = Contact.objects.select_related("assigned_to", "case", "owner_organization")
    return access_by_id(Contact, user, contact_id, action, queryset=queryset)


def contact_allows(user: User, contact: Contact, action: str) -> bool:
    """Whether the user may `action` this contact (buttons; the services check again when acting)."""
    return user_can(user, action, Contact) and Contact.objects.restrict(user, action).filter(pk=contact.pk).exists()


def situation_contacts(*, user: User, contact: Contact) -> list[Contact]:
    """The other contacts about the same situation that the user may see, in order of time."""
    if contact.situation_id is None:
        return []
    return list(
        contact_list(user=user)
        .filter(situation_id=contact.situation_id)
        .exclude(pk=contact.pk)
        .order_by("started_at", "pk")[:SIDE_LIST_LIMIT]
    )


def same_number_contacts(*, user: User, contact: Contact) -> list[Contact]:
    """Earlier and later contacts of the helpline from the same number (its blind index): a repeat caller."""
    if not contact.caller_number_index:
        return []
    return list(
        contact_list(user=user)
        .filter(owner_organization_id=contact.owner_organization_id, caller_number_index=contact.caller_number_index)
        .exclude(pk=contact.pk)
        .order_by("-pk")[:SIDE_LIST_LIMIT]
    )


def contact_callbacks(contact: Contact) -> list[Callback]:
    """The contact's callbacks, the earliest due first (the contact was fetched within the user's scope)."""
    return list(contact.callbacks.select_related("assigned_to", "done_by").defer("note").order_by("due_at", "pk"))


def contacts_of_case(*, case: Case) -> list[Contact]:
    """The contacts linked to a case the caller may see (the case page's Contacts tab): coded facts only, no caller
    data and no free text; the case gives access, not the helpline's permissions."""
    contacts = Contact.objects.filter(case=case).defer(*_identifying(Contact))
    return list(contacts.order_by("started_at", "pk")[:200])


def my_open_contacts(*, user: User) -> list[Contact]:
    """The user's own open contacts, top of the queue first (the helpline_assigned index)."""
    return list(
        contact_list(user=user)
        .filter(assigned_to=user, status=ContactStatus.OPEN)
        .order_by("queue_rank", "pk")[:WIDGET_LIMIT]
    )


def my_callbacks_due(*, user: User) -> list[Callback]:
    """The callbacks due by the end of today that are the user's, or nobody's yet."""
    return list(callbacks_due(user=user).filter(Q(assigned_to=user) | Q(assigned_to__isnull=True))[:WIDGET_LIMIT])


def assignable_operators(*, user: User) -> list[User]:
    """The active users of the user's helpline whose roles let them work on contacts, by name (two queries)."""
    if user.organization_id is None:
        return []
    label = object_type(Contact)
    granting = [
        pk
        for pk, types, actions in ObjectPermission.objects.filter(enabled=True).values_list(
            "pk", "object_types", "actions"
        )
        if label in types and "change" in actions
    ]
    return list(
        User.objects.filter(organization_id=user.organization_id, is_active=True, roles__permissions__in=granting)
        .distinct()
        .only("id", "username", "full_name")
        .order_by("full_name", "pk")
    )


def number_blocked(*, organization_id: int, index: str, now: datetime | None = None) -> BlockedNumber | None:
    """The block in force on a number (its blind index, helpline.numbers.number_index) at a helpline, if any."""
    if not index:
        return None
    return (
        BlockedNumber.objects.filter(
            owner_organization_id=organization_id, number_index=index, until__gt=now or timezone.now(), lifted_at=None
        )
        .defer(*_identifying(BlockedNumber))
        .order_by("-until")
        .first()
    )


def emergency_pathway(*, user: User, contact: Contact) -> dict[str, Any]:
    """What a contact in immediate danger calls for, from the referrals' own rules: the hours a service has to
    answer an emergency referral in the country, and the country's referral pathways that fit what the contact
    tells (a child or not, the forms of exploitation), each type of service with up to three active services of
    the directory that serve such a person, those with free places first."""
    from tipsom.referrals.models import Pathway, ServiceType, Urgency
    from tipsom.referrals.selectors.directory import (
        SUGGESTIONS_PER_TYPE,
        Profile,
        pathway_matches,
        serves_profile,
        service_list,
    )
    from tipsom.referrals.services.directory import response_hours

    is_child = contact.subject_age_group == "child"
    profile = Profile(
        country=contact.country,
        sex=contact.subject_gender if contact.subject_gender not in ("", "NonSpecifiedUnknown") else "",
        youngest=0 if is_child else None,
        oldest=17 if is_child else None,
        case_type="tip",
        region="",
        is_child=is_child,
        is_foreign=False,
        exploitation_types=tuple(contact.exploitation_types),
    )
    labels = dict(ServiceType.choices)
    suggestions: dict[str, dict[str, Any]] = {}
    # The country's pathways apply to every contact, as they do to every case (referrals' pathway_suggestions).
    for pathway in Pathway.objects.filter(country=contact.country, is_active=True).order_by("priority", "pk"):
        if not pathway_matches(pathway, profile):
            continue
        for service_type in pathway.service_types:
            if service_type in labels and service_type not in suggestions:
                suggestions[service_type] = {"label": labels[service_type], "reason": pathway.name, "services": []}
    if suggestions:
        services = (
            service_list(user=user)
            .filter(service_type__in=list(suggestions), is_active=True, organization__is_active=True)
            .filter(serves_profile(profile))
            .order_by("service_type", F("capacity_available").desc(nulls_last=True), "pk")
        )
        for service in services[: SUGGESTIONS_PER_TYPE * len(suggestions) * 4]:
            entry = suggestions[service.service_type]
            if len(entry["services"]) < SUGGESTIONS_PER_TYPE:
                entry["services"].append(service)
    return {"hours": response_hours(contact.country, Urgency.EMERGENCY), "suggestions": list(suggestions.values())}
