"""The import of legacy registers of past cases: a spreadsheet (any column names) becomes victim cases through the
case services, with a column mapping saved per RegisterSource.

- `FIELDS` are the registration's fields an import can fill (the person, the case, the screening, consents).
  A source's `column_mapping` is {field: column heading}; its `value_mappings` {field: {value in the file: code}}
  (the value "" gives the code of an empty cell: a default). Values also match a code, or a code's label in any of
  the deployment's languages, whatever the case ("F" needs a mapping; "female", "Feminine" or "Feminino" do not).
- `propose_mapping(headers)` guesses the mapping from the headings (fuzzy match to the fields' names and labels
  in every language, and their other usual names).
- `RegisterHandler` checks each row with the ordinary validation (people.services.person_fields_validate,
  cases.services.case.case_fields_validate and screening_fields_validate, cases.services.parts.consent_row: never a
  copy of their rules) and names each error's column; it writes a chunk of rows with
  cases.services.cases_bulk_import (the same checks again, encryption and blind indexes by the model fields, match
  keys, case numbers; one `case.bulk_import` audit event per chunk naming the job), and one `case.create` audit
  event per case, as a typed registration has.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from anyascii import anyascii
from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from rapidfuzz import fuzz

from tipsom.accounts.models import User
from tipsom.audit.services import audit_records, describe_changes
from tipsom.cases.models import Case, CaseType, Consent, SomVulnerability, TraffickingAct
from tipsom.cases.services import CaseImport, cases_bulk_import
from tipsom.cases.services.case import (
    case_fields_validate,
    earliest_birth,
    is_child_at,
    screening_fields_validate,
)
from tipsom.cases.services.parts import consent_row
from tipsom.core import validation as check
from tipsom.core.codes import code_choices
from tipsom.core.crypto import blind_index
from tipsom.core.dates import BirthDateError, parse_birth_date
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.permissions import require_permission, scope_allows_organization
from tipsom.intake.handlers import RowError, RowHandlerBase, register_handler, seal_value
from tipsom.intake.models import ImportJob, ImportRow
from tipsom.organizations import geography
from tipsom.people.models import Person
from tipsom.people.services import person_fields_validate

PERSON, CASE, SCREENING, CONSENT = "person", "case", "screening", "consent"
TEXT, CODE, CODES, DATE, BIRTH, YESNO, LINES = "text", "code", "codes", "date", "birth", "yesno", "lines"
# A list of values in one cell: ";" "," "|" or line breaks between them.
_SEPARATORS = re.compile(r"\s*[;,|\n]\s*")
_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_START = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:[T ]00:00(?::00)?)?$")
MAX_ACCEPTED_SHOWN = 30


def _choices_of(list_name: str) -> Callable[[], list[tuple[str, str]]]:
    return lambda: code_choices(list_name)


YES_NO = (("yes", _lazy("Yes")), ("no", _lazy("No")))


@dataclass(frozen=True)
class TargetField:
    """A field of the registration a register's column can fill."""

    name: str
    label: Any
    part: str
    kind: str = TEXT
    choices: Callable[[], Sequence[tuple[str, Any]]] | None = None
    required: bool = False
    words: tuple[str, ...] = ()  # other headings it goes by (HTCDS names, usual abbreviations)


FIELDS: tuple[TargetField, ...] = (
    TargetField("name", _lazy("Name"), PERSON, required=True, words=("full name", "prs_FirstName", "victim name")),
    TargetField("name_latin", _lazy("Name in Latin letters"), PERSON, words=("latin name", "transliteration")),
    TargetField("aliases", _lazy("Aliases"), PERSON, LINES, words=("alias", "other names", "also known as")),
    TargetField(
        "gender", _lazy("Gender"), PERSON, CODE, _choices_of("prs_Gender"), words=("sex", "prs_Gender", "sexo")
    ),
    TargetField(
        "birth_date",
        _lazy("Birth date or age"),
        PERSON,
        BIRTH,
        words=("date of birth", "dob", "birth date", "age", "prs_DateOfBirth", "prs_Age"),
    ),
    TargetField("is_presumed_minor", _lazy("Presumed minor"), PERSON, YESNO, lambda: YES_NO, words=("minor",)),
    TargetField(
        "citizenships",
        _lazy("Citizenships"),
        PERSON,
        CODES,
        geography.country_choices,
        words=("citizenship", "nationality", "prs_Citizenship", "country of citizenship"),
    ),
    TargetField("languages", _lazy("Languages"), PERSON, CODES, words=("language", "prs_Languages")),
    TargetField(
        "case_type",
        _lazy("Type of case"),
        CASE,
        CODE,
        lambda: CaseType.choices,
        required=True,
        words=("case type", "type", "tip/som"),
    ),
    TargetField(
        "identified_on",
        _lazy("Identified on"),
        CASE,
        DATE,
        required=True,
        words=(
            "identification date",
            "date identified",
            "date of identification",
            "vic_IdentificationDate",
            "data de identificacao",
            "date d identification",
        ),
    ),
    TargetField("region", _lazy("Region of identification"), CASE, CODE, words=("region", "province", "state")),
    TargetField(
        "origin_country",
        _lazy("Country of origin"),
        CASE,
        CODE,
        geography.country_choices,
        words=("origin", "vic_CountryOfOrigin"),
    ),
    TargetField(
        "destination_country",
        _lazy("Country of destination"),
        CASE,
        CODE,
        geography.country_choices,
        words=("destination", "country of exploitation", "vic_CountryOfExploitation"),
    ),
    TargetField(
        "exploitation_types",
        _lazy("Forms of exploitation"),
        CASE,
        CODES,
        _choices_of("vic_TypeOfExploitation"),
        words=("exploitation", "type of exploitation", "vic_TypeOfExploitation"),
    ),
    TargetField(
        "industries",
        _lazy("Industries"),
        CASE,
        CODES,
        _choices_of("vic_ForcedLabourIndustry"),
        words=("industry", "sector", "vic_ForcedLabourIndustry"),
    ),
    TargetField(
        "means_of_control",
        _lazy("Means of control"),
        CASE,
        CODES,
        _choices_of("vic_MethodsOfControl"),
        words=("methods of control", "control", "vic_MethodsOfControl"),
    ),
    TargetField(
        "recruitment_methods",
        _lazy("Methods of recruitment"),
        CASE,
        CODES,
        _choices_of("vic_MethodOfRecruitment"),
        words=("recruitment", "vic_MethodOfRecruitment"),
    ),
    TargetField(
        "acts", _lazy("Act: the person was"), SCREENING, CODES, lambda: TraffickingAct.choices, words=("acts",)
    ),
    TargetField(
        "means", _lazy("Means: how the person was controlled"), SCREENING, CODES, _choices_of("vic_MethodsOfControl")
    ),
    TargetField(
        "purposes", _lazy("Purpose: forms of exploitation"), SCREENING, CODES, _choices_of("vic_TypeOfExploitation")
    ),
    TargetField(
        "som_vulnerabilities",
        _lazy("Vulnerabilities of a smuggled migrant"),
        SCREENING,
        CODES,
        lambda: SomVulnerability.choices,
        words=("vulnerabilities",),
    ),
    TargetField("screening_notes", _lazy("Screening notes"), SCREENING, words=("notes", "remarks", "comments")),
    TargetField(
        "consent_data_processing",
        Consent.Purpose.DATA_PROCESSING.label,
        CONSENT,
        YESNO,
        lambda: YES_NO,
        words=("consent", "consent to data processing"),
    ),
    TargetField(
        "consent_statistics", Consent.Purpose.STATISTICS.label, CONSENT, YESNO, lambda: YES_NO, words=("statistics",)
    ),
    TargetField(
        "consent_given_by", _lazy("Consent given by"), CONSENT, CODE, lambda: Consent.GivenBy.choices, words=()
    ),
)
FIELD_BY_NAME = {field.name: field for field in FIELDS}
REQUIRED = tuple(field.name for field in FIELDS if field.required)
CONSENT_FIELDS = {"consent_data_processing": "data_processing", "consent_statistics": "statistics"}
_YES = {"yes", "y", "true", "1", "x", "sim", "s", "si", "sí", "oui", "o", "да", "так", "نعم", "ہاں", "हो", "ແມ່ນ"}
_NO = {"no", "n", "false", "0", "não", "nao", "non", "нет", "ні", "لا", "نہیں", "होइन", "ບໍ່"}


# --- Headings to fields --------------------------------------------------------------------------------------------
def _plain(text: str) -> str:
    """A heading or label compared loosely: Latin letters (transliterated), lower case, words only."""
    text = anyascii(unicodedata.normalize("NFKC", str(text))).casefold()
    text = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


@cache
def _field_names(language_codes: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """{field: the texts a heading may match}: its name, its label in each language, its other names."""
    names: dict[str, set[str]] = {
        field.name: {_plain(field.name.replace("_", " ")), *map(_plain, field.words)} for field in FIELDS
    }
    for language in language_codes:
        with translation.override(language):
            for field in FIELDS:
                names[field.name].add(_plain(str(field.label)))
    return {name: tuple(sorted(text for text in texts if text)) for name, texts in names.items()}


def propose_mapping(headers: Sequence[str], *, threshold: float = 75.0) -> dict[str, str]:
    """{field: heading} guessed from the headings: each heading goes to the field it resembles most (names and
    labels in every language of the deployment), if closely enough, and each field takes one heading at most."""
    names = _field_names(tuple(code for code, _name in settings.LANGUAGES))
    scored: list[tuple[float, str, str]] = []
    for heading in headers:
        plain = _plain(heading)
        if not plain:
            continue
        for field, texts in names.items():
            # Words in common weigh most ("Tipo" is the "Tipo de caso"), the whole spelling breaks ties.
            best = max(
                (0.6 * fuzz.token_set_ratio(plain, text) + 0.4 * fuzz.ratio(plain, text) for text in texts), default=0.0
            )
            if plain in texts:
                best = 100.0
            if best >= threshold:
                scored.append((best, field, heading))
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for _score, field, heading in sorted(scored, key=lambda item: (-item[0], item[1], item[2])):
        if field not in mapping and heading not in used:
            mapping[field] = heading
            used.add(heading)
    return {field.name: mapping[field.name] for field in FIELDS if field.name in mapping}


def mapping_problems(
    mapping: dict[str, str], value_mappings: dict[str, dict[str, str]], headers: Sequence[str]
) -> list[str]:
    """What keeps a mapping from importing a file with these headings, in words ([] when it can)."""
    problems: list[str] = []
    unknown = sorted(field for field in mapping if field not in FIELD_BY_NAME)
    if unknown:
        problems.append(_("Unknown fields: %(fields)s.") % {"fields": ", ".join(unknown)})
    missing = [heading for field, heading in mapping.items() if heading and heading not in headers]
    if missing:
        problems.append(
            _("The file has no column %(columns)s. Its columns: %(headers)s.")
            % {"columns": ", ".join(f"“{h}”" for h in missing), "headers": ", ".join(headers)}
        )
    unmapped = [
        str(FIELD_BY_NAME[name].label)
        for name in REQUIRED
        if not mapping.get(name) and not (value_mappings.get(name) or {}).get("")
    ]
    if unmapped:
        problems.append(
            _("Choose the column of each required field: %(fields)s (or give a value for all rows).")
            % {"fields": ", ".join(unmapped)}
        )
    return problems


# --- Values ----------------------------------------------------------------------------------------------------
def _yes_no(value: str) -> bool | None:
    folded = value.strip().casefold()
    if folded in _YES:
        return True
    if folded in _NO:
        return False
    return None


def iso_date(value: str) -> str:
    """A date as a register writes it (2024-05-31, 31/05/2024, 31.05.2024) in ISO; anything else as it is, for the
    service to refuse with its message."""
    text = value.strip()
    match = _ISO_START.match(text)
    if match:
        return match.group(1)
    match = _DAY_FIRST.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        return f"{year:04d}-{month:02d}-{day:02d}"
    return text


class _Codes:
    """The codes of one field, and what in a file stands for each: the code, its label in any language, the
    source's value mappings."""

    def __init__(self, field: TargetField, mappings: dict[str, str], country: str) -> None:
        self.field = field
        self.lookup: dict[str, str] = {}
        self.codes: list[str] = []
        choices = self._choices(country)
        if choices is not None:
            self.codes = [code for code, _label in choices]
            for language, _name in settings.LANGUAGES:
                with translation.override(language):
                    for code, label in self._choices(country) or []:
                        self.lookup.setdefault(str(label).strip().casefold(), code)
            for code in self.codes:
                self.lookup[code.casefold()] = code
        self.mapped = {str(key).strip().casefold(): str(value) for key, value in (mappings or {}).items()}

    def _choices(self, country: str) -> Sequence[tuple[str, Any]] | None:
        if self.field.name == "region":
            return geography.region_choices(country)
        return self.field.choices() if self.field.choices else None

    def code(self, value: str) -> str:
        folded = value.strip().casefold()
        if folded in self.mapped:
            return self.mapped[folded]
        return self.lookup.get(folded, value.strip())

    def default(self) -> str:
        return self.mapped.get("", "")

    def is_known(self, value: str) -> bool:
        return not self.codes or value in self.codes

    def accepted(self) -> list[str]:
        return list(self.codes)


def _accepted_text(field: TargetField, codes: list[str]) -> str:
    if field.choices is geography.country_choices:
        return _("Use ISO 3166-1 alpha-2 country codes (for example BR, BO, UA) or the country's name.")
    if not codes:
        return ""
    shown = ", ".join(codes[:MAX_ACCEPTED_SHOWN]) + (" …" if len(codes) > MAX_ACCEPTED_SHOWN else "")
    return _("Accepted codes: %(codes)s.") % {"codes": shown}


# --- The handler -------------------------------------------------------------------------------------------------
@dataclass
class Cleaned:
    """What one valid row registers, in the fields of cases_bulk_import (and case_register)."""

    person: dict[str, Any]
    case: dict[str, Any]
    screening: dict[str, Any] | None
    consents: list[dict[str, Any]]


class RegisterHandler(RowHandlerBase):
    """Rows of a register of past cases -> victim cases (see the module's docstring)."""

    def authorize(self, actor: User, organization: Any) -> None:
        """An import of cases needs the right to register cases for the organization."""
        require_permission(actor, "add", Case)
        if not scope_allows_organization(actor, "add", Case, organization):
            raise NotFound()

    def prepare(self, job: ImportJob, headers: list[str]) -> None:
        source = job.source
        if source is None:
            raise ApplicationError("no_source", _("Choose the register this file comes from."), {"field": "source"})
        self.mapping = {field: heading for field, heading in (source.column_mapping or {}).items() if heading}
        self.value_mappings: dict[str, dict[str, str]] = dict(source.value_mappings or {})
        problems = mapping_problems(self.mapping, self.value_mappings, headers)
        if problems:
            raise ApplicationError("mapping", " ".join(problems), {"mapping": self.mapping})
        self.organization = job.owner_organization
        self.codes = {
            name: _Codes(FIELD_BY_NAME[name], self.value_mappings.get(name, {}), self.organization.country)
            for name in FIELD_BY_NAME
            if FIELD_BY_NAME[name].kind in (CODE, CODES, YESNO)
        }
        self.purpose = f"intake.register.{source.pk}"
        self.today = timezone.localdate()

    # --- duplicates ---
    def fingerprint(self, job: ImportJob, row: dict[str, str]) -> str:
        values = "\x1f".join(f"{field}\x1e{row.get(heading, '')}" for field, heading in sorted(self.mapping.items()))
        return blind_index(values, purpose=self.purpose)

    def already_imported(self, job: ImportJob, fingerprint: str) -> bool:
        return bool(self.already_imported_many(job, [fingerprint]))

    def already_imported_many(self, job: ImportJob, fingerprints: Sequence[str]) -> set[str]:
        if not fingerprints:
            return set()
        imported = ImportRow.objects.filter(
            fingerprint__in=list(fingerprints), status=ImportRow.Status.IMPORTED, job__source_id=job.source_id
        )
        found = set(imported.values_list("fingerprint", flat=True))
        if job.dry_run:  # a dry run reports a row given twice in its file as it would be: skipped
            found |= set(
                ImportRow.objects.filter(
                    job=job, fingerprint__in=list(fingerprints), status=ImportRow.Status.VALID
                ).values_list("fingerprint", flat=True)
            )
        return found

    # --- one row ---
    def _raw(self, row: dict[str, str], field: str) -> str:
        heading = self.mapping.get(field)
        return row.get(heading, "").strip() if heading else ""

    def _one(self, row: dict[str, str], field: str) -> str:
        raw = self._raw(row, field)
        codes = self.codes.get(field)
        if codes is None:
            return raw
        return codes.code(raw) if raw else codes.default()

    def _many(self, row: dict[str, str], field: str) -> list[str]:
        raw = self._raw(row, field)
        codes = self.codes[field] if field in self.codes else None
        if not raw:
            default = codes.default() if codes else ""
            return [part for part in _SEPARATORS.split(default) if part] if default else []
        parts = [part for part in _SEPARATORS.split(raw) if part]
        if codes is None:
            return parts
        found = [codes.code(part) for part in parts]
        if len(parts) == 1 and not codes.is_known(found[0]) and " " in parts[0]:
            words = [codes.code(word) for word in parts[0].split()]
            if all(codes.is_known(word) for word in words):
                return words  # a select_multiple written with spaces
        return found

    def validate(self, job: ImportJob, row: dict[str, str]) -> tuple[Cleaned | None, list[RowError]]:
        problems: dict[str, str] = {}
        raw_errors: list[RowError] = []
        person = self._person(row, raw_errors)
        try:
            person_fields, _rows = person_fields_validate(person)
        except ApplicationError as error:
            problems.update({str(k): str(v) for k, v in (error.extra.get("fields") or {"name": error.message}).items()})
            person_fields = {k: person[k] for k in ("birth_date", "birth_date_precision") if k in person}
        shadow = Person(
            **{
                k: v
                for k, v in person_fields.items()
                if k in ("birth_date", "birth_date_precision", "is_presumed_minor")
            }
        )
        case = self._case(row, raw_errors)
        errors = check.Errors()
        case_fields = case_fields_validate(case, errors, country=self.organization.country, person=shadow)
        identified = case_fields.get("identified_on")
        screening = self._screening(row)
        if screening is not None:
            screening_fields_validate(
                screening,
                errors,
                identified_on=identified,
                born=earliest_birth(shadow),
                case_type=case_fields.get("case_type") or "",
            )
        consents = self._consents(row, shadow, identified, errors)
        problems.update(errors)
        found = raw_errors + [self._error(row, key, message) for key, message in problems.items()]
        if found:
            return None, found
        return Cleaned(person=person, case=case, screening=screening, consents=consents), []

    def _person(self, row: dict[str, str], errors: list[RowError]) -> dict[str, Any]:
        names: list[dict[str, Any]] = [{"name": self._raw(row, "name"), "kind": "primary"}]
        latin = self._raw(row, "name_latin")
        if latin:
            names[0]["name_latin"] = latin
        names += [{"name": alias, "kind": "alias"} for alias in self._many(row, "aliases")]
        person: dict[str, Any] = {"names": names}
        gender = self._one(row, "gender")
        if gender:
            person["gender"] = gender
        for field in ("citizenships", "languages"):
            values = self._many(row, field)
            if values:
                person[field] = values
        birth = self._raw(row, "birth_date")
        if birth:
            try:
                parsed = parse_birth_date(birth, today=self.today)
            except BirthDateError as error:
                errors.append(self._raw_error(row, "birth_date", str(error), future=_is_future_birth(birth)))
            else:
                if parsed is not None:
                    person["birth_date"], person["birth_date_precision"] = parsed.text, parsed.precision
        minor = self._raw(row, "is_presumed_minor")
        if minor:
            answer = _yes_no(self._one(row, "is_presumed_minor"))
            if answer is None:
                errors.append(self._code_error(row, "is_presumed_minor", [minor]))
            else:
                person["is_presumed_minor"] = answer
        return person

    def _case(self, row: dict[str, str], errors: list[RowError]) -> dict[str, Any]:
        case: dict[str, Any] = {}
        for name in ("case_type", "region", "origin_country", "destination_country"):
            value = self._one(row, name)
            if value or name == "case_type":
                case[name] = value.upper() if name in ("region", "origin_country", "destination_country") else value
        identified = self._raw(row, "identified_on")
        case["identified_on"] = iso_date(identified)
        for name in ("exploitation_types", "industries", "means_of_control", "recruitment_methods"):
            values = self._many(row, name)
            if values:
                case[name] = values
        return case

    def _screening(self, row: dict[str, str]) -> dict[str, Any] | None:
        screening: dict[str, Any] = {}
        for name in ("acts", "means", "purposes", "som_vulnerabilities"):
            values = self._many(row, name)
            if values:
                screening[name] = values
        notes = self._raw(row, "screening_notes")
        if notes:
            screening["notes"] = notes
        return screening or None

    def _consents(
        self, row: dict[str, str], person: Person, identified: date | None, errors: check.Errors
    ) -> list[dict[str, Any]]:
        wanted = {purpose: self._raw(row, field) for field, purpose in CONSENT_FIELDS.items()}
        wanted = {purpose: value for purpose, value in wanted.items() if value}
        if not wanted or identified is None:
            return []
        is_child = is_child_at(person, identified)
        given_by = self._one(row, "consent_given_by") or (
            Consent.GivenBy.GUARDIAN if is_child else Consent.GivenBy.PERSON
        )
        consents: list[dict[str, Any]] = []
        shadow = Case(identified_on=identified, is_child=is_child)
        for purpose, value in wanted.items():
            field = next(name for name, p in CONSENT_FIELDS.items() if p == purpose)
            answer = _yes_no(self.codes[field].code(value))
            if answer is None:
                errors[f"consent.{field}"] = "unknown_code"
                continue
            data = {"purpose": purpose, "given": answer, "given_by": given_by, "recorded_on": identified}
            found = check.Errors()
            consent_row(found, dict(data), shadow, None, {})
            for key, message in found.items():
                errors[f"consent.{'consent_given_by' if key == 'given_by' else field}"] = message
            consents.append(data)
        return consents

    # --- errors ---
    def _field_of(self, key: str) -> str:
        """The import field a service's error key is about."""
        if key.startswith("consent."):
            return key.split(".", 1)[1]
        if key.startswith("screening."):
            name = key.split(".", 1)[1]
            return {"notes": "screening_notes", "screened_on": "identified_on"}.get(name, name)
        if key == "names" or key.startswith("names.0.name_latin"):
            return "name_latin" if key.endswith("name_latin") else "name"
        if key.startswith("names."):
            return "name" if key.startswith("names.0.") else "aliases"
        if key.startswith(("contacts", "documents")):
            return "name"
        return {"birth_date_precision": "birth_date"}.get(key, key)

    def _heading(self, field: str) -> str:
        return self.mapping.get(field, "")

    def _raw_error(self, row: dict[str, str], field: str, message: str, *, future: bool = False) -> RowError:
        return {
            "column": self._heading(field),
            "code": "future_date" if future else "invalid",
            "message": message,
        }

    def _code_error(self, row: dict[str, str], field: str, values: list[str]) -> RowError:
        target = FIELD_BY_NAME[field]
        codes = self.codes[field].accepted() if field in self.codes else []
        message = _("Unknown code for %(field)s.") % {"field": target.label}
        accepted = _accepted_text(target, codes)
        error: RowError = {
            "column": self._heading(field),
            "code": "unknown_code",
            "message": f"{message} {accepted}".strip(),
        }
        if values:
            error["value"] = seal_value(", ".join(values))
        if codes and len(codes) <= MAX_ACCEPTED_SHOWN:
            error["accepted"] = codes
        return error

    def _error(self, row: dict[str, str], key: str, message: str) -> RowError:
        field = self._field_of(key)
        target = FIELD_BY_NAME.get(field)
        if target is not None and (target.kind in (CODE, CODES) or message == "unknown_code") and field in self.codes:
            if target.kind == CODE:
                values = [self._one(row, field)]
            else:
                values = self._many(row, field) if target.part != CONSENT else [self._raw(row, field)]
            unknown = [value for value in values if not self.codes[field].is_known(value)]
            if unknown or message == "unknown_code":
                return self._code_error(row, field, [self._raw(row, field)] if target.part == CONSENT else unknown)
        code = "invalid"
        if message == _("This field is required.") or message == _("A name cannot be empty."):
            code = "required"
        elif message in (_("This date is in the future."), _("A birth date cannot be in the future.")):
            code = "future_date"
        return {"column": self._heading(field) if target else "", "code": code, "message": message}

    # --- writing ---
    def write(self, *, actor: User | None, job: ImportJob, cleaned: Any) -> dict[str, Any]:
        return self.write_many(actor=actor, job=job, cleaned=[cleaned])[0]

    @transaction.atomic
    def write_many(self, *, actor: User | None, job: ImportJob, cleaned: Sequence[Any]) -> list[dict[str, Any]]:
        owner = job.created_by
        records = [
            CaseImport(
                organization=self.organization,
                created_by=owner,
                person=item.person,
                case=item.case,
                screening=item.screening,
                consents=item.consents,
            )
            for item in cleaned
        ]
        cases = cases_bulk_import(actor=actor, records=records, note={"import_job": job.pk})
        # Each case has its creation event, as a typed registration's (with the import it came from).
        changes = [
            {
                **describe_changes(case, ["case_number", "person", "owner_organization", "is_child"]),
                "import_job": job.pk,
            }
            for case in cases
        ]
        audit_records(actor=actor, action="case.create", targets=cases, changes=changes, organization=self.organization)
        return [{"case": case} for case in cases]


def _is_future_birth(value: str) -> bool:
    match = re.match(r"^(\d{4})(?:[-/.](\d{1,2}))?", value.strip())
    if not match:
        return False
    year = int(match.group(1))
    return year > timezone.localdate().year


register_handler(ImportJob.Kind.REGISTER, RegisterHandler)
