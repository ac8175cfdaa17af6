"""The results framework's services: framework editing, baselines, values per period and their review; each bad
input a clear error that saves nothing."""

from __future__ import annotations

import base64
import datetime
import hashlib
import io
import zipfile
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.core.errors import ApplicationError, Conflict, NotFound
from tipsom.core.testing import database_bytes
from tipsom.organizations.testing import make_organization
from tipsom.programme.models import (
    Indicator,
    IndicatorBaseline,
    IndicatorPeriod,
    IndicatorSource,
    Measure,
    ResultLevel,
    ResultNode,
    ReviewStatus,
)
from tipsom.programme.services import results as services
from tipsom.programme.services.results import evidence_kind
from tipsom.programme.testing import make_activity, make_indicator, make_node, make_period

pytestmark = pytest.mark.django_db
START, END = datetime.date(2018, 1, 1), datetime.date(2018, 12, 31)


@pytest.fixture
def brazil() -> Any:
    return make_organization("BR")


@pytest.fixture
def officer(brazil: Any) -> Any:
    return make_user(brazil, roles=("me_officer",))


@pytest.fixture
def coordinator(brazil: Any) -> Any:
    return make_user(brazil, roles=("national_coordinator",))


@pytest.fixture
def manager() -> Any:
    return make_user(make_organization("AT"), roles=("programme_manager",))


def _save(actor: Any, indicator: Indicator, data: dict[str, Any], **kwargs: Any) -> IndicatorPeriod:
    return services.indicator_period_save(
        actor=actor, indicator_id=indicator.pk, country="BR", period_start=START, period_end=END, data=data, **kwargs
    )


def _refused(code: str, call: Any) -> ApplicationError:
    before = (IndicatorPeriod.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ApplicationError) as caught:
        call()
    assert caught.value.code == code, caught.value.as_dict()
    assert (IndicatorPeriod.objects.count(), AuditEvent.objects.count()) == before
    return caught.value


# --- the framework ------------------------------------------------------------------------------------------------
def test_the_manager_shapes_the_framework(manager: Any) -> None:
    outcome = services.result_node_create(
        actor=manager, data={"level": ResultLevel.OUTCOME, "code": "OC1", "title": "Identification improves"}
    )
    output = services.result_node_create(
        actor=manager, data={"level": "output", "code": "OP1.1", "title": "Trained", "parent": outcome.pk, "pillar": 3}
    )
    indicator = services.indicator_create(
        actor=manager,
        data={
            "node": output.pk,
            "code": "IND1",
            "title": "Practitioners trained",
            "source": "activities",
            "source_key": "practitioners_trained",
            "disaggregations": ["sex", "sector"],
        },
    )
    assert indicator.node == output and indicator.factor == 1
    services.indicator_update(actor=manager, indicator_id=indicator.pk, data={"title": "Practitioners trained (all)"})
    services.result_node_update(actor=manager, node_id=outcome.pk, data={"title": "Better identification"})
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"programme.resultnode.create", "programme.resultnode.update", "programme.indicator.create"} <= actions
    assert "programme.indicator.update" in actions


def test_framework_bad_input(manager: Any) -> None:
    node = make_node(code="OC9")
    child = make_node(ResultLevel.OUTPUT, parent=node)
    cases: list[tuple[dict[str, Any], str]] = [
        ({"level": "outcome", "code": "OC9", "title": "x"}, "code"),
        ({"level": "nothing", "code": "X1", "title": "x"}, "level"),
        ({"level": "outcome", "code": "X2", "title": "x", "pillar": 9}, "pillar"),
    ]
    for data, field in cases:
        with pytest.raises(ApplicationError) as caught:
            services.result_node_create(actor=manager, data=data)
        assert field in caught.value.extra["fields"]
    with pytest.raises(ApplicationError) as caught:
        services.result_node_update(actor=manager, node_id=node.pk, data={"parent": child.pk})
    assert "parent" in caught.value.extra["fields"]
    indicator_cases: list[tuple[dict[str, Any], str]] = [
        ({"source": "statistics", "source_key": "nothing"}, "source_key"),
        ({"source": "activities", "source_key": "victims_identified"}, "source_key"),
        ({"source": "manual", "source_key": "victims_identified"}, "source_key"),
        ({"source": "manual", "factor": 7}, "factor"),
        ({"source": "manual", "disaggregations": ["colour"]}, "disaggregations"),
        ({"source": "manual", "measure": Measure.PERCENTAGE}, "factor"),
    ]
    for extra, field in indicator_cases:
        with pytest.raises(ApplicationError) as caught:
            services.indicator_create(actor=manager, data={"node": node.pk, "code": "Z1", "title": "z", **extra})
        assert field in caught.value.extra["fields"], (extra, caught.value.extra)
    assert not Indicator.objects.filter(code="Z1").exists()
    assert ResultNode.objects.count() == 2


def test_only_the_manager_shapes_the_framework(officer: Any) -> None:
    with pytest.raises(NotFound):
        services.result_node_create(actor=officer, data={"level": "outcome", "code": "OC1", "title": "x"})


# --- baselines ----------------------------------------------------------------------------------------------------
def test_baseline_set_and_replaced(officer: Any) -> None:
    indicator = make_indicator()
    services.baseline_set(actor=officer, indicator_id=indicator.pk, country="BR", year=2017, value=Decimal(40))
    baseline = services.baseline_set(
        actor=officer, indicator_id=indicator.pk, country="BR", year=2016, value=Decimal(35), comment="survey"
    )
    assert IndicatorBaseline.objects.get().value == Decimal(35) and baseline.year == 2016
    with pytest.raises(ApplicationError):
        services.baseline_set(actor=officer, indicator_id=indicator.pk, country="BR", year=2017, value=Decimal(-1))
    with pytest.raises(NotFound):
        services.baseline_set(actor=officer, indicator_id=indicator.pk, country="CO", year=2017, value=Decimal(1))


# --- values and their review --------------------------------------------------------------------------------------
def test_enter_submit_return_resubmit_approve(officer: Any, coordinator: Any) -> None:
    indicator = make_indicator(
        measure=Measure.PERCENTAGE, factor=100, denominator_label="cases", disaggregations=["sex"]
    )
    period = _save(
        officer,
        indicator,
        {"target": "60", "numerator": "30", "denominator": "50", "disaggregated": {"sex": {"female": 20, "male": 10}}},
    )
    assert period.actual == Decimal("60.00") and period.status == ReviewStatus.DRAFT
    services.indicator_period_submit(actor=officer, period_id=period.pk)
    _refused("period_under_review", lambda: _save(officer, indicator, {"numerator": "31"}))
    _refused("not_found", lambda: services.indicator_period_approve(actor=officer, period_id=period.pk))
    _refused("invalid", lambda: services.indicator_period_return(actor=coordinator, period_id=period.pk, comment=""))
    services.indicator_period_return(actor=coordinator, period_id=period.pk, comment="Which cases?")
    period.refresh_from_db()
    assert period.status == ReviewStatus.RETURNED
    period = _save(officer, indicator, {"numerator": "32"}, version=period.version)
    assert period.actual == Decimal("64.00")
    services.indicator_period_submit(actor=officer, period_id=period.pk)
    approved = services.indicator_period_approve(actor=coordinator, period_id=period.pk, comment="ok")
    assert approved.locked and approved.status == ReviewStatus.APPROVED
    _refused("period_locked", lambda: _save(officer, indicator, {"numerator": "1"}))
    actions = list(AuditEvent.objects.filter(action__startswith="programme.period.").values_list("action", flat=True))
    assert actions.count("programme.period.submit") == 2 and "programme.period.approve" in actions


def test_a_coordinator_may_not_approve_their_own_submission(coordinator: Any, brazil: Any) -> None:
    both = make_user(brazil, roles=("me_officer", "national_coordinator"))
    indicator = make_indicator()
    period = _save(both, indicator, {"actual": "3"})
    services.indicator_period_submit(actor=both, period_id=period.pk)
    _refused("own_submission", lambda: services.indicator_period_approve(actor=both, period_id=period.pk))
    assert services.indicator_period_approve(actor=coordinator, period_id=period.pk).locked


def test_approving_a_computed_indicator_freezes_its_figures(officer: Any, coordinator: Any, brazil: Any) -> None:
    make_activity(brazil, participants_total=40, participants_women=30, participants_men=10)
    indicator = make_indicator(source=IndicatorSource.ACTIVITIES, source_key="practitioners_trained")
    period = _save(officer, indicator, {"target": "100"})
    _refused("computed_indicator", lambda: _save(officer, indicator, {"numerator": "5"}))
    services.indicator_period_submit(actor=officer, period_id=period.pk)
    period = services.indicator_period_approve(actor=coordinator, period_id=period.pk)
    assert period.numerator == Decimal(40) and period.actual == Decimal(40)
    assert period.disaggregated["sex"] == {"female": 30, "male": 10}
    make_activity(brazil, participants_total=10)  # later activities no longer move it
    from tipsom.programme.selectors.results import framework_table

    table = framework_table(user=officer, country="BR", period_start=START, period_end=END)
    row = next(item for r in table.rows for item in r.indicators if item.indicator.pk == indicator.pk)
    assert row.actual == Decimal(40) and row.locked


def test_bad_values_save_nothing(officer: Any, coordinator: Any) -> None:
    indicator = make_indicator(denominator_label="all", disaggregations=["sex", "region"])

    def save(data: dict[str, Any], **kwargs: Any) -> Any:
        return lambda: _save(officer, indicator, data, **kwargs)

    error = _refused(
        "invalid",
        lambda: services.indicator_period_save(
            actor=officer,
            indicator_id=indicator.pk,
            country="BR",
            period_start=END,
            period_end=START,
            data={"actual": 1},
        ),
    )
    assert "period_end" in error.extra["fields"]
    assert "denominator" in _refused("invalid", save({"numerator": 1, "denominator": 0})).extra["fields"]
    assert "numerator" in _refused("invalid", save({"numerator": -1})).extra["fields"]
    assert "target" in _refused("invalid", save({"target": "-5"})).extra["fields"]
    assert "numerator" in _refused("invalid", save({"denominator": 4})).extra["fields"]
    too_many = {"actual": 10, "disaggregated": {"sex": {"female": 8, "male": 5}}}
    assert "disaggregated" in _refused("invalid", save(too_many)).extra["fields"]
    assert (
        "disaggregated"
        in _refused("invalid", save({"actual": 10, "disaggregated": {"sector": {"x": 1}}})).extra["fields"]
    )
    assert "unknown" not in str(_refused("invalid", save({"actual": "ten"})).extra)
    _refused("invalid", save({"colour": 1}))
    period = _save(officer, indicator, {"actual": 10})
    with pytest.raises(Conflict):
        _save(officer, indicator, {"actual": 11}, version=period.version + 5)
    assert IndicatorPeriod.objects.get().actual == Decimal(10)
    _refused("not_submitted", lambda: services.indicator_period_approve(actor=coordinator, period_id=period.pk))
    _refused(
        "not_submitted",
        lambda: services.indicator_period_return(actor=coordinator, period_id=period.pk, comment="no"),
    )


def test_roles(officer: Any, coordinator: Any, manager: Any, brazil: Any) -> None:
    indicator = make_indicator()
    with pytest.raises(NotFound):
        _save(coordinator, indicator, {"actual": 1})
    with pytest.raises(NotFound):
        _save(manager, indicator, {"actual": 1})
    partner = make_user(brazil, roles=("implementing_partner",))
    with pytest.raises(NotFound):
        _save(partner, indicator, {"actual": 1})
    period = make_period(indicator, "BR", actual=1, status=ReviewStatus.SUBMITTED, submitted_by=coordinator)
    with pytest.raises(NotFound):
        services.indicator_period_approve(actor=officer, period_id=period.pk)
    with pytest.raises(NotFound):
        services.indicator_period_approve(actor=manager, period_id=period.pk)
    colombia = make_user(make_organization("CO"), roles=("national_coordinator",))
    with pytest.raises(NotFound):
        services.indicator_period_approve(actor=colombia, period_id=period.pk)


def _office(kind: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml" if kind == "xlsx" else "word/document.xml", "<x/>")
    return buffer.getvalue()


def test_evidence_types_and_size(officer: Any, settings: Any) -> None:
    assert evidence_kind(b"%PDF-1.4 x") == "pdf"
    assert evidence_kind(_office("xlsx")) == "xlsx" and evidence_kind(_office("docx")) == "docx"
    assert evidence_kind(b"MZ\x90\x00") == ""
    indicator = make_indicator()
    sheet = _office("xlsx")
    period = _save(officer, indicator, {"actual": 3, "evidence": SimpleUploadedFile("list.pdf", sheet)})
    period = IndicatorPeriod.objects.get(pk=period.pk)
    assert period.evidence_name == "list.xlsx"  # the extension from the bytes, never from the name
    assert period.evidence_type == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert period.evidence_size == len(sheet) and period.evidence_sha256 == hashlib.sha256(sheet).hexdigest()
    assert base64.b64decode(period.evidence_content) == sheet
    error = _refused(
        "invalid", lambda: _save(officer, make_indicator(), {"actual": 3, "evidence": b"#!/bin/sh\nrm -rf /"})
    )
    assert "evidence" in error.extra["fields"]
    # A refused file leaves the evidence before untouched; a good one replaces it (the version moves on).
    _refused("invalid", lambda: _save(officer, indicator, {"evidence": b"MZ\x90\x00"}, version=period.version))
    assert IndicatorPeriod.objects.get(pk=period.pk).evidence_sha256 == hashlib.sha256(sheet).hexdigest()
    _save(officer, indicator, {"evidence": b"%PDF-1.4 new"}, version=period.version)
    replaced = IndicatorPeriod.objects.get(pk=period.pk)
    assert (replaced.evidence_name, replaced.evidence_type, replaced.evidence_size) == (
        "evidence.pdf",
        "application/pdf",
        12,
    )
    assert replaced.version == period.version + 1 and replaced.actual == 3
    settings.TIPSOM_ATTACHMENT_MAX_BYTES = 16
    error = _refused(
        "invalid", lambda: _save(officer, make_indicator(), {"actual": 3, "evidence": b"%PDF-" + b"x" * 40})
    )
    assert "too big" in error.extra["fields"]["evidence"]


def test_evidence_download_is_audited(officer: Any, coordinator: Any, manager: Any) -> None:
    indicator = make_indicator()
    period = _save(officer, indicator, {"actual": 3})
    with pytest.raises(NotFound):  # no evidence yet
        services.indicator_period_evidence_open(actor=officer, period_id=period.pk)
    _save(
        officer, indicator, {"evidence": SimpleUploadedFile("roster.pdf", b"%PDF-1.4 roster")}, version=period.version
    )
    for reader in (officer, coordinator, manager):
        found, content = services.indicator_period_evidence_open(actor=reader, period_id=period.pk)
        assert content == b"%PDF-1.4 roster" and found.evidence_name == "roster.pdf"
    events = AuditEvent.objects.filter(action="programme.period.evidence", object_id=str(period.pk))
    assert sorted(events.values_list("actor_id", flat=True)) == sorted([officer.pk, coordinator.pk, manager.pk])
    partner = make_user(make_organization("BR"), roles=("implementing_partner",))
    for stranger in (partner, make_user(make_organization("CO"), roles=("me_officer",))):
        with pytest.raises(NotFound):
            services.indicator_period_evidence_open(actor=stranger, period_id=period.pk)
    assert events.count() == 3


# An attendance list as evidence: its name and its bytes are encrypted at rest.
EVIDENCE_SECRET = b"%PDF-1.4\nLista de presenca: Wenceslau Tibiricazinho, Zoraide Quixabeirense\n%%EOF\n"


@pytest.mark.django_db(transaction=True)
def test_evidence_is_encrypted_at_rest(tmp_path: Any) -> None:
    officer = make_user(make_organization("BR"), roles=("me_officer",))
    period = _save(
        officer,
        make_indicator(),
        {"actual": 3, "evidence": SimpleUploadedFile("presenca-Quixabeirense.pdf", EVIDENCE_SECRET)},
    )

    raw = database_bytes(tmp_path)

    assert period.evidence_sha256.encode() in raw, "the scan must see the period's plain columns"
    assert b"Tibiricazinho" not in raw and b"Quixabeirense" not in raw
    assert EVIDENCE_SECRET not in raw and base64.b64encode(EVIDENCE_SECRET) not in raw
