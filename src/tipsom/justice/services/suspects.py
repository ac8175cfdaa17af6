"""Suspects and defendants of a criminal case, and organised criminal groups. Each service checks permission first,
applies the rules and audits in its transaction.

A suspect is a person of the registry (identity encrypted there): a new person registered through
people.services.person_create, owned by the criminal case's organization, or a person of the registry the actor
may see. Their identity is shown only through `suspect_identity_reveal`, which needs "reveal" on the criminal case
(a national rapporteur never has it) and is audited with its reason. Formal contact is recorded through
justice.services.process.suspect_formal_contact (one set of rules for it)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record, describe_changes
from tipsom.core import validation as check
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.permissions import access_by_id, require_permission, scope_allows_organization
from tipsom.justice.models import CriminalCase, CriminalGroup, Suspect, SuspectRole
from tipsom.justice.services.cases import a_bool, open_case
from tipsom.justice.services.common import criminal_case_for
from tipsom.justice.services.process import suspect_formal_contact
from tipsom.organizations import geography
from tipsom.organizations.models import Organization
from tipsom.people.models import Person
from tipsom.people.services import person_create, person_identity_reveal

SUSPECT_FIELDS = ("roles", "groups", "age_at_offence", "in_custody")
CONTACT_FIELDS = ("contact_type", "formal_contact_on")
PERSON_FIELDS = ("names", "gender", "birth_date", "birth_date_precision", "citizenships", "is_presumed_minor")
GROUP_FIELDS = ("name", "estimated_size", "countries_of_activity", "notes")
STALE_SUSPECT = gettext_noop(
    "Someone else changed this defendant after you opened it. Reload it and apply your change again."
)
STALE_GROUP = gettext_noop(
    "Someone else changed this group after you opened it. Reload it and apply your change again."
)
# What a suspect's reveal shows: the names and the birth date (never contacts or documents from here).
REVEALED_PARTS = ("names", "birth_date")


def _roles(errors: check.Errors, value: Any) -> list[str]:
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)):
        errors["roles"] = _("Give a list of roles.")
        return []
    unknown = [str(item)[:60] for item in value if item not in SuspectRole.values]
    if unknown:
        errors["roles"] = _("Unknown codes: %(codes)s.") % {"codes": ", ".join(unknown)}
        return []
    return list(dict.fromkeys(value))


def _groups(errors: check.Errors, actor: User, criminal_case: CriminalCase, value: Any) -> list[CriminalGroup]:
    """Groups of the case's country that the actor sees; any other id is refused."""
    if value in (None, ""):
        return []
    if not isinstance(value, (list, tuple)):
        errors["groups"] = _("Give a list of groups.")
        return []
    ids = list(dict.fromkeys(check.pk_of(item) for item in value))
    found = list(CriminalGroup.objects.restrict(actor, "view").filter(pk__in=ids, country=criminal_case.country))
    if len(found) != len(ids):
        errors["groups"] = _("Choose organised criminal groups of the case's country.")
        return []
    return found


def _suspect_fields_validate(
    data: dict[str, Any], errors: check.Errors, actor: User, criminal_case: CriminalCase
) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "roles" in data:
        clean["roles"] = _roles(errors, data["roles"])
    if "groups" in data:
        clean["groups"] = _groups(errors, actor, criminal_case, data["groups"])
    if "age_at_offence" in data:
        clean["age_at_offence"] = check.whole_number(
            errors, "age_at_offence", data["age_at_offence"], minimum=0, maximum=120
        )
    if "in_custody" in data:
        clean["in_custody"] = a_bool(errors, "in_custody", data["in_custody"])
    return clean


def suspect_for(actor: User, suspect_id: Any, action: str = "change") -> Suspect:
    """A suspect of a criminal case the actor may `action`; NotFound otherwise (the same answer)."""
    suspect = Suspect.objects.select_related("person").filter(pk=check.pk_of(suspect_id)).first()
    if suspect is None:
        raise NotFound()
    suspect.criminal_case = criminal_case_for(actor, suspect.criminal_case_id, action)
    return suspect


def _person_for(actor: User, criminal_case: CriminalCase, person: Any, data: dict[str, Any]) -> Person:
    """The registry person of a new suspect: an existing one the actor may see, or one registered now, owned by
    the criminal case's organization (registered in the actor's name when their own permissions allow it, else
    by the service on the case's authority: the justice audit event names the actor)."""
    if person not in (None, ""):
        # A defendant of another criminal case the actor may see (the same person in two cases counts once in
        # the statistics), or a person the actor sees in the registry.
        pk = check.pk_of(person)
        cases_seen = CriminalCase.objects.restrict(actor, "view").values("pk")
        if Suspect.objects.filter(person_id=pk, criminal_case__in=cases_seen).exists():
            return Person.objects.get(pk=pk)
        return access_by_id(Person, actor, pk, "view")
    owner: Organization = criminal_case.owner_organization
    fields = {name: data[name] for name in PERSON_FIELDS if name in data and data[name] not in (None, "")}
    fields.setdefault("names", [])
    if fields.get("birth_date") and "birth_date_precision" not in fields:
        fields["birth_date_precision"] = "year" if len(str(fields["birth_date"])) == 4 else "exact"
    registrar = actor if scope_allows_organization(actor, "add", Person, owner) else None
    return person_create(actor=registrar, organization=owner, **fields)


@transaction.atomic
def suspect_add(*, actor: User, criminal_case_id: Any, person: Any = None, **data: Any) -> Suspect:
    """Add a suspect to the case: `person` (the id of a registry person the actor sees) or a new person from
    `names` (the first is the primary name), `gender`, `birth_date` (a year, or a date) and `citizenships`; with
    their roles, groups, age at the offence, custody, and formal contact (`contact_type`, `formal_contact_on`).
    A person already a suspect of the case is refused."""
    criminal_case = criminal_case_for(actor, criminal_case_id, "change")
    open_case(criminal_case)
    check.reject_unknown(data, (*SUSPECT_FIELDS, *CONTACT_FIELDS, *PERSON_FIELDS))
    errors = check.Errors()
    clean = _suspect_fields_validate(data, errors, actor, criminal_case)
    contact: dict[str, Any] = {name: data.get(name) for name in CONTACT_FIELDS}
    if bool(contact["contact_type"]) != bool(contact["formal_contact_on"]):
        missing = "formal_contact_on" if contact["contact_type"] else "contact_type"
        errors[missing] = _("Give both the kind of formal contact and its date.")
    if person in (None, "") and not data.get("names"):
        errors["names"] = _("Give the suspect's name, or choose a person of the registry.")
    errors.raise_if_any()
    record = _person_for(actor, criminal_case, person, data)
    if Suspect.objects.filter(criminal_case=criminal_case, person=record).exists():
        message = _("This person is already a suspect in this criminal case.")
        raise ApplicationError("duplicate", message, {"fields": {"person": message}})
    groups = clean.pop("groups", [])
    suspect = Suspect.objects.create(criminal_case=criminal_case, person=record, created_by=actor, **clean)
    suspect.groups.set(groups)
    audit_record(
        actor=actor,
        action="justice.suspect.add",
        target=suspect,
        organization=criminal_case.owner_organization_id,
        changes={
            "criminal_case": criminal_case.pk,
            "person": record.pk,
            **describe_changes(suspect, list(clean)),
            "groups": [group.pk for group in groups],
        },
    )
    if contact["contact_type"]:
        suspect = suspect_formal_contact(actor=actor, suspect=suspect.pk, **contact)
    return suspect


@transaction.atomic
def suspect_update(*, actor: User, suspect_id: Any, version: Any, **data: Any) -> Suspect:
    """Change a suspect's roles, groups, age at the offence, custody and formal contact."""
    suspect = suspect_for(actor, suspect_id, "change")
    criminal_case = suspect.criminal_case
    open_case(criminal_case)
    check.reject_unknown(data, (*SUSPECT_FIELDS, *CONTACT_FIELDS))
    suspect = Suspect.objects.select_for_update().get(pk=suspect.pk)
    check.check_version(suspect, version, _(STALE_SUSPECT))
    errors = check.Errors()
    clean = _suspect_fields_validate(data, errors, actor, criminal_case)
    contact = {name: data[name] for name in CONTACT_FIELDS if name in data}
    if contact and bool(contact.get("contact_type")) != bool(contact.get("formal_contact_on")):
        missing = "formal_contact_on" if contact.get("contact_type") else "contact_type"
        errors[missing] = _("Give both the kind of formal contact and its date.")
    errors.raise_if_any()
    groups = clean.pop("groups", None)
    old_groups = sorted(suspect.groups.values_list("pk", flat=True))
    new_groups = sorted(group.pk for group in groups) if groups is not None else old_groups
    update = check.model_update(suspect, clean, force=new_groups != old_groups)
    if groups is not None and new_groups != old_groups:
        suspect.groups.set(groups)
    if update:
        changes = describe_changes(suspect, update.fields, update.before)
        if new_groups != old_groups:
            changes["groups"] = [old_groups, new_groups]
        audit_record(
            actor=actor,
            action="justice.suspect.update",
            target=suspect,
            organization=criminal_case.owner_organization_id,
            changes={"criminal_case": criminal_case.pk, **changes},
        )
    if contact.get("contact_type") and (
        contact["contact_type"] != suspect.contact_type
        or str(contact["formal_contact_on"]) != str(suspect.formal_contact_on)
    ):
        suspect = suspect_formal_contact(actor=actor, suspect=suspect.pk, **contact)
    return suspect


@transaction.atomic
def suspect_remove(*, actor: User, suspect_id: Any) -> None:
    """Take a suspect added by mistake off the case (the person stays in the registry); not once charged."""
    suspect = suspect_for(actor, suspect_id, "change")
    criminal_case = suspect.criminal_case
    open_case(criminal_case)
    if suspect.charges.exists():
        raise ApplicationError("has_charges", _("This defendant has charges: they cannot be removed from the case."))
    audit_record(
        actor=actor,
        action="justice.suspect.remove",
        target=suspect,
        organization=criminal_case.owner_organization_id,
        changes={"criminal_case": criminal_case.pk, "person": suspect.person_id},
    )
    suspect.delete()


@transaction.atomic
def suspect_identity_reveal(*, actor: User, suspect_id: Any, reason: str) -> dict[str, Any]:
    """The suspect's names and birth date, for a user who may reveal identities in the criminal case; each record
    shown is audited with the reason (people.services.person_identity_reveal), and the reveal is noted on the
    suspect. NotFound for anyone else (a national rapporteur, another organization)."""
    suspect = suspect_for(actor, suspect_id, "reveal")
    identity = person_identity_reveal(actor=actor, person=suspect.person, reason=reason, parts=REVEALED_PARTS)
    audit_record(
        actor=actor,
        action="justice.suspect.reveal",
        target=suspect,
        organization=suspect.criminal_case.owner_organization_id,
        changes={
            "criminal_case": suspect.criminal_case_id,
            "person": suspect.person_id,
            "fields": list(REVEALED_PARTS),
        },
        reason=" ".join(reason.split()),
    )
    return identity


# --- organised criminal groups --------------------------------------------------------------------------------
def _group_fields_validate(data: dict[str, Any], errors: check.Errors) -> dict[str, Any]:
    clean: dict[str, Any] = {}
    if "name" in data:
        clean["name"] = check.line(errors, "name", data["name"], required=True, max_length=200)
    if "estimated_size" in data:
        clean["estimated_size"] = check.whole_number(
            errors, "estimated_size", data["estimated_size"], minimum=1, maximum=1_000_000
        )
    if "countries_of_activity" in data:
        clean["countries_of_activity"] = geography.valid_countries(
            errors, "countries_of_activity", data["countries_of_activity"]
        )
    if "notes" in data:
        clean["notes"] = check.text(errors, "notes", data["notes"])
    return clean


@transaction.atomic
def criminal_group_create(
    *,
    actor: User,
    organization: Organization | None = None,
    name: str,
    estimated_size: Any = None,
    countries_of_activity: Any = (),
    notes: str = "",
) -> CriminalGroup:
    """Record an organised criminal group, owned by the actor's organization (or `organization`)."""
    require_permission(actor, "add", CriminalGroup)
    owner = organization or actor.organization
    if owner is None or not scope_allows_organization(actor, "add", CriminalGroup, owner):
        raise NotFound()
    errors = check.Errors()
    data = {
        "name": name,
        "estimated_size": estimated_size,
        "countries_of_activity": list(countries_of_activity or []),
        "notes": notes,
    }
    clean = _group_fields_validate(data, errors)
    errors.raise_if_any()
    group = CriminalGroup.objects.create(owner_organization=owner, country=owner.country, created_by=actor, **clean)
    audit_record(
        actor=actor,
        action="justice.group.create",
        target=group,
        organization=owner,
        changes=describe_changes(group, ["owner_organization", *clean]),
    )
    return group


@transaction.atomic
def criminal_group_update(*, actor: User, group_id: Any, version: Any, **data: Any) -> CriminalGroup:
    group = access_by_id(CriminalGroup, actor, check.pk_of(group_id), "change")
    check.reject_unknown(data, GROUP_FIELDS)
    group = CriminalGroup.objects.select_for_update().get(pk=group.pk)
    check.check_version(group, version, _(STALE_GROUP))
    errors = check.Errors()
    clean = _group_fields_validate(data, errors)
    errors.raise_if_any()
    update = check.model_update(group, clean)
    if update:
        audit_record(
            actor=actor,
            action="justice.group.update",
            target=group,
            organization=group.owner_organization_id,
            changes=describe_changes(group, update.fields, update.before),
        )
    return group
