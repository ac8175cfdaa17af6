"""Grants to civil society for direct assistance: the grant with its tranches and reporting periods, the release of
a tranche, the grantee's reports and their review, and the IATI transactions (commitment, disbursement,
expenditure).

Rules (each refused with a clear error, nothing saved):
- the grantee is an active organization of the grant's country of an NGO-like type (GRANTEE_TYPES);
- amounts are more than 0; the tranches add up to the grant's amount, numbered 1..n; every tranche is planned
  within the grant's dates; a reporting period ends on or after its start, lies within the grant's dates and is
  due on or after its end; there is a report for every tranche but the last (report k-1 opens tranche k);
- tranche k > 1 is released only once report k-1 is approved; a tranche is released once; a release is dated
  within the grant and not in the future;
- a transaction is dated within the grant's dates and not in the future; the commitments add up to at most the
  grant; the disbursements add up to at most the released tranches (and so the grant), and those drawn on one
  tranche to at most that tranche, which must be released; the expenditure adds up to at most what was disbursed;
- a report is submitted (with a narrative) only as a draft or after it was returned; approved or returned only
  when submitted, so never approved twice;
- a change carries the version read (409 when stale); the schedule (tranches, reports) is replaced only while no
  tranche is released, no transaction recorded and no report submitted;
- the grantee (implementing partner: organization scope, no right to change the grant) records expenditure and
  submits reports for its own grants only; commitments, disbursements, releases and approvals are refused to it."""

from __future__ import annotations

import base64
import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, Decimal
from typing import Any

from django.db import models, transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record, describe_changes
from tipsom.core import validation as check
from tipsom.core.date_formats import format_date
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.permissions import (
    SCOPE_GLOBAL,
    SCOPE_NATIONAL,
    SCOPE_ORGANIZATION,
    SCOPE_OWN,
    access_by_id,
    scope_allows_organization,
    user_scopes,
)
from tipsom.justice.services.incidents import currency
from tipsom.organizations.models import Organization, OrganizationType
from tipsom.programme.models import Activity, Grant, GrantReport, GrantTransaction, Tranche
from tipsom.programme.models.choices import ReviewStatus, TransactionType
from tipsom.programme.services.references import reference_next
from tipsom.programme.services.results import evidence

STALE = gettext_noop("Someone else changed this grant after you opened it. Reload it and apply your change again.")
# Civil society that assists victims directly: the kinds of organization a grant may go to.
GRANTEE_TYPES = (OrganizationType.NGO, OrganizationType.LEGAL_SERVICE, OrganizationType.HEALTH_SERVICE)
MAX_AMOUNT = Decimal("999999999999.99")  # the column's 14 digits, 2 after the point
CENT = Decimal("0.01")
MAX_TRANCHES = 24
MAX_REPORTS = 48
GRANT_FIELDS = ("title", "purpose", "grantee", "currency", "amount", "start_date", "end_date", "activity")
TRANCHE_FIELDS = ("number", "amount", "planned_on")
REPORT_FIELDS = ("number", "period_start", "period_end", "due_on")
REPORT_DUE_DAYS = 30
MANAGER_TYPES = (TransactionType.INCOMING, TransactionType.COMMITMENT, TransactionType.DISBURSEMENT)


# --- values -------------------------------------------------------------------------------------------------------
def amount_value(errors: check.Errors, field: str, value: Any, *, required: bool = True) -> Decimal | None:
    """An amount of money more than 0, to the cent."""
    if value is None or value == "":
        if required:
            errors[field] = _("This field is required.")
        return None
    number = check.decimal_of(value)
    if number is None:
        errors[field] = _("Enter an amount.")
        return None
    if number <= 0:
        errors[field] = _("The amount must be more than 0.")
        return None
    if number > MAX_AMOUNT:
        errors[field] = _("Too large.")
        return None
    if number != number.quantize(CENT):
        errors[field] = _("Give the amount to the cent at most (two decimals).")
        return None
    return number.quantize(CENT)


def _currency(errors: check.Errors, value: Any) -> str:
    """An ISO 4217 code, required."""
    code = currency(errors, "currency", value)
    if not code and "currency" not in errors:
        errors["currency"] = _("This field is required.")
    return code


def _grantee(errors: check.Errors, value: Any, country: str) -> Organization | None:
    if value in (None, ""):
        errors["grantee"] = _("This field is required.")
        return None
    grantee = Organization.objects.filter(pk=check.pk_of(value), country=country, is_active=True).first()
    if grantee is None:
        errors["grantee"] = _("Choose an active organization of the grant's country.")
        return None
    if grantee.type not in GRANTEE_TYPES:
        errors["grantee"] = _("A grant goes to civil society: choose an NGO, a legal service or a health service.")
        return None
    return grantee


def _activity(errors: check.Errors, actor: User, value: Any, country: str) -> Activity | None:
    if value in (None, ""):
        return None
    activity = Activity.objects.restrict(actor, "view").filter(pk=check.pk_of(value), country=country).first()
    if activity is None:
        errors["activity"] = _("Choose an activity of the grant's country that you may see.")
    return activity


def _within(day: date | None, start: date | None, end: date | None) -> bool:
    return day is None or start is None or end is None or start <= day <= end


def _grant_values(errors: check.Errors, actor: User, data: Mapping[str, Any], country: str) -> dict[str, Any]:
    values: dict[str, Any] = {
        "title": check.line(errors, "title", data.get("title"), required=True),
        "purpose": check.text(errors, "purpose", data.get("purpose")),
        "grantee": _grantee(errors, data.get("grantee"), country),
        "currency": _currency(errors, data.get("currency")),
        "amount": amount_value(errors, "amount", data.get("amount")),
        "start_date": check.future_date(errors, "start_date", data.get("start_date"), required=True),
        "end_date": check.future_date(errors, "end_date", data.get("end_date"), required=True),
        "activity": _activity(errors, actor, data.get("activity"), country),
    }
    start, end = values["start_date"], values["end_date"]
    if start and end and end < start:
        errors["end_date"] = _("The grant ends before it starts.")
    return values


def _numbered(errors: check.Errors, field: str, rows: Any, limit: int) -> list[dict[str, Any]] | None:
    if not isinstance(rows, (list, tuple)):
        errors[field] = _("Give a list.")
        return None
    if len(rows) > limit:
        errors[field] = _("Too many (at most %(count)d).") % {"count": limit}
        return None
    if not all(isinstance(row, Mapping) for row in rows):
        errors[field] = _("Give each as an object of its fields.")
        return None
    return [dict(row) for row in rows]


def _unknown_fields(errors: check.Errors, prefix: str, row: Mapping[str, Any], allowed: tuple[str, ...]) -> bool:
    """Whether the row (a tranche, a reporting period) names fields it may not; if so the error is on the row."""
    unknown = sorted(set(row) - set(allowed))
    if unknown:
        errors[prefix] = _("Unknown fields: %s.") % ", ".join(str(name)[:40] for name in unknown)
    return bool(unknown)


def _check_numbers(errors: check.Errors, field: str, numbers: list[int | None]) -> None:
    if all(number is not None for number in numbers) and sorted(numbers) != list(range(1, len(numbers) + 1)):  # type: ignore[type-var]
        errors[field] = _("Number them 1, 2, 3 ... without gaps or repeats.")


def _tranche_values(errors: check.Errors, rows: Any, values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The tranches, numbered by their position when no number is given; they must add up to the grant."""
    given = _numbered(errors, "tranches", rows, MAX_TRANCHES)
    if given is None:
        return []
    if not given:
        errors["tranches"] = _("Give at least one tranche.")
        return []
    start, end = values.get("start_date"), values.get("end_date")
    tranches: list[dict[str, Any]] = []
    for index, row in enumerate(given):
        prefix = f"tranches.{index}"
        if _unknown_fields(errors, prefix, row, TRANCHE_FIELDS):
            continue
        number = row.get("number", index + 1)
        tranche: dict[str, Any] = {
            "number": check.whole_number(errors, f"{prefix}.number", number, minimum=1, maximum=MAX_TRANCHES),
            "amount": amount_value(errors, f"{prefix}.amount", row.get("amount")),
            "planned_on": check.future_date(errors, f"{prefix}.planned_on", row.get("planned_on"), required=True),
        }
        if not _within(tranche["planned_on"], start, end):
            errors[f"{prefix}.planned_on"] = _("Plan the tranche within the grant's dates.")
        tranches.append(tranche)
    if len(tranches) == len(given):
        _check_numbers(errors, "tranches", [tranche["number"] for tranche in tranches])
        amounts = [tranche["amount"] for tranche in tranches]
        if values.get("amount") is not None and all(amount is not None for amount in amounts):
            total = sum(amounts, Decimal(0))
            if total != values["amount"]:
                errors["tranches"] = _("The tranches add up to %(total)s, not to the grant's %(amount)s.") % {
                    "total": total,
                    "amount": values["amount"],
                }
    return tranches


def _report_values(errors: check.Errors, rows: Any, values: Mapping[str, Any], tranches: int) -> list[dict[str, Any]]:
    """The reporting periods: report k-1 opens tranche k, so there is one for every tranche but the last."""
    given = _numbered(errors, "reports", rows, MAX_REPORTS)
    if given is None:
        return []
    start, end = values.get("start_date"), values.get("end_date")
    reports: list[dict[str, Any]] = []
    for index, row in enumerate(given):
        prefix = f"reports.{index}"
        if _unknown_fields(errors, prefix, row, REPORT_FIELDS):
            continue
        report: dict[str, Any] = {
            "number": check.whole_number(
                errors, f"{prefix}.number", row.get("number", index + 1), minimum=1, maximum=MAX_REPORTS
            ),
            "period_start": check.future_date(errors, f"{prefix}.period_start", row.get("period_start"), required=True),
            "period_end": check.future_date(errors, f"{prefix}.period_end", row.get("period_end"), required=True),
            "due_on": check.future_date(errors, f"{prefix}.due_on", row.get("due_on"), required=True),
        }
        first, last, due = report["period_start"], report["period_end"], report["due_on"]
        if first and last and last < first:
            errors[f"{prefix}.period_end"] = _("The reporting period ends before it starts.")
        elif not (_within(first, start, end) and _within(last, start, end)):
            errors[f"{prefix}.period_start"] = _("The reporting period lies outside the grant's dates.")
        if last and due and due < last:
            errors[f"{prefix}.due_on"] = _("The report falls due before its period ends.")
        reports.append(report)
    if len(reports) == len(given):
        _check_numbers(errors, "reports", [report["number"] for report in reports])
        if len(reports) < tranches - 1:
            errors["reports"] = _(
                "Give a report for every tranche but the last: tranche %(number)d is released once report "
                "%(previous)d is approved."
            ) % {"number": len(reports) + 2, "previous": len(reports) + 1}
    return reports


def grant_schedule(
    *, start: date, end: date, amount: Decimal, tranches: int, due_days: int = REPORT_DUE_DAYS
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The schedule the screen proposes: `tranches` equal tranches (the last takes the cents left over), one
    planned at the start of each of as many equal periods of the grant, and one report per period, due
    `due_days` after the period ends (or at the grant's end). Returns (tranches, reports) as the services take
    them."""
    count = max(1, min(int(tranches), MAX_TRANCHES))
    days = (end - start).days + 1
    share = (amount / count).quantize(CENT, rounding=ROUND_DOWN)
    tranche_rows: list[dict[str, Any]] = []
    report_rows: list[dict[str, Any]] = []
    for index in range(count):
        first = start + datetime.timedelta(days=days * index // count)
        last = start + datetime.timedelta(days=days * (index + 1) // count - 1)
        last = max(last, first)
        value = share if index < count - 1 else amount - share * (count - 1)
        tranche_rows.append({"number": index + 1, "amount": value, "planned_on": first})
        report_rows.append(
            {
                "number": index + 1,
                "period_start": first,
                "period_end": last,
                "due_on": last + datetime.timedelta(days=due_days),
            }
        )
    return tranche_rows, report_rows


# --- who may do what to a grant -----------------------------------------------------------------------------------
def grant_allows(actor: User, action: str, model: type[models.Model], grant: Grant) -> bool:
    """May `actor` do `action` to a record of `model` that belongs to `grant` (one not written yet, too)? The
    scopes of the grant's records: global, the grant's country, the grantee or the managing organization, the
    grant's creator."""
    for scope in user_scopes(actor, action, model):
        if scope == SCOPE_GLOBAL:
            return True
        if scope == SCOPE_NATIONAL and actor.organization is not None and actor.organization.country == grant.country:
            return True
        if scope == SCOPE_ORGANIZATION and actor.organization_id in (grant.grantee_id, grant.owner_organization_id):
            return True
        if scope == SCOPE_OWN and grant.created_by_id == actor.pk:
            return True
    return False


def _locked_grant(actor: User, grant_id: Any, action: str = "view") -> Grant:
    """The grant as the actor may `action` it, its row locked until the transaction ends (so two releases or
    disbursements at once are checked one after the other)."""
    return access_by_id(Grant, actor, grant_id, action, queryset=Grant.objects.select_for_update())


def _refuse(code: str, message: str, field: str | None = None) -> ApplicationError:
    extra = {"fields": {field: message}} if field else {}
    return ApplicationError(code, message, extra)


# --- the grant ----------------------------------------------------------------------------------------------------
def _write_schedule(grant: Grant, tranches: list[dict[str, Any]], reports: list[dict[str, Any]]) -> None:
    Tranche.objects.bulk_create([Tranche(grant=grant, **row) for row in tranches])
    GrantReport.objects.bulk_create([GrantReport(grant=grant, **row) for row in reports])


def _reference(country: str, year: int) -> str:
    """The next reference of the country's grants of a year, e.g. CO-GR-2026-0001 (under the numbering lock held
    until the transaction ends)."""
    return reference_next(Grant, kind="GR", country=country, year=year, digits=4)


@transaction.atomic
def grant_create(
    *,
    actor: User,
    organization: Organization,
    data: dict[str, Any],
    tranches: list[dict[str, Any]],
    reports: list[dict[str, Any]],
) -> Grant:
    """Record a grant managed by `organization` (the actor's, or one of the actor's country for a national
    officer) with its tranches and reporting periods. `data`: title, purpose, grantee (an organization id),
    currency, amount, start_date, end_date, activity (optional id)."""
    if not scope_allows_organization(actor, "add", Grant, organization):
        raise NotFound()
    check.reject_unknown(data, GRANT_FIELDS)
    errors = check.Errors()
    values = _grant_values(errors, actor, data, organization.country)
    tranche_rows = _tranche_values(errors, tranches, values)
    report_rows = _report_values(errors, reports, values, len(tranche_rows))
    errors.raise_if_any()
    grant = Grant(
        owner_organization=organization,
        country=organization.country,
        reference=_reference(organization.country, values["start_date"].year),
        created_by=actor,
        **values,
    )
    check.model_full_clean(grant, exclude=["activity", "grantee", "owner_organization", "created_by"])
    grant.save()
    _write_schedule(grant, tranche_rows, report_rows)
    changes = describe_changes(grant, ["title", "grantee", "currency", "amount", "start_date", "end_date", "activity"])
    changes["tranches"] = len(tranche_rows)
    changes["reports"] = len(report_rows)
    audit_record(actor=actor, action="programme.grant.create", target=grant, organization=organization, changes=changes)
    return grant


@transaction.atomic
def grant_update(*, actor: User, grant_id: int, version: int | None, data: dict[str, Any]) -> Grant:
    """Change the fields given (those of grant_create). `tranches` and `reports`, when given, replace the whole
    schedule, only while no tranche is released, no transaction recorded and no report submitted; a new amount
    must still be the sum of the tranches."""
    grant = _locked_grant(actor, grant_id, "change")
    check.check_version(grant, version, _(STALE))
    check.reject_unknown(data, (*GRANT_FIELDS, "tranches", "reports"))
    errors = check.Errors()
    current = {name: getattr(grant, name) for name in GRANT_FIELDS}
    merged = {**current, **{name: value for name, value in data.items() if name in GRANT_FIELDS}}
    for name in ("grantee", "activity"):
        if isinstance(merged[name], models.Model):
            merged[name] = merged[name].pk
    values = _grant_values(errors, actor, merged, grant.country)
    schedule = "tranches" in data or "reports" in data
    if schedule:
        started = (
            grant.tranches.filter(released_on__isnull=False).exists()
            or grant.transactions.exists()
            or grant.reports.exclude(status=ReviewStatus.DRAFT).exists()
        )
        if started:
            raise _refuse(
                "grant_started",
                _("The schedule can no longer be replaced: a tranche is released, a report submitted or money moved."),
                "tranches",
            )
        tranche_data = data.get("tranches", list(grant.tranches.values(*TRANCHE_FIELDS)))
        report_data = data.get("reports", list(grant.reports.values(*REPORT_FIELDS)))
        tranche_rows = _tranche_values(errors, tranche_data, values)
        report_rows = _report_values(errors, report_data, values, len(tranche_rows))
    else:
        _check_kept_schedule(errors, grant, values)
    errors.raise_if_any()
    update = check.model_update(grant, values, force=schedule)
    if schedule:
        grant.tranches.all().delete()
        grant.reports.all().delete()
        _write_schedule(grant, tranche_rows, report_rows)
    if update or schedule:
        changes = describe_changes(grant, update.fields, update.before)
        if schedule:
            changes["schedule"] = {"tranches": len(tranche_rows), "reports": len(report_rows)}
        audit_record(
            actor=actor,
            action="programme.grant.update",
            target=grant,
            organization=grant.owner_organization_id,
            changes=changes,
        )
    return grant


def _check_kept_schedule(errors: check.Errors, grant: Grant, values: Mapping[str, Any]) -> None:
    """A change of the amount or the dates keeps the schedule and the transactions true."""
    amount, start, end = values.get("amount"), values.get("start_date"), values.get("end_date")
    if amount is not None and amount != grant.amount:
        total = grant.tranches.aggregate(total=Sum("amount"))["total"] or Decimal(0)
        if total != amount:
            errors["amount"] = _(
                "The tranches add up to %(total)s: change the tranches with the amount (or keep %(total)s)."
            ) % {"total": total}
    if start is None or end is None or (start == grant.start_date and end == grant.end_date):
        return
    outside = models.Q(planned_on__lt=start) | models.Q(planned_on__gt=end)
    released = models.Q(released_on__lt=start) | models.Q(released_on__gt=end)
    if grant.tranches.filter(outside | released).exists():
        errors["start_date"] = _("A tranche is planned or released outside these dates.")
    if grant.reports.filter(models.Q(period_start__lt=start) | models.Q(period_end__gt=end)).exists():
        errors["start_date"] = _("A reporting period lies outside these dates.")
    if grant.transactions.filter(models.Q(date__lt=start) | models.Q(date__gt=end)).exists():
        errors["start_date"] = _("A transaction is dated outside these dates.")


# --- tranches -----------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class ReleaseBlock:
    """Why a tranche cannot be released now (code and message), for the screen's disabled button."""

    code: str
    message: str


def tranche_release_block(tranche: Tranche, reports: Mapping[int, str] | None = None) -> ReleaseBlock | None:
    """None when the tranche may be released, else why not. `reports`: {number: status} of the grant's reports
    (read once for a page of tranches), or None to read them."""
    if tranche.released_on is not None:
        return ReleaseBlock("tranche_released", _("This tranche was released already."))
    if tranche.number <= 1:
        return None
    if reports is None:
        reports = dict(GrantReport.objects.filter(grant_id=tranche.grant_id).values_list("number", "status"))
    status = reports.get(tranche.number - 1)
    if status != ReviewStatus.APPROVED:
        return ReleaseBlock(
            "report_not_approved",
            _("Tranche %(number)d is released once report %(previous)d is approved.")
            % {"number": tranche.number, "previous": tranche.number - 1},
        )
    return None


@transaction.atomic
def tranche_release(*, actor: User, tranche_id: int, released_on: date | None = None) -> Tranche:
    """Release a tranche (the coordinator). The money itself moves with a disbursement transaction."""
    tranche = access_by_id(Tranche, actor, tranche_id, "approve", queryset=Tranche.objects.select_related("grant"))
    grant = _locked_grant(actor, tranche.grant_id)
    tranche = Tranche.objects.select_for_update().get(pk=tranche.pk)  # read again under the grant's lock
    block = tranche_release_block(tranche)
    if block is not None:
        raise _refuse(block.code, block.message)
    errors = check.Errors()
    day = check.a_date(errors, "released_on", released_on or timezone.localdate())
    if day is not None and "released_on" not in errors and not _within(day, grant.start_date, grant.end_date):
        errors["released_on"] = _("Release the tranche within the grant's dates.")
    errors.raise_if_any()
    tranche.released_on = day
    tranche.released_by = actor
    tranche.save(update_fields=["released_on", "released_by"])
    audit_record(
        actor=actor,
        action="programme.tranche.release",
        target=tranche,
        organization=grant.owner_organization_id,
        changes={"grant": grant.pk, "number": tranche.number, "amount": str(tranche.amount), "released_on": str(day)},
    )
    return tranche


# --- reports ------------------------------------------------------------------------------------------------------
def _locked_report(actor: User, report_id: Any, action: str) -> GrantReport:
    report = access_by_id(GrantReport, actor, report_id, action, queryset=GrantReport.objects.defer("document_content"))
    _locked_grant(actor, report.grant_id)
    reports = GrantReport.objects.select_for_update().select_related("grant").defer("document_content")
    return reports.get(pk=report.pk)


@transaction.atomic
def grant_report_submit(*, actor: User, report_id: int, narrative: str, document: Any = None) -> GrantReport:
    """The grantee (or the M&E officer for it) submits the report of a period for review: a draft, or one that was
    returned. A new document replaces the one before; without one the one before is kept."""
    report = _locked_report(actor, report_id, "change")
    if report.status not in (ReviewStatus.DRAFT, ReviewStatus.RETURNED):
        raise _refuse(
            "report_not_open",
            _("This report was submitted already (%(status)s): it cannot be submitted again.")
            % {"status": ReviewStatus(report.status).label},
        )
    errors = check.Errors()
    text = check.text(errors, "narrative", narrative, required=True)
    upload = evidence(
        errors, document, field="document", default_name="report", not_a_file=_("Give the document as a file.")
    )
    errors.raise_if_any()
    report.narrative = text
    report.status = ReviewStatus.SUBMITTED
    report.submitted_on = timezone.localdate()
    report.version += 1
    fields = ["narrative", "status", "submitted_on", "version"]
    # A new document's columns: name, type, size, SHA-256 and content (the content deferred wherever reports are read).
    for name, value in (upload or {}).items():
        setattr(report, name, value)
        fields.append(name)
    report.save(update_fields=fields)
    changes: dict[str, Any] = {"grant": report.grant_id, "number": report.number, "document": report.has_document}
    if upload is not None:
        changes.update(document_type=upload["document_type"], document_size=upload["document_size"])
    audit_record(
        actor=actor,
        action="programme.grantreport.submit",
        target=report,
        organization=report.grant.owner_organization_id,
        changes=changes,
    )
    return report


@transaction.atomic
def grant_report_document_open(*, actor: User, report_id: Any) -> tuple[GrantReport, bytes]:
    """The report's document decrypted, to whoever may see the report; every download is audited."""
    report = access_by_id(GrantReport, actor, report_id, "view", queryset=GrantReport.objects.select_related("grant"))
    if not report.has_document:
        raise NotFound()
    content = base64.b64decode(report.document_content)
    audit_record(
        actor=actor,
        action="programme.grantreport.document",
        target=report,
        organization=report.grant.owner_organization_id,
        changes={"grant": report.grant_id, "number": report.number},
    )
    return report, content


def _review(actor: User, report_id: Any, status: str, comment: str, *, required: bool) -> GrantReport:
    report = _locked_report(actor, report_id, "approve")
    if report.status == ReviewStatus.APPROVED:
        raise _refuse("report_approved", _("This report was approved already."))
    if report.status != ReviewStatus.SUBMITTED:
        raise _refuse("report_not_submitted", _("This report has not been submitted: there is nothing to review."))
    errors = check.Errors()
    text = check.text(errors, "comment", comment, required=required)
    errors.raise_if_any()
    report.status = status
    report.reviewed_by = actor
    report.reviewed_at = timezone.now()
    report.review_comment = text
    report.version += 1
    report.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "version"])
    verb = "approve" if status == ReviewStatus.APPROVED else "return"
    audit_record(
        actor=actor,
        action=f"programme.grantreport.{verb}",
        target=report,
        organization=report.grant.owner_organization_id,
        changes={"grant": report.grant_id, "number": report.number},
    )
    return report


@transaction.atomic
def grant_report_approve(*, actor: User, report_id: int, comment: str = "") -> GrantReport:
    """The coordinator approves a submitted report (it opens the next tranche)."""
    return _review(actor, report_id, ReviewStatus.APPROVED, comment, required=False)


@transaction.atomic
def grant_report_return(*, actor: User, report_id: int, comment: str) -> GrantReport:
    """The coordinator returns a submitted report for revision, saying why."""
    return _review(actor, report_id, ReviewStatus.RETURNED, comment, required=True)


# --- transactions -------------------------------------------------------------------------------------------------
def _totals(grant: Grant) -> dict[str, Decimal]:
    rows = grant.transactions.order_by().values("transaction_type").annotate(total=Sum("amount"))
    return {row["transaction_type"]: row["total"] or Decimal(0) for row in rows}


def _limit_check(errors: check.Errors, kind: str, grant: Grant, amount: Decimal, tranche: Tranche | None) -> None:
    totals = _totals(grant)
    so_far = totals.get(kind, Decimal(0))
    after = so_far + amount
    money: Callable[[Decimal], str] = lambda value: f"{value:,.2f} {grant.currency}"  # noqa: E731
    if kind in (TransactionType.COMMITMENT, TransactionType.INCOMING) and after > grant.amount:
        errors["amount"] = _("This brings the total to %(after)s, beyond the grant's %(limit)s.") % {
            "after": money(after),
            "limit": money(grant.amount),
        }
    elif kind == TransactionType.DISBURSEMENT:
        released = grant.tranches.filter(released_on__isnull=False).aggregate(total=Sum("amount"))["total"]
        released = released or Decimal(0)
        if after > grant.amount:
            errors["amount"] = _("The disbursements would come to %(after)s, beyond the grant's %(limit)s.") % {
                "after": money(after),
                "limit": money(grant.amount),
            }
        elif after > released:
            errors["amount"] = _(
                "The disbursements would come to %(after)s, beyond the released tranches' %(limit)s: release "
                "the next tranche first."
            ) % {"after": money(after), "limit": money(released)}
        elif tranche is not None:
            drawn = tranche.transactions.filter(transaction_type=kind).aggregate(total=Sum("amount"))["total"]
            if (drawn or Decimal(0)) + amount > tranche.amount:
                errors["amount"] = _("This is beyond what is left of tranche %(number)d (%(left)s).") % {
                    "number": tranche.number,
                    "left": money(tranche.amount - (drawn or Decimal(0))),
                }
    elif kind == TransactionType.EXPENDITURE:
        disbursed = totals.get(TransactionType.DISBURSEMENT, Decimal(0))
        if after > disbursed:
            errors["amount"] = _("The expenditure would come to %(after)s, beyond the %(limit)s disbursed.") % {
                "after": money(after),
                "limit": money(disbursed),
            }


@transaction.atomic
def transaction_record(
    *,
    actor: User,
    grant_id: int,
    transaction_type: str,
    date: date,
    amount: Decimal,
    tranche_id: int | None = None,
    description: str = "",
) -> GrantTransaction:
    """Record an IATI transaction of a grant. The M&E officer records commitments and disbursements (and
    expenditure); the grantee records its expenditure only."""
    grant = _locked_grant(actor, grant_id)
    if not grant_allows(actor, "add", GrantTransaction, grant):
        raise NotFound()
    errors = check.Errors()
    kind = check.choice(errors, "transaction_type", TransactionType, transaction_type)
    errors.raise_if_any()
    if kind in MANAGER_TYPES and not Grant.objects.restrict(actor, "change").filter(pk=grant.pk).exists():
        raise _refuse(
            "transaction_not_allowed",
            _("Only the programme's officer records commitments and disbursements; the grantee records expenditure."),
            "transaction_type",
        )
    day = check.a_date(errors, "date", date)
    if day is not None and "date" not in errors and not _within(day, grant.start_date, grant.end_date):
        errors["date"] = _("Date the transaction within the grant's dates (%(start)s to %(end)s).") % {
            "start": format_date(grant.start_date),
            "end": format_date(grant.end_date),
        }
    value = amount_value(errors, "amount", amount)
    text = check.line(errors, "description", description, max_length=500)
    tranche: Tranche | None = None
    if tranche_id:
        tranche = grant.tranches.filter(pk=check.pk_of(tranche_id)).first()
        if tranche is None:
            errors["tranche"] = _("Choose a tranche of this grant.")
        elif kind == TransactionType.DISBURSEMENT and tranche.released_on is None:
            errors["tranche"] = _("Tranche %(number)d is not released yet.") % {"number": tranche.number}
    if value is not None and not errors:
        _limit_check(errors, kind, grant, value, tranche)
    errors.raise_if_any()
    assert day is not None and value is not None  # every error was raised above
    record = GrantTransaction.objects.create(
        grant=grant,
        tranche=tranche,
        transaction_type=kind,
        date=day,
        amount=value,
        description=text,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action="programme.transaction.create",
        target=record,
        organization=grant.owner_organization_id,
        changes={
            "grant": grant.pk,
            "transaction_type": kind,
            "amount": str(value),
            "date": str(day),
            "tranche": tranche.number if tranche else None,
        },
    )
    return record
