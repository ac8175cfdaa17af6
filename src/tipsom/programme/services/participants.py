"""Participants and rosters: registering a person once per country (found again by the tipsom user or the registry's
name keys), putting them on an activity's roster with their test scores, satisfaction and attendance, importing a
roster from a CSV or XLSX file (all or nothing), the audited reveal of names and the certificate of participation.

Rules (each refused with a clear error, nothing saved):
- scores from 0 to 100, satisfaction from 1 to 5, attendance from 0 to 100 %; a post-test not dated before the
  activity's start (nor in the future);
- sex and sector from their code lists; an organization and a region of the participant's country; a username of
  one of the country's users;
- one person once on a roster;
- a roster is changed only by someone who may change the activity."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal
from typing import Any

from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from tipsom.accounts.models import User
from tipsom.audit.reveal import reveal_reason
from tipsom.audit.services import audit_record, audit_records, describe_changes
from tipsom.core import validation as check
from tipsom.core.date_formats import format_date
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.pdf import pdf_document
from tipsom.core.permissions import access_by_id, require_permission
from tipsom.intake.files import CSV, XLSX, open_table
from tipsom.organizations import geography
from tipsom.organizations.models import Organization
from tipsom.people.keys import name_keys
from tipsom.programme.models import Activity, Attendance, Participant, ParticipantSex, Sector

PARTICIPANT_FIELDS = (
    "name",
    "name_latin",
    "sex",
    "sector",
    "organization_id",
    "organization_name",
    "region",
    "username",
)
SCORE_FIELDS = ("pre_score", "post_score", "post_test_on", "satisfaction", "attendance_percent")
# The columns of a roster file, in the order of the template; only "name" and "sector" are required.
IMPORT_COLUMNS = (
    "name",
    "name_latin",
    "sex",
    "sector",
    "organization_code",
    "organization_name",
    "region",
    "username",
    *SCORE_FIELDS,
)
IMPORT_REQUIRED = ("name", "sector")
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 5000
NAME_MAX = 200
SCORE_STEP = Decimal("0.01")


# --- checking values ----------------------------------------------------------------------------------------------
def _score(errors: check.Errors, name: str, value: Any) -> Decimal | None:
    """A test score from 0 to 100, kept to two decimals."""
    if value is None or value == "":
        return None
    number = check.decimal_of(value.replace(",", ".") if isinstance(value, str) else value)  # 72,5 as 72.5
    if number is None or number < 0 or number > 100:
        errors[name] = _("Enter a score from 0 to 100.")
        return None
    return number.quantize(SCORE_STEP, rounding=ROUND_HALF_EVEN)


def scores_clean(errors: check.Errors, activity: Activity, data: dict[str, Any]) -> dict[str, Any]:
    """The scores, post-test date, satisfaction and attendance given in `data`, checked (only the keys given)."""
    clean: dict[str, Any] = {}
    for name in ("pre_score", "post_score"):
        if name in data:
            clean[name] = _score(errors, name, data[name])
    if "post_test_on" in data:
        clean["post_test_on"] = check.a_date(
            errors,
            "post_test_on",
            data["post_test_on"],
            required=False,
            not_before=activity.start_date,
            not_before_message=_("The post-test cannot be dated before the activity started (%(date)s).")
            % {"date": format_date(activity.start_date)},
        )
    if "satisfaction" in data:
        value = check.whole_number(errors, "satisfaction", data["satisfaction"], minimum=1, maximum=5)
        if "satisfaction" in errors:
            errors["satisfaction"] = _("Enter a satisfaction from 1 to 5.")
        clean["satisfaction"] = value
    if "attendance_percent" in data:
        value = check.whole_number(errors, "attendance_percent", data["attendance_percent"], minimum=0, maximum=100)
        if "attendance_percent" in errors:
            errors["attendance_percent"] = _("Enter an attendance from 0 to 100 %.")
        clean["attendance_percent"] = value
    return clean


def participant_clean(errors: check.Errors, country: str, data: dict[str, Any]) -> dict[str, Any]:
    """A participant's fields checked: name, Latin spelling, sex, sector, organization (of the country) or its name,
    region (of the country) and the tipsom user (a username of the country's users, as "user")."""
    clean: dict[str, Any] = {
        "name": check.line(errors, "name", data.get("name"), required=True, max_length=NAME_MAX),
        "name_latin": check.line(errors, "name_latin", data.get("name_latin"), max_length=NAME_MAX),
        "sex": check.choice(errors, "sex", ParticipantSex, data.get("sex") or ParticipantSex.UNKNOWN),
        "sector": check.choice(errors, "sector", Sector, data.get("sector") or ""),
        "organization_name": check.line(errors, "organization_name", data.get("organization_name"), max_length=200),
        "organization": None,
        "region": "",
        "user": None,
    }
    if "sector" in errors and not data.get("sector"):
        errors["sector"] = _("This field is required.")
    organization_id = data.get("organization_id")
    if organization_id not in (None, ""):
        organization = Organization.objects.filter(pk=check.pk_of(organization_id)).first()
        if organization is None:
            errors["organization_id"] = _("Unknown organization.")
        elif organization.country != country:
            errors["organization_id"] = _("Choose an organization of the activity's country.")
        else:
            clean["organization"] = organization
    region = str(data.get("region") or "").strip().upper()
    if region and not geography.is_region(country, region):
        errors["region"] = _("Unknown region for this country (use ISO 3166-2).")
    clean["region"] = region
    username = str(data.get("username") or "").strip()
    if username:
        user = User.objects.filter(username__iexact=username).select_related("organization").first()
        if user is None or user.country != country:
            errors["username"] = _("No user of this country has the username %(username)s.") % {
                "username": username[:150]
            }
        else:
            clean["user"] = user
    return clean


# --- finding a person again ---------------------------------------------------------------------------------------
def participant_match(*, country: str, name: str, name_latin: str = "", user: User | None = None) -> Participant | None:
    """The participant of `country` who is this person, or None: the one linked to `user` when given; else the one
    (and only one) whose name key matches, in its own script first, then in Latin letters. Two or more people with
    the same name are not guessed between: ApplicationError "ambiguous"."""
    if user is not None:
        linked = Participant.objects.filter(user=user).first()
        if linked is not None:
            return linked
    keys = name_keys(name, name_latin)
    candidates = Participant.objects.filter(country=country)
    if user is not None:
        candidates = candidates.filter(user__isnull=True)
    for key_field, key in (("key_exact", keys.key_exact), ("key_latin", keys.key_latin)):
        if not key:
            continue
        found = list(candidates.filter(**{key_field: key}).values_list("pk", flat=True)[:2])
        if len(found) == 1:
            return Participant.objects.get(pk=found[0])
        if len(found) > 1:
            raise ApplicationError(
                "ambiguous",
                _(
                    "Several participants of this country have this name: add the person by their participant "
                    "number or by their tipsom username."
                ),
                {"field": "name"},
            )
    return None


def _participant_write(actor: User, country: str, clean: dict[str, Any]) -> tuple[Participant, bool]:
    """The participant found again or created from checked fields; audited when created."""
    found = participant_match(country=country, name=clean["name"], name_latin=clean["name_latin"], user=clean["user"])
    if found is not None:
        if clean["user"] is not None and found.user_id is None:
            found.user = clean["user"]
            found.save(update_fields=["user", "updated_at"])
        return found, False
    keys = name_keys(clean["name"], clean["name_latin"])
    participant = Participant.objects.create(
        country=country,
        name=clean["name"],
        name_latin=clean["name_latin"],
        key_exact=keys.key_exact,
        key_latin=keys.key_latin,
        sex=clean["sex"],
        sector=clean["sector"],
        organization=clean["organization"],
        organization_name=clean["organization_name"],
        region=clean["region"],
        user=clean["user"],
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="programme.participant.create",
        target=participant,
        changes=describe_changes(participant, ["sex", "sector", "organization", "region", "user"]),
    )
    return participant, True


@transaction.atomic
def participant_register(
    *,
    actor: User,
    country: str,
    name: str,
    name_latin: str = "",
    sex: str,
    sector: str,
    organization_id: int | None = None,
    organization_name: str = "",
    region: str = "",
    username: str = "",
) -> tuple[Participant, bool]:
    """The participant who is this person in `country` (found by the tipsom user, else by the name keys), or a new
    one; True when created. The fields of a person found again are kept as they are."""
    require_permission(actor, "add", Participant)
    errors = check.Errors()
    data = {
        "name": name,
        "name_latin": name_latin,
        "sex": sex,
        "sector": sector,
        "organization_id": organization_id,
        "organization_name": organization_name,
        "region": region,
        "username": username,
    }
    clean = participant_clean(errors, country, data)
    errors.raise_if_any()
    return _participant_write(actor, country, clean)


# --- rosters ------------------------------------------------------------------------------------------------------
def activity_for_roster(actor: User, activity_id: Any) -> Activity:
    """The activity whose roster the actor changes: one they may change, else NotFound."""
    return access_by_id(Activity, actor, activity_id, "change")


def _already_on_roster(participant: Participant) -> ApplicationError:
    return ApplicationError(
        "duplicate",
        _("This person is already on the roster (participant P-%(number)s).") % {"number": participant.pk},
        {"field": "name", "participant": participant.pk},
    )


@transaction.atomic
def attendance_add(
    *,
    actor: User,
    activity_id: int,
    participant: dict[str, Any] | None = None,
    participant_id: int | None = None,
    scores: dict[str, Any] | None = None,
) -> Attendance:
    """Put a person on the activity's roster: `participant` the fields of participant_register (the person is found
    again or registered), or `participant_id` a participant of the country the actor may see; `scores` any of
    pre_score, post_score, post_test_on, satisfaction, attendance_percent."""
    activity = activity_for_roster(actor, activity_id)
    if (participant is None) == (participant_id is None):
        raise ApplicationError("invalid", _("Give either the participant's details or their participant number."))
    scores = scores or {}
    check.reject_unknown(scores, SCORE_FIELDS)
    errors = check.Errors()
    clean_scores = scores_clean(errors, activity, scores)
    person: Participant | None = None
    if participant is not None:
        check.reject_unknown(participant, PARTICIPANT_FIELDS)
        require_permission(actor, "add", Participant)
        clean = participant_clean(errors, activity.country, participant)
        errors.raise_if_any()
        person, _created = _participant_write(actor, activity.country, clean)
    else:
        person = (
            Participant.objects.restrict(actor, "view")
            .filter(country=activity.country, pk=check.pk_of(participant_id))
            .first()
        )
        if person is None:
            errors["participant_id"] = _("Choose a participant of the activity's country.")
        errors.raise_if_any()
    assert person is not None
    if Attendance.objects.filter(activity=activity, participant=person).exists():
        raise _already_on_roster(person)
    attendance = Attendance.objects.create(activity=activity, participant=person, created_by=actor, **clean_scores)
    audit_record(
        actor=actor,
        action="programme.attendance.create",
        target=attendance,
        organization=activity.owner_organization_id,
        changes={"activity": activity.pk, "participant": person.pk, **describe_changes(attendance, list(clean_scores))},
    )
    return attendance


def attendance_for_change(actor: User, attendance_id: Any) -> Attendance:
    """An attendance on a roster the actor may change (change on the activity), else NotFound."""
    attendance = access_by_id(
        Attendance, actor, attendance_id, "change", Attendance.objects.select_related("activity", "participant")
    )
    if not Activity.objects.restrict(actor, "change").filter(pk=attendance.activity_id).exists():
        raise NotFound()
    return attendance


@transaction.atomic
def attendance_update(*, actor: User, attendance_id: int, data: dict[str, Any]) -> Attendance:
    """Change an attendance's scores, post-test date, satisfaction or attendance (the keys given)."""
    attendance = attendance_for_change(actor, attendance_id)
    check.reject_unknown(data, SCORE_FIELDS)
    errors = check.Errors()
    clean = scores_clean(errors, attendance.activity, data)
    errors.raise_if_any()
    update = check.model_update(attendance, clean)
    if update:
        audit_record(
            actor=actor,
            action="programme.attendance.update",
            target=attendance,
            organization=attendance.activity.owner_organization_id,
            changes=describe_changes(attendance, update.fields, update.before),
        )
    return attendance


@transaction.atomic
def attendance_remove(*, actor: User, attendance_id: int) -> None:
    """Take a person off a roster (the participant stays: they may be on other rosters)."""
    attendance = attendance_for_change(actor, attendance_id)
    audit_record(
        actor=actor,
        action="programme.attendance.delete",
        target=attendance,
        organization=attendance.activity.owner_organization_id,
        changes={"activity": attendance.activity_id, "participant": attendance.participant_id},
    )
    attendance.delete()


# --- import -------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class RosterImportResult:
    """What an import did: rows read, participants registered and found again, attendances created."""

    rows: int
    created: int
    reused: int
    attendance_ids: list[int] = field(default_factory=list)


def _import_headers(headers: list[str]) -> dict[str, str]:
    """{column: heading as in the file}; unknown or missing columns refused."""
    mapping: dict[str, str] = {}
    unknown = []
    for heading in headers:
        key = heading.strip().casefold().replace(" ", "_")
        if key in IMPORT_COLUMNS:
            mapping[key] = heading
        else:
            unknown.append(heading)
    missing = [name for name in IMPORT_REQUIRED if name not in mapping]
    if unknown or missing:
        parts = []
        if unknown:
            parts.append(_("Unknown columns: %(columns)s.") % {"columns": ", ".join(h[:40] for h in unknown[:20])})
        if missing:
            parts.append(_("Missing columns: %(columns)s.") % {"columns": ", ".join(missing)})
        raise ApplicationError(
            "invalid_columns",
            " ".join([*parts, _("The columns are: %(columns)s.") % {"columns": ", ".join(IMPORT_COLUMNS)}]),
            {"columns": list(IMPORT_COLUMNS)},
        )
    return mapping


def _import_row(
    activity: Activity, row: dict[str, str], organizations: dict[str, Organization | None]
) -> tuple[dict[str, Any], dict[str, Any], check.Errors]:
    errors = check.Errors()
    code = row.get("organization_code", "")
    organization_id: int | None = None
    if code:
        if code not in organizations:
            organizations[code] = Organization.objects.filter(code=code).first()
        organization = organizations[code]
        if organization is None:
            errors["organization_code"] = _("No organization has the code %(code)s.") % {"code": code[:60]}
        elif organization.country != activity.country:
            errors["organization_code"] = _("Choose an organization of the activity's country.")
        else:
            organization_id = organization.pk
    data: dict[str, Any] = {name: row.get(name, "") for name in PARTICIPANT_FIELDS if name != "organization_id"}
    data["organization_id"] = organization_id
    clean = participant_clean(errors, activity.country, data)
    scores = scores_clean(errors, activity, {name: row.get(name, "") for name in SCORE_FIELDS})
    return clean, scores, errors


@transaction.atomic
def roster_import(*, actor: User, activity_id: int, content: bytes, filename: str) -> RosterImportResult:
    """Add the people of a CSV or XLSX file (columns IMPORT_COLUMNS, headings in the first row) to the activity's
    roster, all or nothing: when any row is wrong, nothing is saved and each bad row is named by its line with
    the reasons (extra["rows"]: [{"line", "field", "message"}])."""
    activity = activity_for_roster(actor, activity_id)
    require_permission(actor, "add", Participant)
    table = open_table(content, file_name=filename, limit=IMPORT_MAX_BYTES)
    if table.format not in (CSV, XLSX):
        raise ApplicationError("unsupported_format", _("Import a roster as a CSV or XLSX file."))
    mapping = _import_headers(table.headers)
    problems: list[dict[str, Any]] = []
    parsed: list[tuple[int, dict[str, Any], dict[str, Any]]] = []
    organizations: dict[str, Organization | None] = {}
    seen: dict[str, int] = {}
    for line, raw in table.rows():
        if len(parsed) + len(problems) >= IMPORT_MAX_ROWS:
            raise ApplicationError(
                "too_many_rows", _("A roster file holds at most %(count)d people.") % {"count": IMPORT_MAX_ROWS}
            )
        row = {column: raw.get(heading, "") for column, heading in mapping.items()}
        clean, scores, errors = _import_row(activity, row, organizations)
        if "name" not in errors:
            key = clean["user"].pk if clean["user"] is not None else name_keys(clean["name"], clean["name_latin"])
            identity = f"user:{key}" if clean["user"] is not None else f"name:{getattr(key, 'key_exact', '')}"
            if identity in seen:
                errors["name"] = _("The same person as on line %(line)d.") % {"line": seen[identity]}
            else:
                seen[identity] = line
        problems.extend({"line": line, "field": name, "message": message} for name, message in errors.items())
        if not errors:
            parsed.append((line, clean, scores))
    if not problems and not parsed:
        raise ApplicationError("no_rows", _("The file has headings but no data rows."))
    attendances: list[Attendance] = []
    created = reused = 0
    if not problems:
        on_roster = set(Attendance.objects.filter(activity=activity).values_list("participant_id", flat=True))
        for line, clean, scores in parsed:
            try:
                person, is_new = _participant_write(actor, activity.country, clean)
            except ApplicationError as error:
                problems.append({"line": line, "field": "name", "message": error.message})
                continue
            if person.pk in on_roster:
                problems.append({"line": line, "field": "name", "message": _already_on_roster(person).message})
                continue
            on_roster.add(person.pk)
            created += is_new
            reused += not is_new
            attendances.append(Attendance(activity=activity, participant=person, created_by=actor, **scores))
    if problems:
        raise ApplicationError(
            "invalid_rows",
            _("Nothing was imported: %(count)d rows are not valid.")
            % {"count": len({problem["line"] for problem in problems})},
            {"rows": problems},
        )
    Attendance.objects.bulk_create(attendances)
    attendances = list(
        Attendance.objects.filter(activity=activity, participant__in=[a.participant_id for a in attendances])
    )
    audit_records(
        actor=actor,
        action="programme.attendance.create",
        targets=attendances,
        changes=[{"activity": activity.pk, "participant": item.participant_id, "import": True} for item in attendances],
        organization=activity.owner_organization_id,
    )
    audit_record(
        actor=actor,
        action="programme.roster.import",
        target=activity,
        organization=activity.owner_organization_id,
        changes={"file": filename[:200], "rows": len(attendances), "created": created, "reused": reused},
    )
    return RosterImportResult(
        rows=len(attendances), created=created, reused=reused, attendance_ids=sorted(a.pk for a in attendances)
    )


# --- names: the audited reveal and the certificate ----------------------------------------------------------------
@transaction.atomic
def participant_reveal(*, actor: User, participant_id: int, reason: str = "") -> dict[str, str]:
    """The name (and its Latin spelling) of a participant the actor may reveal, after an audited reveal with the
    reason (the one rule of every reveal: audit.reveal.reveal_reason; an empty reason is refused)."""
    participant = access_by_id(Participant, actor, participant_id, "reveal")
    reason = reveal_reason(reason)
    audit_record(
        actor=actor,
        action="programme.participant.reveal",
        target=participant,
        changes={"fields": ["name", "name_latin"]},
        reason=reason,
        organization=getattr(actor, "organization_id", None),
    )
    return {"name": participant.name, "name_latin": participant.name_latin}


@transaction.atomic
def roster_reveal(*, actor: User, activity_id: int, reason: str) -> dict[int, dict[str, str]]:
    """{participant id: name and Latin spelling} of the people on the activity's roster whom the actor may reveal,
    each reveal audited with the reason. NotFound when they may reveal none of them."""
    activity = access_by_id(Activity, actor, activity_id, "view")
    reason = reveal_reason(reason)
    people = list(Participant.objects.restrict(actor, "reveal").filter(attendances__activity=activity).distinct())
    if not people:
        raise NotFound()
    for person in people:
        audit_record(
            actor=actor,
            action="programme.participant.reveal",
            target=person,
            changes={"fields": ["name", "name_latin"], "activity": activity.pk},
            reason=reason,
            organization=getattr(actor, "organization_id", None),
        )
    return {person.pk: {"name": person.name, "name_latin": person.name_latin} for person in people}


def _certificate_number(activity: Activity) -> str:
    numbers = Attendance.objects.filter(activity=activity).exclude(certificate_number="")
    prefix = f"{activity.reference}-"
    used = [
        int(n[len(prefix) :])
        for n in numbers.values_list("certificate_number", flat=True)
        if n[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(used, default=0) + 1:02d}"


@transaction.atomic
def certificate_issue(*, actor: User, attendance_id: int) -> bytes:
    """The certificate of participation of one person on a roster, as a PDF. It prints the name, so the actor must
    be allowed to reveal the participant; each issue is audited. The first issue gives the certificate its number
    ("<activity reference>-<nn>") and date; later issues print the same again."""
    attendance = access_by_id(
        Attendance, actor, attendance_id, "view", Attendance.objects.select_related("activity", "participant")
    )
    if not Participant.objects.restrict(actor, "reveal").filter(pk=attendance.participant_id).exists():
        raise NotFound()
    activity = Activity.objects.select_for_update().get(pk=attendance.activity_id)
    if activity.end_date > timezone.localdate():
        raise ApplicationError(
            "not_ended",
            _("A certificate is issued once the activity has ended (%(date)s).")
            % {"date": format_date(activity.end_date)},
        )
    first = not attendance.certificate_number
    if first:
        attendance.certificate_number = _certificate_number(activity)
        attendance.certified_on = timezone.localdate()
        attendance.save(update_fields=["certificate_number", "certified_on", "updated_at"])
    audit_record(
        actor=actor,
        action="programme.certificate.issue",
        target=attendance,
        organization=activity.owner_organization_id,
        changes={"certificate_number": attendance.certificate_number, "first_issue": first},
    )
    return _certificate_pdf(attendance, activity)


def _certificate_pdf(attendance: Attendance, activity: Activity) -> bytes:
    """The certificate as printed: the name, the activity, its dates and place, the attendance, the number."""
    participant = attendance.participant
    title = _("Certificate of participation")
    pdf, out = pdf_document(title)
    pdf.ln(10)
    out.heading(title, 22)
    pdf.ln(4)
    out.paragraph(_("This certifies that"), 12)
    out.heading(participant.name, 20)
    if participant.name_latin and participant.name_latin != participant.name:
        out.paragraph(participant.name_latin, 11)
    out.paragraph(_("took part in"), 12)
    out.heading(activity.title, 16)
    days = (activity.end_date - activity.start_date).days + 1
    regions = ", ".join(geography.region_name(activity.country, code) for code in activity.regions)
    place = " · ".join(part for part in (activity.places, regions) if part) or geography.country_name(activity.country)
    rows = [
        (_("Type"), str(activity.get_kind_display())),
        (
            _("Dates"),
            _("%(start)s to %(end)s") % {"start": _day(activity.start_date), "end": _day(activity.end_date)},
        ),
        (_("Duration"), _("%(days)d days") % {"days": days}),
        (_("Place"), place),
        (_("Organized by"), activity.owner_organization.name),
        (
            _("Attendance"),
            _("%(percent)d %%") % {"percent": attendance.attendance_percent}
            if attendance.attendance_percent is not None
            else "",
        ),
        (_("Certificate number"), attendance.certificate_number),
        (_("Certified on"), _day(attendance.certified_on)),
    ]
    out.rows(rows)
    return bytes(pdf.output())


def _day(value: datetime.date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else ""
