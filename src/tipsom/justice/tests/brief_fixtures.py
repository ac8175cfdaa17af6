"""The concluded case the brief tests share (issue 12, done-when 1 and 5): a Brazilian forced-labour case under
Penal Code art. 149-A with two defendants, one convicted and sentenced, one acquitted, a victim linked through her
victim case, and a mutual legal assistance request to Bolivia. Every name of it is known, so the tests can look
for each one in the brief."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from tipsom.accounts.models import User
from tipsom.accounts.testing import make_user
from tipsom.cases.models import Case
from tipsom.cases.testing import make_case
from tipsom.justice.models import (
    CaseStage,
    Charge,
    CooperationRequest,
    CourtDecision,
    CriminalCase,
    DecisionLevel,
    LegalProvision,
    Outcome,
    Suspect,
    VictimInProceedings,
)
from tipsom.justice.testing import make_criminal_case, make_offence, make_provision, make_suspect
from tipsom.organizations.models import Organization
from tipsom.organizations.testing import make_organization

CONVICTED_NAME = "João Carlos Pereira"
CONVICTED_ALIAS = "Zé do Gato"
ACQUITTED_NAME = "Антон Сидоров"  # Cyrillic: its Latin form (Anton Sidorov) is checked too
VICTIM_NAME = "Maria Flores Condori"
NAMES = (CONVICTED_NAME, CONVICTED_ALIAS, ACQUITTED_NAME, "Anton Sidorov", VICTIM_NAME)
SUMMARY = (
    "Between 2024 and 2025 Defendant 1 recruited workers in a neighbouring country with false promises of paid "
    "work on a cattle farm, kept their documents and made them work to pay off debts. Defendant 2 drove them."
)
COURT = "2ª Vara Federal Criminal de Marabá"


@dataclass
class BriefWorld:
    office: Organization
    prosecutor: User
    criminal_case: CriminalCase
    convicted: Suspect
    acquitted: Suspect
    victim_case: Case


def make_charge(suspect: Suspect, provision: Any, charged_on: datetime.date) -> Charge:
    return Charge.objects.create(
        criminal_case=suspect.criminal_case,
        suspect=suspect,
        provision=provision,
        offence_type=provision.offence_type,
        charged_on=charged_on,
    )


def make_decision(charge: Charge, outcome: str, decided_on: datetime.date, **fields: Any) -> CourtDecision:
    decision = CourtDecision.objects.create(
        criminal_case=charge.criminal_case,
        charge=charge,
        suspect=charge.suspect,
        level=fields.pop("level", DecisionLevel.FIRST_INSTANCE),
        decided_on=decided_on,
        outcome=outcome,
        **fields,
    )
    Charge.objects.filter(pk=charge.pk).update(outcome=outcome)
    return decision


def make_brief_world(*, office: Organization | None = None, stage: str = CaseStage.CONCLUDED) -> BriefWorld:
    office = office or make_organization("BR", name="Procuradoria da República no Pará")
    prosecutor = make_user(office, roles=("prosecutor",))
    provision = LegalProvision.objects.filter(country="BR", law="Código Penal", article="art. 149-A").first()
    provision = provision or make_provision(
        "BR", law="Código Penal", article="art. 149-A", title="Tráfico de pessoas", offence_type="tip"
    )
    criminal_case = make_criminal_case(
        office,
        title=f"Trabalho escravo, fazenda de {CONVICTED_NAME}",  # a title may name: it stays out of the brief
        file_number="IPL 0123/2025-SR/PF/PA",
        facts=f"{CONVICTED_NAME} recrutou {VICTIM_NAME} em Cochabamba.",
        brief_summary=SUMMARY,
        stage=stage,
        prosecution_office=office,
        is_transnational=True,
        countries_involved=["BO"],
        investigation_opened_on=datetime.date(2025, 1, 10),
        investigation_closed_on=datetime.date(2025, 4, 30),
        concluded_on=datetime.date(2026, 3, 20) if stage == CaseStage.CONCLUDED else None,
    )
    make_offence(
        criminal_case,
        provision=provision,
        recruitment_methods=["AtWork"],
        means_of_control=["DebtBondage", "FalsePromises"],
        exploitation_types=["ForcedLabour"],
        modus_operandi=f"{CONVICTED_ALIAS} ficava com os documentos.",
        places="Marabá, PA",
        is_transnational=True,
        countries_involved=["BO"],
    )
    convicted = make_suspect(
        criminal_case,
        person={
            "names": [{"name": CONVICTED_NAME}, {"name": CONVICTED_ALIAS, "kind": "alias"}],
            "citizenships": ["BR"],
        },
        roles=["recruiter", "exploiter"],
        age_at_offence=51,
    )
    acquitted = make_suspect(
        criminal_case,
        person={"names": [{"name": ACQUITTED_NAME}], "citizenships": ["BO"]},
        roles=["transporter"],
        age_at_offence=29,
    )
    charged_on = datetime.date(2025, 5, 12)
    make_decision(
        make_charge(convicted, provision, charged_on),
        Outcome.CONVICTED,
        datetime.date(2026, 2, 27),
        court_name=COURT,
        prison_months=96,
        fine_amount=Decimal("25000.00"),
        compensation_ordered=Decimal("40000.00"),
        currency="BRL",
        confiscated_assets=f"Fazenda de {CONVICTED_NAME}",  # a description may name: it stays out
        confiscated_assets_value=Decimal("1200000.00"),
        is_final=True,
    )
    make_decision(make_charge(acquitted, provision, charged_on), Outcome.ACQUITTED, datetime.date(2026, 2, 27))
    shelter = make_organization("BR", name="Abrigo Esperança")
    victim_case = make_case(shelter)
    VictimInProceedings.objects.create(
        criminal_case=criminal_case,
        case=victim_case,
        role="injured_party",
        statement=f"Eu, {VICTIM_NAME}, trabalhei sem salário.",
    )
    CooperationRequest.objects.create(
        criminal_case=criminal_case,
        kind="mla",
        direction="outgoing",
        countries=["BO"],
        authority="Fiscalía General del Estado",
        subject="Testimony",
        status="answered",
    )
    return BriefWorld(office, prosecutor, criminal_case, convicted, acquitted, victim_case)
