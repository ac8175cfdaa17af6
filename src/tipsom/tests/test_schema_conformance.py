"""The OpenAPI schema (/api/schema/) against the implementation, with schemathesis: every operation is called with
data generated from the schema (valid and invalid) as three roles, and each answer must be one the schema
documents, in the documented content type and shape, and never a 5xx.

Kept bounded (a few examples per operation, no shrinking, a fixed seed) so it runs in the suite on both databases;
TIPSOM_API_FUZZ_EXAMPLES raises the number of examples for a deeper run by hand. Nothing is excluded: signing out
is called with a token of its own each time, so it cannot revoke the token the rest of the run uses."""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck, Phase, Verbosity, example, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tipsom.accounts.models import User
from tipsom.accounts.services import api_token_create
from tipsom.accounts.testing import make_user
from tipsom.audit.models import AuditEvent
from tipsom.cases import services as cases
from tipsom.cases.models import ACTUAL_VICTIM, Case
from tipsom.organizations.testing import make_organization
from tipsom.referrals.services import directory, referral_send, transfer_request

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ROLES = ("case_manager", "national_coordinator", "system_administrator")
EXAMPLES = int(os.environ.get("TIPSOM_API_FUZZ_EXAMPLES", "6"))
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
PDF = b"%PDF-1.4\n%%EOF\n"


@pytest.fixture(scope="module")
def api_schema() -> Any:
    """The document /api/schema/ serves (the same generator and renderer), called through the WSGI application.
    Made here rather than fetched, because a module's fixture may not use the database a request touches."""
    document = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(json.loads(OpenApiJsonRenderer().render(document)))
    schema.app = WSGIHandler()
    return schema


@pytest.fixture
def wsgi_requests(settings: Any) -> Any:
    """Requests sent straight to the WSGI handler run inside the test's transaction: the handler must not close
    the connection around each one (Django's test client does the same). No user is throttled either."""
    rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "user": "100000/min"}
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@dataclass
class DataSet:
    """A small country: an NGO with a case in every part, a child's case, a provider with a service, a referral
    and a transfer; `ids` gives real ids for the path parameters, by the path's first segments."""

    users: dict[str, User]
    ids: dict[str, dict[str, Any]] = field(default_factory=dict)
    bodies: dict[str, Callable[[], Any]] = field(default_factory=dict)

    def path_parameters(self, path: str) -> dict[str, Any] | None:
        matches = [prefix for prefix in self.ids if path.startswith(prefix)]
        return dict(self.ids[max(matches, key=len)]) if matches else None


def _days(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def build_data_set() -> DataSet:
    home = make_organization("BR", region="BR-MT")
    provider = make_organization("BR", functions=["shelter"])
    agency = make_organization("BR", type="LocalGovernmentOrganisation", functions=["child_protection"])
    ministry = make_organization("BR", type="CentralGovernmentOrganisation")
    users = {
        "case_manager": make_user(home, roles=("case_manager",)),
        "national_coordinator": make_user(ministry, roles=("national_coordinator",)),
        "system_administrator": make_user(ministry, roles=("system_administrator",)),
    }
    actor = users["case_manager"]
    receiver = make_user(provider, roles=("case_manager",))
    person: dict[str, Any] = {
        "names": [{"name": "Rosa Condori Huanca"}],
        "gender": "Feminine",
        "citizenships": ["BO"],
        "birth_date": "1994",
        "birth_date_precision": "estimated",
    }
    facts: dict[str, Any] = {
        "case_type": "tip",
        "identified_on": _days(-30),
        "region": "BR-MT",
        "origin_country": "BO",
        "destination_country": "BR",
        "exploitation_types": ["ForcedLabour"],
    }
    screening = {"acts": ["recruitment"], "means": ["DebtBondage"], "purposes": ["ForcedLabour"], "notes": "Met."}
    case = cases.case_register(actor=actor, organization=home, person=person, screening=screening, **facts)
    child_person = {**person, "names": [{"name": "Juana Mamani Quispe"}], "birth_date": str(timezone.now().year - 15)}
    child = cases.case_register(actor=actor, organization=home, person=child_person, **facts)
    closing = cases.case_register(
        actor=actor, organization=home, person={**person, "names": [{"name": "Eva"}]}, **facts
    )
    on_case: dict[str, Any] = {"actor": actor, "case_id": case.pk}
    cases.consent_record(
        **on_case,
        purpose="referral",
        given=True,
        recorded_on=_days(-20),
        given_by="person",
        service_types=["Shelter", "Health"],
    )
    decision = cases.case_decide_status(
        **on_case, status=ACTUAL_VICTIM, decided_on=_days(-10), deciding_organization_type="NGO", basis="Interview."
    )
    cases.event_add(**on_case, event_type="Recruitment", country="BO", place="El Alto", start_date=_days(-400))
    cases.assessment_add(**on_case, kind="needs", assessed_on=_days(-9), level="high", needs=["Shelter"])
    item = cases.plan_item_add(**on_case, support_type="Shelter", goal="Safe housing")
    cases.service_add(
        **on_case, support_type="Health", delivered_on=_days(-5), provider_id=provider.pk, outcome="completed"
    )
    task = cases.task_add(**on_case, title="Call the consulate", due_on=_days(30))
    for text in ("Spoke about the shelter.", "Visited the shelter."):
        cases.journal_add(**on_case, text=text)
    attachment = cases.attachment_add(**on_case, filename="statement.pdf", content=PDF)
    closure = cases.case_close(actor=actor, case_id=closing.pk, reason="services_completed", closed_on=_days(-1))
    service = directory.service_create(
        actor=receiver,
        organization_id=provider.pk,
        service_type="shelter",
        name="Casa Abrigo",
        capacity_total=10,
        capacity_available=4,
    )
    pathway = directory.pathway_create(actor=users["system_administrator"], name="Adults", service_types=["shelter"])
    referral = referral_send(actor=actor, case_id=case.pk, service_id=service.pk, sections=["identity"])
    transfer = transfer_request(actor=actor, case_id=child.pk, to_organization_id=provider.pk, reason="Closer.")
    v1 = "/api/v1"
    ids: dict[str, dict[str, Any]] = {
        f"{v1}/cases/": {
            "id": case.pk,
            "attachment_id": attachment.pk,
            "decision_id": decision.pk,
            "item_id": item.pk,
            "task_id": task.pk,
        },
        f"{v1}/cases/{{id}}/child": {"id": child.pk},
        f"{v1}/cases/{{id}}/closures/": {"id": closing.pk, "request_id": closure.pk},
        f"{v1}/persons/": {"id": Case.objects.get(pk=case.pk).person_id},
        f"{v1}/organizations/": {"id": home.pk},
        f"{v1}/users/": {"id": actor.pk},
        f"{v1}/roles/": {"slug": "case_manager"},
        f"{v1}/audit-events/": {"id": AuditEvent.objects.latest("pk").pk},
        f"{v1}/services/": {"id": service.pk},
        f"{v1}/services/pathways/": {"id": pathway.pk},
        f"{v1}/referrals/": {"id": referral.pk},
        f"{v1}/referrals/transfers/": {"id": transfer.pk},
    }

    def version(record: Any) -> int:
        """The record's version when the request is sent (earlier requests of the run may have changed it)."""
        return type(record).objects.filter(pk=record.pk).values_list("version", flat=True).get()

    def on(record: Any, **fields: Any) -> Callable[[], dict[str, Any]]:
        return lambda: {"version": version(record), **fields}

    part = f"POST {v1}/cases/{{id}}"
    organization = {"name": "Casa Nova", "type": "NGO", "country": "BR"}
    bodies: dict[str, Callable[[], Any]] = {
        # The case manager's work on a case.
        f"POST {v1}/cases/": lambda: {"person": {**person, "names": [{"name": "Ana Quispe"}]}, **facts},
        f"PATCH {v1}/cases/{{id}}/": on(case, region="BR-SP"),
        f"{part}/decisions/": on(
            case, status="PossibleVictimOfTrafficking", decided_on=_days(-2), deciding_organization_type="NGO"
        ),
        f"{part}/consents/": on(case, purpose="statistics", given=True, recorded_on=_days(-1), given_by="person"),
        f"{part}/events/": on(case, event_type="Exploitation", country="BR"),
        f"{part}/assessments/": on(case, kind="needs", assessed_on=_days(-1), level="low"),
        f"{part}/plan/": on(case, support_type="Health"),
        f"{part}/plan/{{item_id}}/status/": on(case, status="in_progress"),
        f"{part}/services/": on(
            case, support_type="Legal", delivered_on=_days(-1), provider=provider.pk, outcome="completed"
        ),
        f"{part}/tasks/": on(case, title="Book an interpreter", due_on=_days(10)),
        f"{part}/tasks/{{task_id}}/done/": on(case),
        f"{part}/journal/": lambda: {"text": "Called the shelter."},
        f"PUT {v1}/cases/{{id}}/team/": on(case, users=[actor.pk]),
        f"PATCH {v1}/cases/{{id}}/child/": on(child, guardian_name="Dra. Helena Costa"),
        f"{part}/child/notify/": on(child, organization=agency.pk),
        f"{part}/closures/{{request_id}}/review/": lambda: {"approve": False, "comment": "Not yet."},
        f"PATCH {v1}/persons/{{id}}/": on(Case.objects.get(pk=case.pk).person, languages=["spa"]),
        f"POST {v1}/persons/{{id}}/reveal/": lambda: {"reason": "To check the identity for the referral."},
        f"POST {v1}/referrals/": lambda: {"case": case.pk, "service": service.pk, "sections": ["identity"]},
        f"POST {v1}/referrals/{{id}}/revoke/": lambda: {"reason": "Sent by mistake."},
        f"POST {v1}/referrals/transfers/": lambda: {"case": case.pk, "to_organization": provider.pk, "reason": "Near."},
        # Administration: organizations, users, the directory's pathways and response times.
        f"POST {v1}/organizations/": lambda: organization,
        f"PUT {v1}/organizations/{{id}}/": on(home, **organization),
        f"PATCH {v1}/organizations/{{id}}/": on(home, city="Cuiabá"),
        f"POST {v1}/users/": lambda: {
            "username": "new.colleague",
            "full_name": "New Colleague",
            "password": "violet-harbour-lantern-42",
            "organization": home.pk,
        },
        f"PATCH {v1}/users/{{id}}/": lambda: {"full_name": "Renamed Colleague"},
        f"POST {v1}/services/pathways/": lambda: {"name": "Children", "service_types": ["shelter"]},
        f"PATCH {v1}/services/pathways/{{id}}/": on(pathway, priority=2),
        f"POST {v1}/services/response-times/": lambda: {"urgency": "urgent", "hours": 24},
    }
    return DataSet(users=users, ids=ids, bodies=bodies)


def _strategies(operation: Any, real: dict[str, Any] | None) -> list[Any]:
    """Valid and invalid requests, with the data set's ids (real answers) and with made-up ones (mostly 404)."""
    modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
    strategies = [operation.as_strategy(mode, path_parameters=real) for mode in modes] if real else []
    return [*strategies, *(operation.as_strategy(mode) for mode in modes)]


def _explicit(operation: Any, real: dict[str, Any] | None, bodies: dict[str, Any]) -> Any:
    """The first request of an operation: the data set's ids and, for a few writes, a valid body, so that each
    operation's answer to a good request is checked too, not only the refusals of random ones."""
    if real is None and operation.path_parameters:
        return None
    body = bodies.get(operation.label)
    if body is None and operation.body:  # a write that needs a body we do not have
        return None
    return operation.Case(path_parameters=real, **({"body": body(), "media_type": "application/json"} if body else {}))


def fuzz(
    api_schema: Any, data_set: DataSet, headers_for: Callable[[Any], dict[str, str]], examples: int = EXAMPLES
) -> tuple[list[str], dict[str, set[int]]]:
    """Every operation of the schema, an explicit request and `examples` generated ones each. Returns the
    mismatches found (one per operation and check, with schemathesis's report of the first example) and the
    statuses each operation answered."""
    failures: dict[tuple[str, str], str] = {}
    answered: dict[str, set[int]] = {}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        real = data_set.path_parameters(operation.path)

        @settings(
            max_examples=examples,
            deadline=None,
            derandomize=True,
            database=None,
            verbosity=Verbosity.quiet,
            phases=[Phase.explicit, Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
        @given(case=st.one_of(_strategies(operation, real)))
        def call(case: Any) -> None:
            try:
                response = case.call_and_validate(headers=headers_for(case.operation), checks=CHECKS)
            except FailureGroup as group:
                for failure in group.exceptions:
                    failures.setdefault((case.operation.label, failure.title), str(group)[:3000])
            else:
                answered.setdefault(case.operation.label, set()).add(response.status_code)

        first = _explicit(operation, real, data_set.bodies)
        (example(case=first)(call) if first is not None else call)()
    return [f"{label}: {title}\n{report}" for (label, title), report in sorted(failures.items())], answered


@pytest.mark.parametrize("role", ROLES)
def test_every_answer_matches_the_schema(api_schema: Any, wsgi_requests: Any, role: str) -> None:
    data_set = build_data_set()
    user = data_set.users[role]
    token = api_token_create(actor=user)[1]

    def headers_for(operation: Any) -> dict[str, str]:
        # Signing out revokes the token it is sent with: it gets one of its own each time.
        fresh = api_token_create(actor=user)[1] if operation.path.endswith("/auth/logout/") else token
        return {"Authorization": f"Token {fresh}"}

    failures, answered = fuzz(api_schema, data_set, headers_for)
    assert not failures, f"{len(failures)} mismatches between the schema and the API:\n\n" + "\n\n".join(failures)
    # The run reached real records, not only refusals: the case manager read every part of the case (paged).
    if role == "case_manager":
        unread = [
            label
            for label, statuses in answered.items()
            if label.startswith("GET /api/v1/cases/") and 200 not in statuses
        ]
        assert not unread, unread
