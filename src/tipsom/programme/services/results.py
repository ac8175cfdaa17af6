"""The results framework: its results and indicators (shaped by the programme manager), the baselines, and the
values of each indicator per country and period with their review (Akvo RSR: draft → submitted → approved, which
locks the period, or returned for revision).

Rules (each refused with a clear error, nothing saved):
- a period that ends before it starts; a value for a locked (approved) period; a value for a period under review;
- a denominator of zero, a denominator without a numerator, negative numbers; a breakdown (by sex, sector,
  region...) that adds up to more than the total;
- a computed indicator takes a target, a comment and evidence, never hand-entered figures;
- only a submitted value is approved or returned; a coordinator never approves a value they submitted themselves
  (four eyes); a return says why;
- a stale version (someone saved the period after it was opened): 409.
Approving a computed indicator's period freezes the figures computed at that moment (numerator, denominator,
actual and breakdowns) into it: a later change of the activities or the cases no longer moves an approved value."""

from __future__ import annotations

import base64
import hashlib
import zipfile
from datetime import date
from decimal import Decimal
from io import BytesIO
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tipsom.accounts.models import User
from tipsom.audit.services import audit_record
from tipsom.core import validation as check
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.permissions import SCOPE_GLOBAL, SCOPE_NATIONAL, access_by_id, require_permission, user_scopes
from tipsom.organizations import geography
from tipsom.programme.models import (
    DISAGGREGATIONS,
    Indicator,
    IndicatorBaseline,
    IndicatorPeriod,
    IndicatorSource,
    Measure,
    Pillar,
    ResultLevel,
    ResultNode,
    ReviewStatus,
)
from tipsom.programme.selectors.computations import COMPUTATIONS, ratio

STALE = gettext_noop("Someone else changed this indicator value after you opened it. Reload it and save again.")
FACTORS = (1, 100, 1000, 100000)
# The breakdowns an indicator may name: the framework's three, and those of the computed sources.
DIMENSIONS = (*DISAGGREGATIONS, "organization_type", "type", "pillar", "channel")
MAX_VALUE = Decimal("999999999999")
NODE_FIELDS = ("level", "parent", "code", "title", "description", "pillar", "position")
INDICATOR_FIELDS = (
    "node",
    "code",
    "title",
    "description",
    "measure",
    "unit",
    "ascending",
    "numerator_label",
    "denominator_label",
    "factor",
    "source",
    "source_key",
    "disaggregations",
    "position",
)
PERIOD_FIELDS = ("target", "numerator", "denominator", "actual", "disaggregated", "comment", "evidence")
FIGURES = ("numerator", "denominator", "actual", "disaggregated")
# The evidence: the file's own bytes decide its type (never its name); it is stored with this media type.
EVIDENCE_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def _refuse(code: str, message: str, field: str | None = None) -> ApplicationError:
    return ApplicationError(code, message, {"fields": {field: message}} if field else {})


# --- checks of single values --------------------------------------------------------------------------------------
def number(errors: check.Errors, field: str, value: Any, *, minimum: Decimal | None = Decimal(0)) -> Decimal | None:
    """A finite decimal (None when empty), at least `minimum`, at most MAX_VALUE, to 4 decimals."""
    if value is None or value == "":
        return None
    result = check.decimal_of(value)
    if result is None:
        errors[field] = _("Enter a number.")
        return None
    if minimum is not None and result < minimum:
        errors[field] = _("Enter a number, %(minimum)s or more.") % {"minimum": minimum}
        return None
    if abs(result) > MAX_VALUE:
        errors[field] = _("Too large.")
        return None
    return result.quantize(Decimal("0.0001"))


def evidence_kind(content: bytes) -> str:
    """The evidence file's type from its bytes: pdf, png, jpg, xlsx, docx; "" for anything else."""
    if content.startswith(b"%PDF-"):
        return "pdf"
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if content.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(BytesIO(content)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError):
            return ""
        if "[Content_Types].xml" in names and "xl/workbook.xml" in names:
            return "xlsx"
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
    return ""


def evidence(
    errors: check.Errors,
    value: Any,
    *,
    field: str = "evidence",
    default_name: str = "evidence",
    not_a_file: str | None = None,
) -> dict[str, Any] | None:
    """The evidence (an uploaded file or bytes): PDF, XLSX, DOCX, PNG or JPEG, at most the attachment size. Returns
    the period's evidence columns: the file's name (its extension from its type), media type, size, SHA-256 and
    content as base64 (name and content are encrypted at rest by their fields). `field` names the error and the
    columns (`<field>_name`...): a grant report's document is checked and stored the same way."""
    if value in (None, b"", ""):
        return None
    name = getattr(value, "name", "") or default_name
    content = value.read() if hasattr(value, "read") else value
    if isinstance(content, (bytearray, memoryview)):
        content = bytes(content)
    if not isinstance(content, bytes):
        errors[field] = not_a_file or _("Give the evidence as a file.")
        return None
    limit = settings.TIPSOM_ATTACHMENT_MAX_BYTES
    if len(content) > limit:
        errors[field] = _("The file is too big: %(size)d KB, at most %(limit)d KB.") % {
            "size": len(content) // 1024,
            "limit": limit // 1024,
        }
        return None
    kind = evidence_kind(content)
    if not kind:
        errors[field] = _("This type of file is not accepted (PDF, XLSX, DOCX, PNG or JPEG).")
        return None
    stem = "".join(char for char in str(name).rsplit(".", 1)[0] if char.isalnum() or char in "-_")[:40]
    return {
        f"{field}_name": f"{stem or default_name}.{kind}",
        f"{field}_type": EVIDENCE_TYPES[kind],
        f"{field}_size": len(content),
        f"{field}_sha256": hashlib.sha256(content).hexdigest(),
        f"{field}_content": base64.b64encode(content).decode("ascii"),
    }


def _may_in_country(user: User, action: str, model: type[Any], country: str) -> bool:
    scopes = user_scopes(user, action, model)
    if SCOPE_GLOBAL in scopes:
        return True
    organization = user.organization
    return SCOPE_NATIONAL in scopes and organization is not None and organization.country == country


# --- results ------------------------------------------------------------------------------------------------------
def _descends(node: ResultNode, candidate: ResultNode | None) -> bool:
    """Whether `candidate` is `node` or lies below it (a parent there would make a loop)."""
    seen: set[int] = set()
    while candidate is not None and candidate.pk not in seen:
        if candidate.pk == node.pk:
            return True
        seen.add(candidate.pk)
        candidate = candidate.parent
    return False


def _node_fields(actor: User, data: dict[str, Any], errors: check.Errors, *, creating: bool) -> dict[str, Any]:
    check.reject_unknown(data, NODE_FIELDS)
    clean: dict[str, Any] = {}
    for name in ("level", "code", "title"):
        if creating and name not in data:
            errors[name] = _("This field is required.")
    if "level" in data:
        clean["level"] = check.choice(errors, "level", ResultLevel, data["level"])
    if "code" in data:
        clean["code"] = check.line(errors, "code", data["code"], required=True, max_length=20)
    if "title" in data:
        clean["title"] = check.line(errors, "title", data["title"], required=True, max_length=300)
    if "description" in data:
        clean["description"] = check.text(errors, "description", data["description"])
    if "pillar" in data:
        pillar = check.whole_number(errors, "pillar", data["pillar"], minimum=1, maximum=6)
        if pillar is not None and pillar not in Pillar.values:
            errors["pillar"] = _("Unknown pillar.")
        clean["pillar"] = pillar
    if "position" in data:
        clean["position"] = check.whole_number(errors, "position", data["position"], maximum=30000) or 0
    if "parent" in data:
        clean["parent"] = None
        if data["parent"] not in (None, ""):
            try:
                clean["parent"] = access_by_id(ResultNode, actor, check.pk_of(data["parent"]), "view")
            except NotFound:
                errors["parent"] = _("Choose a result of the framework.")
    return clean


def _node_rules(errors: check.Errors, clean: dict[str, Any], node: ResultNode | None) -> None:
    code = clean.get("code")
    if code and "code" not in errors:
        taken = ResultNode.objects.filter(code=code).exclude(pk=node.pk if node else 0)
        if taken.exists():
            errors["code"] = _("Another result has this code.")
    parent = clean.get("parent")
    if node is not None and parent is not None and _descends(node, parent):
        errors["parent"] = _("A result cannot sit under itself or under one of its own results.")


@transaction.atomic
def result_node_create(*, actor: User, data: dict[str, Any]) -> ResultNode:
    """A result (impact, outcome or output) of the framework, under `parent` where given."""
    require_permission(actor, "add", ResultNode)
    errors = check.Errors()
    clean = _node_fields(actor, data, errors, creating=True)
    _node_rules(errors, clean, None)
    errors.raise_if_any()
    node = ResultNode.objects.create(**clean)
    audit_record(
        actor=actor,
        action="programme.resultnode.create",
        target=node,
        changes={"code": node.code, "level": node.level, "parent": node.parent_id},
    )
    return node


@transaction.atomic
def result_node_update(*, actor: User, node_id: int, data: dict[str, Any]) -> ResultNode:
    node = access_by_id(ResultNode, actor, node_id, "change")
    errors = check.Errors()
    clean = _node_fields(actor, data, errors, creating=False)
    _node_rules(errors, clean, node)
    errors.raise_if_any()
    changed = check.model_update(node, clean)
    if changed:
        audit_record(
            actor=actor,
            action="programme.resultnode.update",
            target=node,
            changes={"fields": changed.fields, "code": node.code},
        )
    return node


# --- indicators ---------------------------------------------------------------------------------------------------
def _indicator_fields(actor: User, data: dict[str, Any], errors: check.Errors, *, creating: bool) -> dict[str, Any]:
    check.reject_unknown(data, INDICATOR_FIELDS)
    clean: dict[str, Any] = {}
    for name in ("node", "code", "title", "source"):
        if creating and name not in data:
            errors[name] = _("This field is required.")
    if "node" in data:
        try:
            clean["node"] = access_by_id(ResultNode, actor, check.pk_of(data["node"]), "view")
        except NotFound:
            errors["node"] = _("Choose a result of the framework.")
    if "code" in data:
        clean["code"] = check.line(errors, "code", data["code"], required=True, max_length=20)
    if "title" in data:
        clean["title"] = check.line(errors, "title", data["title"], required=True, max_length=300)
    if "description" in data:
        clean["description"] = check.text(errors, "description", data["description"])
    if "measure" in data:
        clean["measure"] = check.choice(errors, "measure", Measure, data["measure"])
    for name, limit in (("unit", 60), ("numerator_label", 200), ("denominator_label", 200)):
        if name in data:
            clean[name] = check.line(errors, name, data[name], max_length=limit)
    if "ascending" in data:
        if not isinstance(data["ascending"], bool):
            errors["ascending"] = _("Give true or false.")
        clean["ascending"] = bool(data["ascending"])
    if "factor" in data:
        factor = check.whole_number(errors, "factor", data["factor"], minimum=1, maximum=100000, required=True)
        if factor is not None and factor not in FACTORS:
            errors["factor"] = _("The factor is 1, 100, 1,000 or 100,000.")
        clean["factor"] = factor
    if "source" in data:
        clean["source"] = check.choice(errors, "source", IndicatorSource, data["source"])
    if "source_key" in data:
        clean["source_key"] = str(data["source_key"] or "").strip()
    if "disaggregations" in data:
        value = data["disaggregations"] or []
        if not isinstance(value, (list, tuple)) or not all(isinstance(item, str) for item in value):
            errors["disaggregations"] = _("Give a list of breakdowns.")
        elif unknown := [item[:40] for item in value if item not in DIMENSIONS]:
            errors["disaggregations"] = _("Unknown breakdowns: %(names)s.") % {"names": ", ".join(unknown)}
        else:
            clean["disaggregations"] = list(dict.fromkeys(value))
    if "position" in data:
        clean["position"] = check.whole_number(errors, "position", data["position"], maximum=30000) or 0
    return clean


def _indicator_rules(errors: check.Errors, values: dict[str, Any], indicator: Indicator | None) -> None:
    code = values.get("code")
    if code and "code" not in errors:
        if Indicator.objects.filter(code=code).exclude(pk=indicator.pk if indicator else 0).exists():
            errors["code"] = _("Another indicator has this code.")
    source, key = values.get("source"), values.get("source_key", "")
    if "source" in errors or "source_key" in errors:
        return
    if source == IndicatorSource.MANUAL:
        if key:
            errors["source_key"] = _("An indicator entered by hand has no computation.")
    elif source:
        computation = COMPUTATIONS.get(key)
        if computation is None:
            errors["source_key"] = _("Choose one of the known computations.")
        elif computation.source != source:
            errors["source_key"] = _("This computation is not of the chosen source.")
    if values.get("measure") == Measure.PERCENTAGE and values.get("factor") == 1 and "factor" not in errors:
        errors["factor"] = _("A percentage takes the factor 100.")


def _indicator_values(indicator: Indicator | None, clean: dict[str, Any]) -> dict[str, Any]:
    current = {name: getattr(indicator, name) for name in INDICATOR_FIELDS} if indicator else {}
    defaults = {"measure": Measure.UNIT, "factor": 1, "source_key": ""}
    return {**defaults, **current, **clean}


@transaction.atomic
def indicator_create(*, actor: User, data: dict[str, Any]) -> Indicator:
    """An indicator of a result: how it is measured (a number, or numerator ÷ denominator × factor) and where its
    actual comes from (a known computation, or entered by hand)."""
    require_permission(actor, "add", Indicator)
    errors = check.Errors()
    clean = _indicator_fields(actor, data, errors, creating=True)
    values = _indicator_values(None, clean)
    _indicator_rules(errors, values, None)
    errors.raise_if_any()
    indicator = Indicator.objects.create(**{name: values[name] for name in INDICATOR_FIELDS if name in values})
    audit_record(
        actor=actor,
        action="programme.indicator.create",
        target=indicator,
        changes={"code": indicator.code, "node": indicator.node_id, "source": indicator.source},
    )
    return indicator


@transaction.atomic
def indicator_update(*, actor: User, indicator_id: int, data: dict[str, Any]) -> Indicator:
    indicator = access_by_id(Indicator, actor, indicator_id, "change")
    errors = check.Errors()
    clean = _indicator_fields(actor, data, errors, creating=False)
    _indicator_rules(errors, _indicator_values(indicator, clean), indicator)
    errors.raise_if_any()
    changed = check.model_update(indicator, clean)
    if changed:
        audit_record(
            actor=actor,
            action="programme.indicator.update",
            target=indicator,
            changes={"fields": changed.fields, "code": indicator.code},
        )
    return indicator


# --- baselines ----------------------------------------------------------------------------------------------------
@transaction.atomic
def baseline_set(
    *, actor: User, indicator_id: int, country: str, year: int, value: Decimal, comment: str = ""
) -> IndicatorBaseline:
    """The indicator's baseline in a country (one per indicator and country: set again, it is replaced)."""
    indicator = access_by_id(Indicator, actor, indicator_id, "view")
    errors = check.Errors()
    country = geography.valid_country(errors, "country", country, required=True)
    if country and not _may_in_country(actor, "change", IndicatorBaseline, country):
        raise NotFound()
    clean_year = check.whole_number(
        errors, "year", year, minimum=1990, maximum=timezone.localdate().year + 1, required=True
    )
    clean_value = number(errors, "value", value)
    if clean_value is None and "value" not in errors:
        errors["value"] = _("This field is required.")
    clean_comment = check.line(errors, "comment", comment, max_length=500)
    errors.raise_if_any()
    assert clean_year is not None and clean_value is not None
    baseline, created = IndicatorBaseline.objects.update_or_create(
        indicator=indicator,
        country=country,
        defaults={"year": clean_year, "value": clean_value, "comment": clean_comment},
    )
    audit_record(
        actor=actor,
        action="programme.baseline.save",
        target=baseline,
        changes={
            "indicator": indicator.pk,
            "country": country,
            "year": clean_year,
            "value": str(clean_value),
            "created": created,
        },
    )
    return baseline


# --- values per country and period --------------------------------------------------------------------------------
def _breakdown(errors: check.Errors, indicator: Indicator, value: Any) -> dict[str, dict[str, Decimal]]:
    """{dimension: {category: number}}: the dimensions the indicator names (any of the framework's three when it
    names none), numbers not negative."""
    if value in (None, ""):
        return {}
    allowed = indicator.disaggregations or list(DISAGGREGATIONS)
    if not isinstance(value, dict):
        errors["disaggregated"] = _('Give the values by breakdown: {"sex": {"female": 12}}.')
        return {}
    result: dict[str, dict[str, Decimal]] = {}
    for dimension, categories in value.items():
        if dimension not in allowed:
            errors["disaggregated"] = _("This indicator is not broken down by %(name)s.") % {
                "name": str(dimension)[:40]
            }
            continue
        if not isinstance(categories, dict):
            errors[f"disaggregated.{dimension}"] = _("Give a number for each category.")
            continue
        result[dimension] = {}
        for category, amount in categories.items():
            key = check.line(errors, f"disaggregated.{dimension}", category, required=True, max_length=40)
            figure = number(errors, f"disaggregated.{dimension}.{key}", amount)
            if figure is not None:
                result[dimension][key] = figure
    return result


def _figures(errors: check.Errors, indicator: Indicator, data: dict[str, Any], values: dict[str, Any]) -> None:
    """The entered figures checked together: numerator and denominator give the actual (× factor); a breakdown no
    larger than the total."""
    for name in ("numerator", "denominator", "actual"):
        if name in data:
            values[name] = number(errors, name, data[name])
    if "disaggregated" in data:
        values["disaggregated"] = _breakdown(errors, indicator, data["disaggregated"])
    if set(FIGURES) & set(errors):
        return
    numerator, denominator = values.get("numerator"), values.get("denominator")
    if denominator is not None and denominator == 0:
        errors["denominator"] = _("The denominator cannot be zero.")
        return
    if denominator is not None and numerator is None:
        errors["numerator"] = _("Give the numerator with the denominator.")
        return
    if numerator is not None:
        computed = ratio(numerator, denominator, indicator.factor if denominator is not None else 1)
        given = data.get("actual")
        if given not in (None, "") and values.get("actual") != computed and "numerator" in data:
            errors["actual"] = _("The actual is computed from the numerator and the denominator: leave it empty.")
            return
        values["actual"] = computed
    total = numerator if numerator is not None else values.get("actual")
    for dimension, categories in (values.get("disaggregated") or {}).items():
        added = sum((Decimal(str(amount)) for amount in categories.values()), Decimal(0))
        if total is None and added:
            errors["disaggregated"] = _("Give the total before its breakdown.")
        elif total is not None and added > total:
            errors["disaggregated"] = _("The values by %(name)s add up to %(sum)s, more than the total %(total)s.") % {
                "name": dimension,
                "sum": _plain(added),
                "total": _plain(total),
            }


def _plain(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def _json(breakdown: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """A breakdown as stored (JSON): whole numbers as ints, others as decimal text."""
    return {
        dimension: {
            key: int(amount) if Decimal(str(amount)) == Decimal(str(amount)).to_integral_value() else str(amount)
            for key, amount in categories.items()
        }
        for dimension, categories in breakdown.items()
    }


def _open_period(period: IndicatorPeriod) -> None:
    if period.locked or period.status == ReviewStatus.APPROVED:
        raise _refuse("period_locked", _("This period is approved and locked: its values cannot change."))
    if period.status == ReviewStatus.SUBMITTED:
        raise _refuse(
            "period_under_review", _("This value is submitted for review: it can change only if it is returned.")
        )


@transaction.atomic
def indicator_period_save(
    *,
    actor: User,
    indicator_id: int,
    country: str,
    period_start: date,
    period_end: date,
    data: dict[str, Any],
    version: int | None = None,
) -> IndicatorPeriod:
    """Save the indicator's target and (entered by hand) its figures for a country and a period: a draft, or a
    returned value being revised. A computed indicator takes only its target, a comment and evidence."""
    indicator = access_by_id(Indicator, actor, indicator_id, "view")
    check.reject_unknown(data, PERIOD_FIELDS)
    errors = check.Errors()
    country = geography.valid_country(errors, "country", country, required=True)
    start = check.future_date(errors, "period_start", period_start, required=True)
    end = check.future_date(errors, "period_end", period_end, required=True)
    if start and end and end < start:
        errors["period_end"] = _("The period ends before it starts.")
    errors.raise_if_any()
    assert start is not None and end is not None
    period = (
        IndicatorPeriod.objects.select_for_update()
        .filter(indicator=indicator, country=country, period_start=start, period_end=end)
        .defer("evidence_content")
        .first()
    )
    if not _may_in_country(actor, "change" if period else "add", IndicatorPeriod, country):
        raise NotFound()
    if period is not None:
        check.check_version(period, version, _(STALE))
        _open_period(period)
    computed = indicator.source != IndicatorSource.MANUAL
    if computed and (given := [name for name in FIGURES if data.get(name) not in (None, "", {})]):
        raise ApplicationError(
            "computed_indicator",
            _("This indicator is computed: only its target, a comment and evidence are entered."),
            {"fields": dict.fromkeys(given, _("Computed, not entered."))},
        )
    values: dict[str, Any] = (
        {name: getattr(period, name) for name in FIGURES} if period is not None and not computed else {}
    )
    if "target" in data:
        values["target"] = number(errors, "target", data["target"])
    if not computed:
        _figures(errors, indicator, data, values)
    if "comment" in data:
        values["comment"] = check.text(errors, "comment", data["comment"])
    upload = evidence(errors, data.get("evidence"))
    errors.raise_if_any()
    if "disaggregated" in values:
        values["disaggregated"] = _json(values["disaggregated"] or {})
    if period is None:
        period = IndicatorPeriod(
            indicator=indicator, country=country, period_start=start, period_end=end, created_by=actor
        )
        for name, value in {**values, **(upload or {})}.items():
            setattr(period, name, value)
        period.save()
        changed = sorted(values)
    else:
        # The new file replaces the one before (set, not compared: the old content is not even read).
        for name, value in (upload or {}).items():
            setattr(period, name, value)
        update = check.model_update(period, values, force=upload is not None, also_save=list(upload or ()))
        changed = update.fields
    audit_record(
        actor=actor,
        action="programme.period.save",
        target=period,
        changes={
            "indicator": indicator.pk,
            "country": country,
            "period": f"{start}/{end}",
            "fields": changed,
            "evidence": bool(upload),
        },
    )
    return period


def _period_for(actor: User, period_id: Any, action: str) -> IndicatorPeriod:
    found = access_by_id(IndicatorPeriod, actor, period_id, action, IndicatorPeriod.objects.defer("evidence_content"))
    return (
        IndicatorPeriod.objects.select_for_update()
        .select_related("indicator")
        .defer("evidence_content")
        .get(pk=found.pk)
    )


@transaction.atomic
def indicator_period_evidence_open(*, actor: User, period_id: Any) -> tuple[IndicatorPeriod, bytes]:
    """The period's evidence decrypted, for whoever may read the period; NotFound when it has none. Every download
    is audited (the evidence may name people)."""
    period = access_by_id(IndicatorPeriod, actor, period_id, "view")
    if not period.evidence_content:
        raise NotFound()
    content = base64.b64decode(period.evidence_content)
    audit_record(actor=actor, action="programme.period.evidence", target=period, changes={"country": period.country})
    return period, content


@transaction.atomic
def indicator_period_submit(*, actor: User, period_id: int) -> IndicatorPeriod:
    """Submit a draft (or a returned value, revised) for the coordinator's review."""
    period = _period_for(actor, period_id, "change")
    _open_period(period)
    if period.indicator.source == IndicatorSource.MANUAL and period.actual is None:
        raise _refuse("no_value", _("Enter the value before submitting it."), "actual")
    period.status = ReviewStatus.SUBMITTED
    period.submitted_by = actor
    period.submitted_at = timezone.now()
    period.version += 1
    period.save(update_fields=["status", "submitted_by", "submitted_at", "version", "updated_at"])
    audit_record(actor=actor, action="programme.period.submit", target=period, changes={"country": period.country})
    return period


def _reviewable(period: IndicatorPeriod) -> None:
    if period.status != ReviewStatus.SUBMITTED:
        raise _refuse(
            "not_submitted",
            _("Only a submitted value is reviewed; this one is %(status)s.")
            % {"status": ReviewStatus(period.status).label},
        )


@transaction.atomic
def indicator_period_approve(*, actor: User, period_id: int, comment: str = "") -> IndicatorPeriod:
    """Approve a submitted value: the period is locked. A computed indicator's figures are computed now and
    frozen into it. Nobody approves what they submitted themselves."""
    period = _period_for(actor, period_id, "approve")
    _reviewable(period)
    if period.submitted_by_id == actor.pk:
        raise _refuse("own_submission", _("You submitted this value: another coordinator approves it."))
    errors = check.Errors()
    text = check.text(errors, "comment", comment)
    errors.raise_if_any()
    fields = ["status", "locked", "reviewed_by", "reviewed_at", "review_comment", "version", "updated_at"]
    computation = COMPUTATIONS.get(period.indicator.source_key)
    if period.indicator.source != IndicatorSource.MANUAL and computation is not None:
        raw = computation.compute(period.country, period.period_start, period.period_end)
        period.numerator = Decimal(raw.numerator)
        period.denominator = Decimal(raw.denominator) if raw.denominator is not None else None
        period.actual = ratio(raw.numerator, raw.denominator, period.indicator.factor)
        period.disaggregated = raw.disaggregated
        fields += ["numerator", "denominator", "actual", "disaggregated"]
    period.status = ReviewStatus.APPROVED
    period.locked = True
    period.reviewed_by = actor
    period.reviewed_at = timezone.now()
    period.review_comment = text
    period.version += 1
    period.save(update_fields=fields)
    audit_record(
        actor=actor,
        action="programme.period.approve",
        target=period,
        changes={"country": period.country, "actual": str(period.actual) if period.actual is not None else None},
    )
    return period


@transaction.atomic
def indicator_period_return(*, actor: User, period_id: int, comment: str) -> IndicatorPeriod:
    """Return a submitted value for revision, saying why; it can be edited and submitted again."""
    period = _period_for(actor, period_id, "approve")
    _reviewable(period)
    errors = check.Errors()
    text = check.text(errors, "comment", comment, required=True)
    errors.raise_if_any()
    period.status = ReviewStatus.RETURNED
    period.reviewed_by = actor
    period.reviewed_at = timezone.now()
    period.review_comment = text
    period.version += 1
    period.save(update_fields=["status", "reviewed_by", "reviewed_at", "review_comment", "version", "updated_at"])
    audit_record(actor=actor, action="programme.period.return", target=period, changes={"country": period.country})
    return period
