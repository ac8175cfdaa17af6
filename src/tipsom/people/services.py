"""Writes for the person registry. Each checks permission and audits in its transaction, never a name."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

import pycountry
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.audit.reveal import identifying_reveal
from tipsom.audit.services import REDACTED, audit_record, describe_changes
from tipsom.core.codes import is_code
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.permissions import access_by_id, require_permission, scope_allows_organization
from tipsom.core.registry import registry
from tipsom.core.validation import check_version, clean_text, model_update
from tipsom.organizations import geography
from tipsom.people.keys import detect_script, document_key, name_keys
from tipsom.people.models import (
    BirthDatePrecision,
    Person,
    PersonContact,
    PersonDocument,
    PersonName,
    name_search_keys_write,
)

PERSON_FIELDS = (
    "gender",
    "citizenships",
    "languages",
    "education",
    "birth_date",
    "birth_date_precision",
    "is_presumed_minor",
)
COLLECTIONS = ("names", "contacts", "documents")
MAX_TEXT = 300
_DATE_PATTERNS = {
    BirthDatePrecision.EXACT: re.compile(r"\d{4}-\d{2}-\d{2}"),
    BirthDatePrecision.YEAR_MONTH: re.compile(r"\d{4}-\d{2}"),
    BirthDatePrecision.YEAR: re.compile(r"\d{4}"),
    BirthDatePrecision.ESTIMATED: re.compile(r"\d{4}"),
}
_EARLIEST_YEAR = 1900

Errors = dict[str, str]


def _code_list(value: Any, *, check: Any, normalise: Any) -> tuple[list[str], bool]:
    """(codes in their stored form, all valid?); duplicates are dropped, order kept."""
    if not isinstance(value, (list, tuple)):
        return [], False
    codes: list[str] = []
    for item in value:
        code = normalise(str(item).strip())
        if not code or not check(code):
            return [], False
        if code not in codes:
            codes.append(code)
    return codes, True


def _language_code(code: str) -> str:
    """Any ISO 639 alpha-2 or alpha-3 code, stored as its alpha-3 form (HTCDS asks for ISO 639-2)."""
    code = code.lower()
    language = pycountry.languages.get(alpha_2=code) if len(code) == 2 else pycountry.languages.get(alpha_3=code)
    return language.alpha_3 if language is not None else ""


def _birth_date(value: Any, precision: Any, errors: Errors) -> tuple[str, str, int | None]:
    """(ISO text, precision, birth year) after checking that the text matches its precision and is not future."""
    text = str(value or "").strip()
    precision = str(precision or "")
    if not text:
        return "", "", None
    if precision not in BirthDatePrecision.values:
        errors["birth_date_precision"] = _("Unknown birth date precision.")
        return "", "", None
    if not _DATE_PATTERNS[BirthDatePrecision(precision)].fullmatch(text):
        errors["birth_date"] = _("Use YYYY-MM-DD for an exact date, YYYY-MM for a month, YYYY for a year.")
        return "", "", None
    parts = [int(part) for part in text.split("-")]
    try:
        known = date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError:
        errors["birth_date"] = _("This date does not exist.")
        return "", "", None
    # `known` is the first day the precision allows: a year still in progress is not in the future.
    if known > timezone.localdate():
        errors["birth_date"] = _("A birth date cannot be in the future.")
    elif known.year < _EARLIEST_YEAR:
        errors["birth_date"] = _("A birth year before %(year)d is not plausible.") % {"year": _EARLIEST_YEAR}
    return text, precision, known.year


def _validate_person(data: dict[str, Any], errors: Errors) -> dict[str, Any]:
    clean = dict(data)
    if "gender" in clean and not is_code("prs_Gender", clean["gender"]):
        errors["gender"] = _("Unknown gender code.")
    if "education" in clean and not is_code("prs_HighestLevelOfEducation", clean["education"]):
        errors["education"] = _("Unknown education level.")
    if "citizenships" in clean:
        codes, valid = _code_list(clean["citizenships"], check=geography.is_country, normalise=str.upper)
        clean["citizenships"] = codes
        if not valid:
            errors["citizenships"] = _("Unknown country code (use ISO 3166-1 alpha-2).")
    if "languages" in clean:
        clean["languages"], valid = _code_list(clean["languages"], check=bool, normalise=_language_code)
        if not valid:
            errors["languages"] = _("Unknown language code (use ISO 639).")
    if "is_presumed_minor" in clean:
        clean["is_presumed_minor"] = bool(clean["is_presumed_minor"])
    if "birth_date" in clean or "birth_date_precision" in clean:
        text, precision, year = _birth_date(clean.get("birth_date"), clean.get("birth_date_precision"), errors)
        clean.update(birth_date=text, birth_date_precision=precision, birth_year=year)
    return clean


def _validate_names(names: Any, errors: Errors) -> list[PersonName]:
    if not isinstance(names, (list, tuple)) or not names:
        errors["names"] = _("At least one name is required.")
        return []
    rows: list[PersonName] = []
    for index, item in enumerate(names):
        item = item if isinstance(item, dict) else {"name": item}
        kind = item.get("kind") or (PersonName.Kind.PRIMARY if index == 0 else PersonName.Kind.ALIAS)
        name, name_error = clean_text(item.get("name"))
        latin, latin_error = clean_text(item.get("name_latin", item.get("latin", "")))
        if kind not in PersonName.Kind.values:
            errors[f"names.{index}.kind"] = _("Unknown kind of name.")
        if name_error or not name:
            errors[f"names.{index}.name"] = name_error or _("A name cannot be empty.")
        if latin_error:
            errors[f"names.{index}.name_latin"] = latin_error
        elif latin and detect_script(latin) != "Latn":
            errors[f"names.{index}.name_latin"] = _("Write the Latin form in Latin letters.")
        keys = name_keys(name, latin)
        rows.append(
            PersonName(
                kind=kind,
                name=name,
                name_latin=keys.latin,
                script=keys.script,
                key_exact=keys.key_exact,
                key_latin=keys.key_latin,
            )
        )
    if sum(row.kind == PersonName.Kind.PRIMARY for row in rows) != 1:
        errors.setdefault("names", _("Give exactly one primary name; the others are aliases."))
    return rows


def _validate_contacts(contacts: Any, errors: Errors) -> list[PersonContact]:
    if not isinstance(contacts, (list, tuple)):
        errors["contacts"] = _("Give a list of contacts.")
        return []
    rows: list[PersonContact] = []
    for index, item in enumerate(contacts):
        item = item if isinstance(item, dict) else {}
        kind = str(item.get("kind") or "")
        value, error = clean_text(item.get("value"), multiline=kind == PersonContact.Kind.ADDRESS, max_length=MAX_TEXT)
        value = "\n".join(part.strip() for part in value.split("\n"))  # an address's lines, each tidied
        if kind not in PersonContact.Kind.values:
            errors[f"contacts.{index}.kind"] = _("Unknown kind of contact.")
        if error or not value:
            errors[f"contacts.{index}.value"] = error or _("A contact cannot be empty.")
        rows.append(PersonContact(kind=kind, value=value))
    return rows


def _validate_documents(documents: Any, errors: Errors) -> list[PersonDocument]:
    if not isinstance(documents, (list, tuple)):
        errors["documents"] = _("Give a list of documents.")
        return []
    rows: list[PersonDocument] = []
    for index, item in enumerate(documents):
        item = item if isinstance(item, dict) else {}
        doc_type = str(item.get("doc_type") or "")
        number, error = clean_text(item.get("number"))
        country = str(item.get("issuing_country") or "").strip().upper()
        if doc_type not in PersonDocument.DocumentType.values:
            errors[f"documents.{index}.doc_type"] = _("Unknown document type.")
        if error or not number:
            errors[f"documents.{index}.number"] = error or _("A document number cannot be empty.")
        if country and not geography.is_country(country):
            errors[f"documents.{index}.issuing_country"] = _("Unknown country code (use ISO 3166-1 alpha-2).")
        rows.append(
            PersonDocument(doc_type=doc_type, number=number, issuing_country=country, key_number=document_key(number))
        )
    return rows


_COLLECTION_VALIDATORS: dict[str, Callable[[Any, Errors], list[Any]]] = {
    "names": _validate_names,
    "contacts": _validate_contacts,
    "documents": _validate_documents,
}


def person_fields_validate(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list[Any]]]:
    """(clean person fields, {collection: unsaved rows}); raises one ApplicationError naming every bad field."""
    unknown = set(data) - set(PERSON_FIELDS) - set(COLLECTIONS)
    if unknown:
        raise ApplicationError("invalid", _("Unknown fields: %s.") % ", ".join(sorted(unknown)))
    errors: Errors = {}
    fields = _validate_person({k: v for k, v in data.items() if k in PERSON_FIELDS}, errors)
    rows = {name: _COLLECTION_VALIDATORS[name](data[name], errors) for name in COLLECTIONS if name in data}
    if errors:
        raise ApplicationError("invalid", _("Some fields are not valid."), {"fields": errors})
    return fields, rows


def _state_of(rows: Iterable[Any], collection: str) -> list[tuple[Any, ...]]:
    if collection == "names":
        return [(row.kind, row.name, row.name_latin) for row in rows]
    if collection == "contacts":
        return [(row.kind, row.value) for row in rows]
    return [(row.doc_type, row.number, row.issuing_country) for row in rows]


def _replace_rows(person: Person, collection: str, rows: list[Any]) -> None:
    getattr(person, collection).all().delete()
    for row in rows:
        row.person = person
    if rows:
        type(rows[0]).objects.bulk_create(rows)


def _collection_changes(rows: dict[str, list[Any]]) -> dict[str, Any]:
    """Which collections changed and how many entries they hold now; never their values."""
    return {name: {"count": len(items), "values": REDACTED} for name, items in rows.items()}


@transaction.atomic
def person_create(*, actor: User | None, organization: Any, names: list[str | dict[str, Any]], **data: Any) -> Person:
    """Register a person owned by `organization`. `actor=None` is an operator's command on the server."""
    if actor is not None:
        require_permission(actor, "add", Person)
        if not scope_allows_organization(actor, "add", Person, organization):
            raise NotFound()
    data.setdefault("contacts", [])
    data.setdefault("documents", [])
    fields, rows = person_fields_validate({"names": names, **data})
    person = Person(owner_organization=organization, created_by=actor, **fields)
    person.save()
    for collection, items in rows.items():
        _replace_rows(person, collection, items)
    for react in registry["person_changed"]:  # apps built on the registry (matching keys) follow the new person
        react(actor=actor, person=person, changed=["created", *fields, *rows])
    audit_record(
        actor=actor,
        action="person.create",
        target=person,
        organization=organization,
        changes={
            **describe_changes(person, ["owner_organization", *fields]),
            **_collection_changes({k: v for k, v in rows.items() if v}),
        },
    )
    return person


@transaction.atomic
def person_update(*, actor: User, person_id: Any, version: int | None, **data: Any) -> Person:
    """Change a person. A `version` older than the stored one is a stale edit: 409, nothing written.
    A collection given (names, contacts, documents) replaces the stored one."""
    person = access_by_id(Person, actor, person_id, "change", queryset=Person.objects.select_for_update())
    check_version(
        person,
        version,
        _("Someone else changed this person's record after you opened it. Reload and apply your change again."),
    )
    if ("birth_date" in data) != ("birth_date_precision" in data):
        data.setdefault("birth_date", person.birth_date)
        data.setdefault("birth_date_precision", person.birth_date_precision)
    fields, rows = person_fields_validate(data)
    changed_rows = {
        name: items
        for name, items in rows.items()
        if _state_of(items, name) != _state_of(getattr(person, name).all(), name)
    }
    update = model_update(person, fields, force=bool(changed_rows))
    changed, before = update.fields, update.before
    if not changed and not changed_rows:
        return person
    for collection, items in changed_rows.items():
        _replace_rows(person, collection, items)
    for react in registry["person_changed"]:  # apps built on the registry (a case's child track) follow the change
        react(actor=actor, person=person, changed=[*changed, *changed_rows])
    audit_record(
        actor=actor,
        action="person.update",
        target=person,
        organization=person.owner_organization_id,
        changes={**describe_changes(person, changed, before), **_collection_changes(changed_rows)},
    )
    return person


IDENTITY_PARTS = ("names", "birth_date", "contacts", "documents")
# Each part: the related rows, the IDENTIFYING fields revealed on each row, and the plain fields shown beside them.
_IDENTITY_ROWS = {
    "names": (("name", "name_latin"), ("kind", "script")),
    "contacts": (("value",), ("kind",)),
    "documents": (("number",), ("doc_type", "issuing_country")),
}


@transaction.atomic
def person_identity_reveal(
    *, actor: User, person: Person, reason: str, parts: Iterable[str] = IDENTITY_PARTS
) -> dict[str, Any]:
    """The identity parts asked for, of a person the caller fetched with the "reveal" action. Every record
    shown goes through identifying_reveal, so each is audited with the reason; all or nothing."""
    parts = [part for part in IDENTITY_PARTS if part in set(parts)]
    identity: dict[str, Any] = {"id": person.pk}
    if "birth_date" in parts:
        identity.update(identifying_reveal(actor=actor, target=person, fields=["birth_date"], reason=reason))
        identity["birth_date_precision"] = person.birth_date_precision
    for part in parts:
        if part not in _IDENTITY_ROWS:
            continue
        fields, plain = _IDENTITY_ROWS[part]
        identity[part] = [
            {
                **{name: getattr(row, name) for name in plain},
                **identifying_reveal(actor=actor, target=row, fields=list(fields), reason=reason),
            }
            for row in getattr(person, part).all()
        ]
    return identity


REINDEX_BATCH = 500


def person_names_reindex() -> tuple[int, int]:
    """Rewrite the search keys of every name (an operator's command: `tipsom people reindex`), batch by batch, each
    batch in its own transaction; one audit event with the counts, never a name. Returns (names, keys)."""
    names = keys = 0
    last = 0
    while True:
        with transaction.atomic():
            batch = list(PersonName.objects.filter(pk__gt=last).order_by("pk")[:REINDEX_BATCH])
            if not batch:
                break
            keys += name_search_keys_write(batch)
        names += len(batch)
        last = batch[-1].pk
    audit_record(
        actor=None,
        action="person.reindex",
        object_type="people.personname",
        changes={"names": names, "keys": keys},
    )
    return names, keys
