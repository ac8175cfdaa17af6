"""The HTCDS export: the cases a user may export, one record per case under the HTCDS v2.0 field names, in an
AES-256 encrypted zip archive protected by a password the user chooses (never stored, never logged).

The archive holds `htcds.json` (one document: the export's description and the list of records; the repeating
HTCDS sections, Historic Trafficking Events and Support Plan, as lists of objects), `htcds.csv` (the same
records flattened, one row per case; several values of a field joined with `;`) and `README.txt` (the HTCDS
version, the conventions and every field, what it holds and whether it identifies the person).

Protection: the identifying fields (the data classes of ARCHITECTURE.md: names, the birth date, identity
documents, contacts) are written only when the user asks for them AND holds "export" on the person
(`stats.identities.organization`: their organization's persons); asking without the right is refused, never
answered with a quietly reduced file. A person outside that scope on a case the user may export (a case shared
with the organization) keeps their identity out, and the record says so (`tipsom_IdentityIncluded`). Free text
(notes, places, goals, the basis of a decision) is never exported: it may name anyone. A case number is a
pseudonym: it identifies a case only to those who may open it in tipsom.

The mapping of the case's coded lists to HTCDS names is the cases app's (`CASE_LIST_FIELDS`); fields HTCDS lacks
and tipsom holds are written under the `tipsom_` prefix, so the file never passes them off as HTCDS fields."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

import pyzipper  # type: ignore[import-untyped]  # no stubs; MIT
from django.db.models import Exists, OuterRef, Prefetch, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from tipsom.accounts.models import User
from tipsom.cases.models import Case, StatusDecision
from tipsom.cases.models.choices import case_status_choices, trafficking_status_choices
from tipsom.cases.services.case import CASE_LIST_FIELDS
from tipsom.core import validation as check
from tipsom.core.codes import HTCDS_VERSION
from tipsom.core.errors import ApplicationError
from tipsom.core.permissions import require_permission, user_can
from tipsom.core.spreadsheets import escape_formula
from tipsom.people.models import Person, PersonContact, PersonName
from tipsom.stats.exports import Release, Scope, audit_release, deployment_country, user_scope, write_atomic

MIN_PASSWORD = 12
MAX_PASSWORD = 1024
YEAR_MIN, YEAR_MAX = 1950, 2100
CHUNK = 500
JSON_NAME, CSV_NAME, README_NAME = "htcds.json", "htcds.csv", "README.txt"
FORMAT = "tipsom-htcds-export/1"

# The repeating HTCDS sections: a list of objects in JSON, parallel `;`-joined columns in CSV.
EVENTS, PLAN = "HistoricTraffickingEvents", "SupportPlan"


@dataclass(frozen=True)
class HtcdsField:
    name: str
    description: Promise
    identifying: bool = False
    section: str = ""  # EVENTS or PLAN for the fields of a repeating section

    @property
    def htcds(self) -> bool:
        return not self.name.startswith("tipsom_")


# Every field the export can write, in the file's order, with what it holds (README.txt lists them).
FIELDS: tuple[HtcdsField, ...] = (
    HtcdsField("tipsom_CaseNumber", gettext_lazy("The case number in tipsom (a pseudonym of the case).")),
    HtcdsField("tipsom_CaseType", gettext_lazy("tip (trafficking), som (smuggled migrant) or both.")),
    HtcdsField("tipsom_IsChild", gettext_lazy("On the child track: under 18 at identification, or presumed so.")),
    HtcdsField("tipsom_IdentifiedOn", gettext_lazy("Date of identification (YYYY-MM-DD).")),
    HtcdsField("tipsom_Region", gettext_lazy("Region of identification (ISO 3166-2).")),
    HtcdsField("tipsom_OriginCountry", gettext_lazy("Country of origin (ISO 3166-1 alpha-2).")),
    HtcdsField("tipsom_TransitCountries", gettext_lazy("Countries of transit (ISO 3166-1 alpha-2).")),
    HtcdsField("tipsom_DestinationCountry", gettext_lazy("Country of destination (ISO 3166-1 alpha-2).")),
    HtcdsField("tipsom_ClosedOn", gettext_lazy("Date the case was closed (YYYY-MM-DD).")),
    HtcdsField("cas_Status", gettext_lazy("Case status (HTCDS code).")),
    HtcdsField("cas_ReasonForCaseClosure", gettext_lazy("Reason for closing the case (tipsom code).")),
    HtcdsField("org_Name", gettext_lazy("The organization that owns the case.")),
    HtcdsField("org_Type", gettext_lazy("Its type (HTCDS code).")),
    HtcdsField("org_ShippingCountry", gettext_lazy("Its country (ISO 3166-1 alpha-2).")),
    HtcdsField("tipsom_IdentityIncluded", gettext_lazy("Whether this record carries the person's identity.")),
    HtcdsField("prs_FirstName", gettext_lazy("First word of the primary name, as written."), identifying=True),
    HtcdsField("prs_SecondName", gettext_lazy("The rest of the primary name, as written."), identifying=True),
    HtcdsField("tipsom_NameLatin", gettext_lazy("The primary name in Latin letters."), identifying=True),
    HtcdsField("tipsom_Aliases", gettext_lazy("Other names (aliases), as written."), identifying=True),
    HtcdsField(
        "prs_Birthdate", gettext_lazy("Birth date, as precise as known: YYYY-MM-DD, YYYY-MM or YYYY."), identifying=True
    ),
    HtcdsField(
        "tipsom_BirthdatePrecision",
        gettext_lazy("exact, year_month, year or estimated."),
        identifying=True,
    ),
    HtcdsField("prs_IdentityNumber", gettext_lazy("Numbers of identity documents."), identifying=True),
    HtcdsField(
        "tipsom_IdentityDocumentType",
        gettext_lazy("Type of each document: passport, national_id, birth_certificate, residence_permit, other."),
        identifying=True,
    ),
    HtcdsField("tipsom_IdentityDocumentCountry", gettext_lazy("Issuing country of each document."), identifying=True),
    HtcdsField("prs_Email", gettext_lazy("Email addresses."), identifying=True),
    HtcdsField("prs_MobilePhone", gettext_lazy("Phone numbers."), identifying=True),
    HtcdsField("prs_MailingStreet", gettext_lazy("Addresses, as written."), identifying=True),
    HtcdsField("tipsom_OtherContact", gettext_lazy("Other contact details."), identifying=True),
    HtcdsField("prs_Gender", gettext_lazy("Gender (HTCDS code).")),
    HtcdsField("prs_Citizenship", gettext_lazy("Citizenships (ISO 3166-1 alpha-2).")),
    HtcdsField("prs_PrimaryLanguage", gettext_lazy("First language (ISO 639).")),
    HtcdsField("prs_SecondaryLanguage", gettext_lazy("Other languages (ISO 639).")),
    HtcdsField("prs_HighestLevelOfEducation", gettext_lazy("Highest level of education (HTCDS code).")),
    HtcdsField("prs_Deceased", gettext_lazy("true when the case was closed because the person died.")),
    HtcdsField("tipsom_AgeAtIdentification", gettext_lazy("Age in the year of identification, from the birth year.")),
    HtcdsField(
        "vic_AgeWhenTrafficked",
        gettext_lazy("Age in the year the first recorded exploitation began, from the birth year."),
    ),
    HtcdsField("vic_TraffickingStatus", gettext_lazy("Trafficking status (HTCDS code).")),
    HtcdsField(
        "vic_TraffickingStatusDecisionMakingOrg",
        gettext_lazy("Type of organization of the latest approved status decision (HTCDS code)."),
    ),
    *(HtcdsField(name, gettext_lazy("HTCDS codes of this list.")) for name in dict.fromkeys(CASE_LIST_FIELDS.values())),
    HtcdsField("con_Consent", gettext_lazy("Consent to the processing of personal data in force (true or false).")),
    HtcdsField("hte_Type", gettext_lazy("Event type: Recruitment, Transit or Exploitation."), section=EVENTS),
    HtcdsField("hte_Country", gettext_lazy("Country of the event (ISO 3166-1 alpha-2)."), section=EVENTS),
    HtcdsField("hte_Date", gettext_lazy("Date the event began (YYYY-MM-DD)."), section=EVENTS),
    HtcdsField("tipsom_EventEndDate", gettext_lazy("Date the event ended (YYYY-MM-DD)."), section=EVENTS),
    HtcdsField("spl_Type", gettext_lazy("Type of support (HTCDS code, with tipsom's additions)."), section=PLAN),
    HtcdsField("spl_PlannedEndDate", gettext_lazy("Target date of a planned support."), section=PLAN),
    HtcdsField("spl_ActualEndDate", gettext_lazy("Date a service was delivered."), section=PLAN),
    HtcdsField(
        "tipsom_SupportStatus",
        gettext_lazy(
            "A plan item's status (planned, in_progress, done, cancelled) or a service's outcome "
            "(completed, ongoing, declined, not_available)."
        ),
        section=PLAN,
    ),
)
FIELD_NAMES = tuple(item.name for item in FIELDS)
IDENTIFYING_FIELDS = frozenset(item.name for item in FIELDS if item.identifying)


@dataclass(frozen=True)
class HtcdsFilters:
    """Which cases: identified in a range of years, with a case status or a trafficking status (codes)."""

    year_from: int | None = None
    year_to: int | None = None
    status: str = ""
    trafficking_status: str = ""

    def as_parameters(self) -> dict[str, Any]:
        return {name: value for name, value in asdict(self).items() if value not in (None, "")}


def htcds_filters(
    *, year_from: Any = None, year_to: Any = None, status: Any = "", trafficking_status: Any = ""
) -> HtcdsFilters:
    """The filters checked: every problem named by its field, nothing exported."""
    errors = check.Errors()
    start = check.whole_number(errors, "year_from", year_from, minimum=YEAR_MIN, maximum=YEAR_MAX)
    end = check.whole_number(errors, "year_to", year_to, minimum=YEAR_MIN, maximum=YEAR_MAX)
    if start is not None and end is not None and start > end:
        errors["year_to"] = _("The last year cannot come before the first.")
    status = check.code(errors, "status", "cas_Status", status or "", required=False)
    trafficking_status = check.code(
        errors, "trafficking_status", "vic_TraffickingStatus", trafficking_status or "", required=False
    )
    errors.raise_if_any()
    return HtcdsFilters(start, end, status, trafficking_status)


def password_check(password: Any) -> bytes:
    """The archive's password as bytes, or a refusal that says why (the password itself is never repeated)."""
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise ApplicationError(
            "password_too_short",
            _("Choose a password of at least %(count)d characters to protect the archive.") % {"count": MIN_PASSWORD},
            {"field": "password"},
        )
    if len(password) > MAX_PASSWORD:
        raise ApplicationError(
            "password_too_long",
            _("The password is too long (at most %(count)d characters).") % {"count": MAX_PASSWORD},
            {"field": "password"},
        )
    return password.encode("utf-8")


def may_export_identities(user: User) -> bool:
    """Whether the user may ask for identities at all (for their scope's persons: `stats.identities.*`)."""
    return user_can(user, "export", Person)


@dataclass
class HtcdsArchive:
    """An export: its audit description, the archive's bytes and the file name to offer."""

    release: Release
    content: bytes
    filename: str
    identities_withheld: int = 0


# Export -------------------------------------------------------------------------------------------------------


def htcds_export(
    *,
    actor: User,
    password: str,
    include_identities: bool = False,
    filters: HtcdsFilters | None = None,
    output: Path | None = None,
) -> HtcdsArchive:
    """The HTCDS archive of the cases `actor` may export (`stats.htcds.*`), identities only when asked for and
    allowed. Audited (kind "htcds": records, fields, parameters; never the password). Written to `output`
    (write, then rename) when given."""
    require_permission(actor, "export", Case)
    secret = password_check(password)
    if include_identities and not may_export_identities(actor):
        raise ApplicationError(
            "identities_forbidden",
            _(
                "Your role does not allow exporting identities. Export without them, or ask for the role that "
                "includes the identities of your organization's persons."
            ),
            {"field": "include_identities"},
            status=403,
        )
    scope = user_scope(actor)
    cases = Case.objects.restrict(actor, "export")
    if include_identities:
        allowed = Person.objects.restrict(actor, "export").filter(pk=OuterRef("person_id"))
        cases = cases.annotate(identity_allowed=Exists(allowed))
    return _export(scope, cases, secret, include_identities, filters or HtcdsFilters(), output)


def htcds_export_country(
    *, password: str, output: Path, country: str | None = None, filters: HtcdsFilters | None = None
) -> HtcdsArchive:
    """The command line's export (`tipsom export htcds`): the country's cases, never with identities (a server
    operator is not a case worker). Audited without an actor."""
    secret = password_check(password)
    scope = Scope(country=deployment_country(country))
    cases = Case.objects.filter(country=scope.country)
    return _export(scope, cases, secret, False, filters or HtcdsFilters(), output)


def password_from_file(path: Path) -> str:
    """The password in a file (its first line, without the line break), for the command line: never an argument,
    which other users of the server could read in the process list."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ApplicationError(
            "password_file", _("The password file cannot be read: %(error)s") % {"error": type(error).__name__}
        ) from None
    lines = text.splitlines()
    return lines[0] if lines else ""


def _export(
    scope: Scope,
    cases: QuerySet[Case],
    secret: bytes,
    include_identities: bool,
    filters: HtcdsFilters,
    output: Path | None,
) -> HtcdsArchive:
    cases = _filtered(cases, filters)
    records = list(_records(cases, include_identities))
    withheld = sum(1 for record in records if include_identities and not record["tipsom_IdentityIncluded"])
    fields = [item for item in FIELDS if include_identities or not item.identifying]
    if not include_identities:
        fields = [item for item in fields if item.name != "tipsom_IdentityIncluded"]
    now = timezone.now()
    header = {
        "format": FORMAT,
        "standard": "HTCDS",
        "htcds_version": HTCDS_VERSION,
        "generated_at": now.isoformat(timespec="seconds"),
        "country": scope.country,
        "scope": "national" if scope.national else "organization",
        "identities_included": include_identities,
        "filters": filters.as_parameters(),
        "record_count": len(records),
        "fields": [item.name for item in fields],
    }
    content = _archive(header, fields, records, secret)
    release = Release(
        kind="htcds",
        country=scope.country,
        records=len(records),
        fields=len(fields),
        parameters={
            "identities": include_identities,
            "filters": filters.as_parameters(),
            "scope": header["scope"],
            **({"identities_withheld": withheld} if include_identities else {}),
        },
    )
    if output is not None:

        def write(stream: IO[bytes]) -> None:
            stream.write(content)

        write_atomic(Path(output), write)
    audit_release(scope, release)
    filename = f"htcds-{scope.country.lower()}-{now:%Y%m%d-%H%M}.zip"
    return HtcdsArchive(release=release, content=content, filename=filename, identities_withheld=withheld)


def _filtered(cases: QuerySet[Case], filters: HtcdsFilters) -> QuerySet[Case]:
    if filters.year_from is not None:
        cases = cases.filter(identified_on__gte=date(filters.year_from, 1, 1))
    if filters.year_to is not None:
        cases = cases.filter(identified_on__lte=date(filters.year_to, 12, 31))
    if filters.status:
        cases = cases.filter(status=filters.status)
    if filters.trafficking_status:
        cases = cases.filter(trafficking_status=filters.trafficking_status)
    return cases


def _records(cases: QuerySet[Case], include_identities: bool) -> Iterator[dict[str, Any]]:
    """One record per case, read in chunks with every part fetched per chunk (a fixed number of queries)."""
    prefetch: list[Any] = [
        "events",
        "plan_items",
        "services",
        "consents",
        Prefetch("decisions", queryset=StatusDecision.objects.filter(approval__in=("not_needed", "approved"))),
    ]
    if include_identities:
        prefetch += ["person__names", "person__contacts", "person__documents"]
    queryset = cases.select_related("owner_organization", "person").prefetch_related(*prefetch).order_by("pk")
    for case in queryset.iterator(chunk_size=CHUNK):
        identity = include_identities and bool(getattr(case, "identity_allowed", False))
        yield _record(case, include_identities, identity)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _record(case: Case, include_identities: bool, identity: bool) -> dict[str, Any]:
    person: Person = case.person
    organization = case.owner_organization
    events = list(case.events.all())
    record: dict[str, Any] = {
        "tipsom_CaseNumber": case.case_number,
        "tipsom_CaseType": case.case_type,
        "tipsom_IsChild": case.is_child,
        "tipsom_IdentifiedOn": _iso(case.identified_on),
        "tipsom_Region": case.region or None,
        "tipsom_OriginCountry": case.origin_country or None,
        "tipsom_TransitCountries": list(case.transit_countries),
        "tipsom_DestinationCountry": case.destination_country or None,
        "tipsom_ClosedOn": _iso(case.closed_on),
        "cas_Status": case.status,
        "cas_ReasonForCaseClosure": case.closure_reason or None,
        "org_Name": organization.name,
        "org_Type": organization.type,
        "org_ShippingCountry": organization.country,
    }
    if include_identities:
        record["tipsom_IdentityIncluded"] = identity
        record.update(_identity(person) if identity else dict.fromkeys(_IDENTITY_KEYS))
    languages = list(person.languages)
    record.update(
        {
            "prs_Gender": person.gender,
            "prs_Citizenship": list(person.citizenships),
            "prs_PrimaryLanguage": languages[0] if languages else None,
            "prs_SecondaryLanguage": languages[1:],
            "prs_HighestLevelOfEducation": person.education,
            "prs_Deceased": True if case.closure_reason == "deceased" else None,
            "tipsom_AgeAtIdentification": _age(person, case.identified_on.year),
            "vic_AgeWhenTrafficked": _age(person, _exploitation_year(events)),
            "vic_TraffickingStatus": case.trafficking_status,
            "vic_TraffickingStatusDecisionMakingOrg": _deciding_type(case),
        }
    )
    for attribute, name in CASE_LIST_FIELDS.items():
        record[name] = list(getattr(case, attribute))
    record["con_Consent"] = _consent(case)
    record[EVENTS] = [
        {
            "hte_Type": event.event_type,
            "hte_Country": event.country,
            "hte_Date": _iso(event.start_date),
            "tipsom_EventEndDate": _iso(event.end_date),
        }
        for event in events
    ]
    record[PLAN] = [
        *(
            {
                "spl_Type": item.support_type,
                "spl_PlannedEndDate": _iso(item.target_date),
                "spl_ActualEndDate": None,
                "tipsom_SupportStatus": item.status,
            }
            for item in sorted(case.plan_items.all(), key=lambda item: item.pk)
        ),
        *(
            {
                "spl_Type": service.support_type,
                "spl_PlannedEndDate": None,
                "spl_ActualEndDate": _iso(service.delivered_on),
                "tipsom_SupportStatus": service.outcome,
            }
            for service in sorted(case.services.all(), key=lambda service: (service.delivered_on, service.pk))
        ),
    ]
    return record


_IDENTITY_KEYS = tuple(item.name for item in FIELDS if item.identifying)


def _identity(person: Person) -> dict[str, Any]:
    names = list(person.names.all())
    primary = next((name for name in names if name.kind == PersonName.Kind.PRIMARY), names[0] if names else None)
    words = (primary.name if primary else "").split(maxsplit=1)
    contacts = list(person.contacts.all())
    documents = list(person.documents.all())

    def contact(kind: str) -> list[str]:
        return [item.value for item in contacts if item.kind == kind]

    return {
        "prs_FirstName": words[0] if words else None,
        "prs_SecondName": words[1] if len(words) > 1 else None,
        "tipsom_NameLatin": (primary.name_latin or None) if primary else None,
        "tipsom_Aliases": [name.name for name in names if name is not primary],
        "prs_Birthdate": person.birth_date or None,
        "tipsom_BirthdatePrecision": person.birth_date_precision or None,
        "prs_IdentityNumber": [document.number for document in documents],
        "tipsom_IdentityDocumentType": [document.doc_type for document in documents],
        "tipsom_IdentityDocumentCountry": [document.issuing_country for document in documents],
        "prs_Email": contact(PersonContact.Kind.EMAIL),
        "prs_MobilePhone": contact(PersonContact.Kind.PHONE),
        "prs_MailingStreet": contact(PersonContact.Kind.ADDRESS),
        "tipsom_OtherContact": contact(PersonContact.Kind.OTHER),
    }


def _age(person: Person, year: int | None) -> int | None:
    if person.birth_year is None or year is None or year < person.birth_year:
        return None
    return year - person.birth_year


def _exploitation_year(events: Iterable[Any]) -> int | None:
    years = [event.start_date.year for event in events if event.event_type == "Exploitation" and event.start_date]
    return min(years) if years else None


def _deciding_type(case: Case) -> str | None:
    decisions = sorted(case.decisions.all(), key=lambda decision: (decision.decided_on, decision.pk), reverse=True)
    return decisions[0].deciding_organization_type if decisions else None


def _consent(case: Case) -> bool | None:
    rows = [row for row in case.consents.all() if row.purpose == "data_processing"]
    if not rows:
        return None
    return max(rows, key=lambda row: (row.recorded_on, row.pk)).given


# The archive --------------------------------------------------------------------------------------------------


def _archive(header: dict[str, Any], fields: list[HtcdsField], records: list[dict[str, Any]], secret: bytes) -> bytes:
    buffer = io.BytesIO()
    with pyzipper.AESZipFile(buffer, "w", compression=pyzipper.ZIP_DEFLATED, encryption=pyzipper.WZ_AES) as archive:
        archive.setpassword(secret)
        archive.setencryption(pyzipper.WZ_AES, nbits=256)
        document = {**header, "records": records}
        archive.writestr(JSON_NAME, json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8"))
        archive.writestr(CSV_NAME, _csv(fields, records).encode("utf-8"))
        archive.writestr(README_NAME, _readme(header, fields).encode("utf-8"))
    return buffer.getvalue()


def _csv_part(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).replace("\\", "\\\\").replace(";", "\\;")


def _csv_value(value: Any) -> str:
    if isinstance(value, list):
        text = ";".join(_csv_part(item) for item in value)
    else:
        text = _csv_part(value)
    return escape_formula(text)


def _csv(fields: list[HtcdsField], records: list[dict[str, Any]]) -> str:
    stream = io.StringIO()
    writer = csv.writer(stream, lineterminator="\r\n")
    writer.writerow([item.name for item in fields])
    for record in records:
        row = []
        for item in fields:
            if item.section:
                value: Any = [entry[item.name] for entry in record[item.section]]
            else:
                value = record[item.name]
            row.append(_csv_value(value))
        writer.writerow(row)
    return stream.getvalue()


def _readme(header: dict[str, Any], fields: list[HtcdsField]) -> str:
    filters = header["filters"]
    lines = [
        _("Cases exported from tipsom in the Human Trafficking Case Data Standard (HTCDS), version %(version)s.")
        % {"version": header["htcds_version"]},
        _("HTCDS: https://github.com/UNMigration/HTCDS"),
        "",
        _("Generated at: %(moment)s") % {"moment": header["generated_at"]},
        _("Country: %(country)s; scope: %(scope)s") % {"country": header["country"], "scope": header["scope"]},
        _("Records: %(count)d (one per case)") % {"count": header["record_count"]},
        _("Identities included: %(answer)s") % {"answer": _("yes") if header["identities_included"] else _("no")},
        _("Filters: %(filters)s")
        % {"filters": ", ".join(f"{key}={value}" for key, value in filters.items()) or _("none")},
        "",
        _("Files:"),
        "  " + _("%(name)s: one JSON document; its `records` hold one object per case.") % {"name": JSON_NAME},
        "  "
        + _("%(name)s: the same records, one row per case (UTF-8, comma-separated, with a header row).")
        % {"name": CSV_NAME},
        "",
        _("Conventions:"),
        "  " + _("Codes are HTCDS v2.0 codes (tipsom adds a few; each field below says which list it uses)."),
        "  " + _("Fields named tipsom_... are not HTCDS fields: tipsom holds them and HTCDS has no field for them."),
        "  "
        + _(
            "The repeating HTCDS sections %(events)s and %(plan)s are lists of objects in the JSON file; in the "
            "CSV file each of their fields is a column whose values are joined with ';', one position per entry."
        )
        % {"events": EVENTS, "plan": PLAN},
        "  "
        + _(
            "In the CSV file, several values of one field are joined with ';'; a ';' or '\\' inside a value is "
            "preceded by '\\'. A value beginning with = + - or @ is preceded by an apostrophe so that spreadsheets "
            "do not run it as a formula (the JSON file holds the values unchanged). An empty cell is an unknown value."
        ),
        "  " + _("Free text (notes, places, goals) is never exported."),
        "",
        _("Fields:"),
    ]
    for item in fields:
        marks = [_("HTCDS") if item.htcds else _("tipsom")]
        if item.section:
            marks.append(item.section)
        if item.identifying:
            marks.append(_("IDENTIFYING"))
        lines.append(f"  {item.name} [{', '.join(marks)}]: {item.description}")
    return "\n".join(lines) + "\n"


def status_choices() -> list[tuple[str, str]]:
    """The case statuses a filter offers."""
    return case_status_choices()


def trafficking_status_filter_choices() -> list[tuple[str, str]]:
    return trafficking_status_choices()


# The command line -----------------------------------------------------------------------------------------------


def htcds_command_arguments(parser: Any) -> None:
    """The arguments of `tipsom export htcds` (an argparse parser: the export command's subparser)."""
    parser.add_argument("--output", required=True, type=Path, help="The archive to write (.zip).")
    parser.add_argument(
        "--password-file",
        required=True,
        type=Path,
        help="A file whose first line is the archive's password (at least 12 characters; never on the command line).",
    )
    parser.add_argument("--country", help="ISO 3166-1 alpha-2; needed when the deployment serves several.")
    parser.add_argument("--year-from", type=int, help="Cases identified in this year or later.")
    parser.add_argument("--year-to", type=int, help="Cases identified in this year or earlier.")
    parser.add_argument("--status", default="", help="HTCDS cas_Status code.")
    parser.add_argument("--trafficking-status", default="", help="HTCDS vic_TraffickingStatus code.")


def htcds_command(options: dict[str, Any]) -> str:
    """Run `tipsom export htcds` from its parsed options; the summary line to print. The country's cases, never
    with identities. An ApplicationError says what is wrong (the command shows it and exits non-zero)."""
    filters = htcds_filters(
        year_from=options.get("year_from"),
        year_to=options.get("year_to"),
        status=options.get("status") or "",
        trafficking_status=options.get("trafficking_status") or "",
    )
    archive = htcds_export_country(
        password=password_from_file(options["password_file"]),
        output=options["output"],
        country=options.get("country"),
        filters=filters,
    )
    release = archive.release
    return _(
        "%(path)s: %(records)d cases of %(country)s, %(fields)d fields, without identities (HTCDS %(version)s)."
    ) % {
        "path": options["output"],
        "records": release.records,
        "country": release.country,
        "fields": release.fields,
        "version": HTCDS_VERSION,
    }
