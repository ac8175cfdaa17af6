"""Recording and working on helpline contacts: the record itself (create, update), revealing the caller,
assignment, closing, and linking contacts about the same situation. Each checks permission and audits in its
transaction, never a caller's value.

The rules of what a contact may hold are in `contact_fields_validate`, the one place for them: a non-data contact
(silent, hang-up, wrong number, prank) keeps its channel, direction, time, duration and type only; an anonymous
contact keeps no caller data at all; the callback protocol needs the caller's consent and a safe number."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tipsom.accounts.models import User
from tipsom.audit.reveal import identifying_reveal
from tipsom.audit.services import audit_record, describe_changes
from tipsom.cases.models import Screening
from tipsom.cases.services.case import screening_fields_validate, screening_recommendation
from tipsom.core import validation as check
from tipsom.core.codes import is_code
from tipsom.core.errors import ApplicationError, Conflict, NotFound
from tipsom.core.permissions import access_by_id, require_permission, scope_allows_organization, user_can
from tipsom.helpline.languages import is_contact_language
from tipsom.helpline.models import (
    NON_DATA_TYPES,
    QUEUE_RANK,
    TICKED_ACTIONS,
    AgeGroup,
    CallerRole,
    Channel,
    Contact,
    ContactNumberCounter,
    ContactStatus,
    ContactType,
    Direction,
    Urgency,
)
from tipsom.helpline.numbers import number_clean, number_index
from tipsom.organizations import geography

STALE = gettext_noop("Someone else changed this contact after you opened it. Reload it and apply your change again.")
MAX_DURATION = 24 * 3600
MAX_SUBJECTS = 1000
FUTURE_SLACK = timedelta(minutes=10)
EARLIEST_YEAR = 2000

# The caller's data: IDENTIFYING, none of it kept for an anonymous contact.
CALLER_FIELDS = ("caller_name", "caller_number", "caller_email")
CALLBACK_FIELDS = ("callback_number", "callback_safe_times", "callback_code_word")
CALLBACK_FLAGS = ("callback_consent", "callback_no_message")
# What a non-data contact keeps.
NON_DATA_KEEPS = ("channel", "direction", "started_at", "duration_seconds", "contact_type")
# Everything an operator may give (contact_create, contact_update).
CONTACT_FIELDS = (
    *NON_DATA_KEEPS,
    "caller_role",
    "language",
    *CALLER_FIELDS,
    *CALLBACK_FLAGS,
    *CALLBACK_FIELDS,
    "subject_age_group",
    "subject_gender",
    "subject_count",
    "region",
    "place",
    "summary",
    "acts",
    "means_of_control",
    "exploitation_types",
    "industries",
    "urgency",
    "actions",
)
# The empty value of each field, what a non-data or anonymous contact holds.
EMPTY: dict[str, Any] = {
    "caller_role": "",
    "language": "",
    **dict.fromkeys(CALLER_FIELDS, ""),
    **dict.fromkeys(CALLBACK_FLAGS, False),
    **dict.fromkeys(CALLBACK_FIELDS, ""),
    "subject_age_group": "",
    "subject_gender": "",
    "subject_count": None,
    "region": "",
    "place": "",
    "summary": "",
    "acts": [],
    "means_of_control": [],
    "exploitation_types": [],
    "industries": [],
    "urgency": Urgency.ROUTINE,
    "actions": [],
}
# The screening's names for the contact's fields (cases.services.case.screening_fields_validate).
SCREENING_NAMES = {"acts": "acts", "means": "means_of_control", "purposes": "exploitation_types"}
# Never in an audit event: the number's blind index is as good as the number to whoever holds the key.
NOT_AUDITED = frozenset({"caller_number_index"})


def _is_given(value: Any) -> bool:
    return value not in (None, "", False, [], ())


def _started_at(errors: check.Errors, value: Any) -> datetime | None:
    """The time of the contact: a date and time, not ahead of now (a few minutes' clock difference allowed)."""
    if value in (None, ""):
        errors["started_at"] = _("This field is required.")
        return None
    parsed = (
        value if isinstance(value, datetime) else parse_datetime(str(value).strip()) if isinstance(value, str) else None
    )
    if parsed is None:
        errors["started_at"] = _("Enter a valid date and time (YYYY-MM-DD HH:MM).")
        return None
    if timezone.is_naive(parsed):
        parsed = timezone.make_aware(parsed)
    if parsed > timezone.now() + FUTURE_SLACK:
        errors["started_at"] = _("This time is in the future.")
    elif parsed.year < EARLIEST_YEAR:
        errors["started_at"] = _("This date is too early.")
    return parsed


def _flag(errors: check.Errors, field: str, value: Any) -> bool:
    if value in (None, ""):
        return False
    if not isinstance(value, bool):
        errors[field] = _("Give true or false.")
        return False
    return value


def _actions(errors: check.Errors, value: Any, kept: list[str]) -> list[str]:
    """The actions the operator ticks (information given, referred to the police), with those the steps recorded
    (case opened or linked, referred to a service), which the operator cannot remove."""
    if value in (None, ""):
        value = []
    if not isinstance(value, (list, tuple)) or not all(item in TICKED_ACTIONS for item in value):
        errors["actions"] = _("Unknown actions: %(codes)s.") % {"codes": ", ".join(map(str, value))[:200]}
        return kept
    recorded = [item for item in kept if item not in TICKED_ACTIONS]
    return list(dict.fromkeys([*value, *recorded]))


def contact_fields_validate(
    data: dict[str, Any], errors: check.Errors, *, country: str, current: Contact | None = None
) -> dict[str, Any]:
    """The contact's fields as they will be stored (every field of CONTACT_FIELDS), from `data` over the contact's
    current values (or the defaults), checked; problems are added to `errors`."""
    check.reject_unknown(data, CONTACT_FIELDS)
    base: dict[str, Any] = {"channel": Channel.PHONE, "direction": Direction.INCOMING, **EMPTY}
    if current is not None:
        base = {name: getattr(current, name) for name in CONTACT_FIELDS}
    merged = {**base, **data}
    clean: dict[str, Any] = {}
    clean["channel"] = check.choice(errors, "channel", Channel, merged["channel"])
    clean["direction"] = check.choice(errors, "direction", Direction, merged["direction"])
    clean["started_at"] = _started_at(errors, merged.get("started_at"))
    clean["duration_seconds"] = check.whole_number(
        errors, "duration_seconds", merged.get("duration_seconds"), maximum=MAX_DURATION
    )
    clean["contact_type"] = check.choice(errors, "contact_type", ContactType, merged.get("contact_type"))
    if clean["contact_type"] in NON_DATA_TYPES:
        # Counted, not described: every other field given is refused, so nothing is kept by mistake.
        for name in CONTACT_FIELDS:
            if name not in NON_DATA_KEEPS and _is_given(merged.get(name)) and merged.get(name) != EMPTY[name]:
                errors[name] = _(
                    "A silent, hang-up, wrong-number or prank contact keeps only its channel, time, duration and type."
                )
        clean.update(EMPTY)
        return clean
    clean["caller_role"] = check.choice(errors, "caller_role", CallerRole, merged.get("caller_role"))
    language = str(merged.get("language") or "")
    if language and not is_contact_language(language):
        errors["language"] = _("Unknown language code (use one of the helpline's languages).")
    clean["language"] = language
    anonymous = clean["caller_role"] == CallerRole.ANONYMOUS
    if anonymous:
        # An anonymous contact keeps no caller data at all: any given (or still held, when a contact becomes
        # anonymous) is refused, so that nothing is kept or dropped by mistake.
        for name in (*CALLER_FIELDS, *CALLBACK_FIELDS, *CALLBACK_FLAGS):
            if _is_given(merged.get(name)):
                errors[name] = _("An anonymous contact keeps no data about the caller.")
        clean.update({name: EMPTY[name] for name in (*CALLER_FIELDS, *CALLBACK_FIELDS, *CALLBACK_FLAGS)})
    else:
        clean["caller_name"] = check.line(errors, "caller_name", merged.get("caller_name"))
        clean["caller_number"] = number_clean(errors, "caller_number", merged.get("caller_number"))
        clean["caller_email"] = check.line(errors, "caller_email", merged.get("caller_email"), max_length=254)
        clean["callback_consent"] = _flag(errors, "callback_consent", merged.get("callback_consent"))
        clean["callback_no_message"] = _flag(errors, "callback_no_message", merged.get("callback_no_message"))
        clean["callback_number"] = number_clean(errors, "callback_number", merged.get("callback_number"))
        clean["callback_safe_times"] = check.line(errors, "callback_safe_times", merged.get("callback_safe_times"))
        clean["callback_code_word"] = check.line(
            errors, "callback_code_word", merged.get("callback_code_word"), max_length=100
        )
        if clean["callback_consent"]:
            if not clean["callback_number"] and "callback_number" not in errors:
                errors["callback_number"] = _("Give the safe number to call back on.")
        else:
            for name in (*CALLBACK_FIELDS, "callback_no_message"):
                if _is_given(merged.get(name)):
                    errors[name] = _("Only with the caller's consent to be contacted back.")
            clean.update({name: EMPTY[name] for name in (*CALLBACK_FIELDS, "callback_no_message")})
    age_group = merged.get("subject_age_group") or ""
    clean["subject_age_group"] = check.choice(errors, "subject_age_group", AgeGroup, age_group, required=False)
    gender = merged.get("subject_gender") or ""
    if gender and not is_code("prs_Gender", gender):
        errors["subject_gender"] = _("Unknown gender code.")
    clean["subject_gender"] = gender
    clean["subject_count"] = check.whole_number(
        errors, "subject_count", merged.get("subject_count"), minimum=1, maximum=MAX_SUBJECTS
    )
    region = str(merged.get("region") or "").strip().upper()
    if region and not geography.is_region(country, region):
        errors["region"] = _("Unknown region for this country (use ISO 3166-2).")
    clean["region"] = region
    clean["place"] = check.line(errors, "place", merged.get("place"))
    clean["summary"] = check.text(errors, "summary", merged.get("summary"))
    # The case screening's indicators, checked as the case screening checks them.
    screening_errors = check.Errors()
    screening = screening_fields_validate(
        {name: merged.get(field) for name, field in SCREENING_NAMES.items()},
        screening_errors,
        identified_on=timezone.localdate(),
    )
    for key, message in screening_errors.items():
        field = SCREENING_NAMES.get(key.split(".", 1)[-1])
        if field is not None:
            errors[field] = message
    for name, field in SCREENING_NAMES.items():
        clean[field] = screening[name]
    clean["industries"] = check.codes(errors, "industries", "vic_ForcedLabourIndustry", merged.get("industries"))
    clean["urgency"] = check.choice(errors, "urgency", Urgency, merged.get("urgency") or Urgency.ROUTINE)
    clean["actions"] = _actions(errors, data.get("actions", current.actions if current else []), base["actions"])
    return clean


def contact_recommendation(clean: dict[str, Any]) -> str:
    """The case screening's recommendation for the contact's indicators (a child when the contact is about one)."""
    if clean["contact_type"] in NON_DATA_TYPES:
        return ""
    recommendation = screening_recommendation(
        acts=clean["acts"],
        means=clean["means_of_control"],
        purposes=clean["exploitation_types"],
        som_vulnerabilities=[],
        is_child=clean["subject_age_group"] == AgeGroup.CHILD,
    )
    return "" if recommendation == Screening.Recommendation.NO_INDICATORS else str(recommendation)


def _derived(clean: dict[str, Any], country: str) -> dict[str, Any]:
    return {
        "caller_number_index": number_index(clean["caller_number"], country),
        "recommendation": contact_recommendation(clean),
        "queue_rank": QUEUE_RANK[Urgency(clean["urgency"])] if clean["urgency"] else QUEUE_RANK[Urgency.ROUTINE],
    }


def contact_reference_next(country: str, year: int) -> str:
    """The next contact number of a country and year, e.g. HL-2026-000123 (the counter row stays locked until the
    transaction ends)."""
    counter, _created = ContactNumberCounter.objects.select_for_update().get_or_create(country=country, year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"HL-{year}-{counter.last:06d}"


def _audited(names: list[str]) -> list[str]:
    return [name for name in names if name not in NOT_AUDITED]


def contact_audit(actor: User | None, action: str, contact: Contact, changes: dict[str, Any], **kwargs: Any) -> None:
    audit_record(
        actor=actor,
        action=action,
        target=contact,
        organization=contact.owner_organization_id,
        changes=changes,
        **kwargs,
    )


@transaction.atomic
def contact_create(*, actor: User, **fields: Any) -> Contact:
    """Record a contact for the actor's helpline. Its number is given (HL-2026-000123); a non-data contact is
    closed at once (nothing to work on), any other starts open in the queue."""
    require_permission(actor, "add", Contact)
    organization = actor.organization
    if organization is None or not scope_allows_organization(actor, "add", Contact, organization):
        raise NotFound()
    fields.setdefault("started_at", timezone.now())
    errors = check.Errors()
    clean = contact_fields_validate(fields, errors, country=organization.country)
    errors.raise_if_any()
    non_data = clean["contact_type"] in NON_DATA_TYPES
    started_at: datetime = clean["started_at"]
    contact = Contact.objects.create(
        owner_organization=organization,
        country=organization.country,
        reference=contact_reference_next(organization.country, timezone.localtime(started_at).year),
        status=ContactStatus.CLOSED if non_data else ContactStatus.OPEN,
        closed_at=timezone.now() if non_data else None,
        created_by=actor,
        **clean,
        **_derived(clean, organization.country),
    )
    changes = describe_changes(contact, _audited(["reference", "status", *clean, "recommendation"]))
    contact_audit(actor, "helpline.contact.create", contact, changes)
    return contact


def access_contact(actor: User, contact_id: Any, action: str = "change", *, lock: bool = True) -> Contact:
    """The contact as the actor may `action` it, locked for the change; NotFound when missing or out of scope."""
    queryset = Contact.objects.all()
    if lock:
        queryset = queryset.select_for_update()
    return access_by_id(Contact, actor, contact_id, action, queryset=queryset)


def require_data_contact(contact: Contact) -> None:
    if not contact.is_data:
        raise ApplicationError(
            "non_data_contact", _("A silent, hang-up, wrong-number or prank contact is counted, not worked on.")
        )


@transaction.atomic
def contact_update(*, actor: User, contact_id: Any, version: Any = None, **fields: Any) -> Contact:
    """Change the fields given; the contact's rules are checked on the whole result (so a change to a non-data
    type or to an anonymous caller must empty what that type may not keep, or is refused)."""
    contact = access_contact(actor, contact_id)
    check.check_version(contact, version, _(STALE))
    errors = check.Errors()
    clean = contact_fields_validate(fields, errors, country=contact.country, current=contact)
    errors.raise_if_any()
    data = {**clean, **_derived(clean, contact.country)}
    updated = check.model_update(contact, data)
    if updated:
        contact_audit(
            actor,
            "helpline.contact.update",
            contact,
            describe_changes(contact, _audited(updated.fields), updated.before),
        )
    return contact


# The caller's data an operator may reveal, in the order it is shown.
REVEALABLE = (*CALLER_FIELDS, *CALLBACK_FIELDS)


@transaction.atomic
def contact_caller_reveal(*, actor: User, contact_id: Any, reason: str) -> dict[str, str]:
    """The caller's data of a contact (name, numbers, address, safe times, code word), after an audited reveal
    with the reason; only the fields that hold a value."""
    contact = access_contact(actor, contact_id, "reveal", lock=False)
    fields = [name for name in REVEALABLE if getattr(contact, name)]
    if not fields:
        raise ApplicationError("nothing_to_reveal", _("This contact holds no data about the caller."))
    return identifying_reveal(actor=actor, target=contact, fields=fields, reason=reason)


def _assignable(organization_id: int, user_id: Any) -> User | None:
    user = User.objects.filter(pk=check.pk_of(user_id), organization_id=organization_id, is_active=True).first()
    return user if user is not None and user_can(user, "change", Contact) else None


@transaction.atomic
def contact_assign(*, actor: User, contact_id: Any, assignee_id: Any, version: Any = None) -> Contact:
    """Give the contact to an operator of the helpline (None: to nobody). An operator takes a contact or lets it
    go; assigning it to someone else is a supervisor's (approve on contacts)."""
    contact = access_contact(actor, contact_id)
    check.check_version(contact, version, _(STALE))
    assignee = None
    if assignee_id not in (None, ""):
        assignee = _assignable(contact.owner_organization_id, assignee_id)
        if assignee is None:
            message = _("Choose an active operator of this helpline.")
            raise ApplicationError("invalid", message, {"fields": {"assignee": message}})
    others = {contact.assigned_to_id, getattr(assignee, "pk", None)} - {None, actor.pk}
    if others and not Contact.objects.restrict(actor, "approve").filter(pk=contact.pk).exists():
        raise ApplicationError(
            "forbidden", _("Only a supervisor assigns contacts to others or takes them from others."), status=403
        )
    updated = check.model_update(contact, {"assigned_to": assignee})
    if updated:
        contact_audit(actor, "helpline.contact.assign", contact, {"assigned_to": getattr(assignee, "pk", None)})
    return contact


@transaction.atomic
def contact_close(*, actor: User, contact_id: Any, version: Any = None) -> Contact:
    """Take the contact out of the queue: its work is done."""
    contact = access_contact(actor, contact_id)
    check.check_version(contact, version, _(STALE))
    if not contact.is_open:
        raise Conflict(_("This contact is already closed."))
    check.model_update(contact, {"status": ContactStatus.CLOSED, "closed_at": timezone.now()})
    contact_audit(actor, "helpline.contact.close", contact, {"status": ContactStatus.CLOSED})
    return contact


@transaction.atomic
def contact_reopen(*, actor: User, contact_id: Any, version: Any = None) -> Contact:
    """Put a closed contact back in the queue (a non-data contact stays closed)."""
    contact = access_contact(actor, contact_id)
    check.check_version(contact, version, _(STALE))
    require_data_contact(contact)
    if contact.is_open:
        raise Conflict(_("This contact is already open."))
    check.model_update(contact, {"status": ContactStatus.OPEN, "closed_at": None})
    contact_audit(actor, "helpline.contact.reopen", contact, {"status": ContactStatus.OPEN})
    return contact


def _root(contact: Contact) -> int:
    return contact.situation_id or contact.pk


@transaction.atomic
def contact_situation_link(*, actor: User, contact_id: Any, other: Any) -> Contact:
    """Link the contact with another about the same situation (its id, or its number HL-2026-000123): the two
    situations become one, named by the earliest contact among them."""
    contact = access_contact(actor, contact_id)
    require_data_contact(contact)
    text = str(getattr(other, "pk", other) or "").strip().upper()
    queryset = Contact.objects.filter(reference=text, country=contact.country) if text.startswith("HL-") else None
    try:
        if queryset is not None:
            found = queryset.restrict(actor, "change").select_for_update().get()
        else:
            found = access_contact(actor, check.pk_of(text))
    except (Contact.DoesNotExist, NotFound):
        message = _("No contact of this helpline has this number.")
        raise ApplicationError("invalid", message, {"fields": {"other": message}}) from None
    require_data_contact(found)
    if found.pk == contact.pk:
        message = _("Choose another contact.")
        raise ApplicationError("invalid", message, {"fields": {"other": message}})
    roots = {_root(contact), _root(found)}
    if len(roots) == 1 and contact.situation_id is not None:
        raise Conflict(_("These contacts are already linked."))
    root = min(roots)
    members = Contact.objects.filter(Q(situation_id__in=roots) | Q(pk__in=roots | {contact.pk, found.pk}))
    members.update(situation_id=root, updated_at=timezone.now())
    contact.refresh_from_db()
    contact_audit(actor, "helpline.contact.link", contact, {"situation": root, "other": found.pk})
    return contact


@transaction.atomic
def contact_situation_leave(*, actor: User, contact_id: Any) -> Contact:
    """Take the contact out of its situation (linked by mistake). When it named the situation, the earliest of
    the others names it now; one contact left alone is no longer linked."""
    contact = access_contact(actor, contact_id)
    root = contact.situation_id
    if root is None:
        raise Conflict(_("This contact is not linked to others."))
    others = list(
        Contact.objects.filter(situation_id=root).exclude(pk=contact.pk).order_by("pk").values_list("pk", flat=True)
    )
    Contact.objects.filter(pk=contact.pk).update(situation=None, updated_at=timezone.now())
    if len(others) <= 1:
        Contact.objects.filter(pk__in=others).update(situation=None)
    elif root == contact.pk:
        Contact.objects.filter(pk__in=others).update(situation_id=others[0])
    contact.refresh_from_db()
    contact_audit(actor, "helpline.contact.unlink", contact, {"situation": root})
    return contact
