"""Reads of the criminal process: the funnel of a case's defendants (formal contact -> prosecuted -> convicted ->
sentenced, with the days between stages), each defendant's charges with their chains of decisions, and the lists of
charges and decisions of the API. Each starts from what the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet

from tipsom.accounts.models import User
from tipsom.justice.models import Charge, CourtDecision, CriminalCase, LegalProvision, Offence, Suspect
from tipsom.justice.services.common import criminal_case_for
from tipsom.justice.services.process import decision_cases, decision_chain

STAGES = ("formal_contact", "prosecuted", "convicted", "sentenced")


def _days(start: date | None, end: date | None) -> int | None:
    return (end - start).days if start is not None and end is not None else None


@dataclass(frozen=True)
class FunnelRow:
    """One defendant's stages, and the days from each to the next (None where a stage is missing). `number` is the
    defendant's place in the case (1, 2 …, in the order they were added), the name screens and briefs give them."""

    suspect: Suspect
    number: int
    contact_type: str
    formal_contact_on: date | None
    prosecuted_on: date | None
    convicted_on: date | None
    sentenced_on: date | None

    @property
    def days_to_prosecution(self) -> int | None:
        return _days(self.formal_contact_on, self.prosecuted_on)

    @property
    def days_to_conviction(self) -> int | None:
        return _days(self.prosecuted_on, self.convicted_on)

    @property
    def days_to_sentence(self) -> int | None:
        return _days(self.convicted_on, self.sentenced_on)

    def as_dict(self) -> dict[str, Any]:
        return {
            "suspect": self.suspect.pk,
            "number": self.number,
            "contact_type": self.contact_type,
            "formal_contact_on": self.formal_contact_on,
            "prosecuted_on": self.prosecuted_on,
            "convicted_on": self.convicted_on,
            "sentenced_on": self.sentenced_on,
            "days_to_prosecution": self.days_to_prosecution,
            "days_to_conviction": self.days_to_conviction,
            "days_to_sentence": self.days_to_sentence,
        }


@dataclass(frozen=True)
class Funnel:
    criminal_case: CriminalCase
    rows: list[FunnelRow]
    # How many defendants reached each stage ("defendants": all of them).
    totals: dict[str, int] = field(default_factory=dict)


def case_funnel(user: User, criminal_case: Any) -> Funnel:
    """The funnel of a case the user may see (NotFound otherwise): two queries however many defendants."""
    case = criminal_case_for(user, criminal_case, "view")
    suspects = (
        Suspect.objects.filter(criminal_case=case)
        .order_by("pk")
        .only(
            "id",
            "criminal_case_id",
            "contact_type",
            "formal_contact_on",
            "prosecuted_on",
            "convicted_on",
            "sentenced_on",
        )
    )
    rows = [
        FunnelRow(
            suspect=suspect,
            number=number,
            contact_type=suspect.contact_type,
            formal_contact_on=suspect.formal_contact_on,
            prosecuted_on=suspect.prosecuted_on,
            convicted_on=suspect.convicted_on,
            sentenced_on=suspect.sentenced_on,
        )
        for number, suspect in enumerate(suspects, start=1)
    ]
    totals = {
        "defendants": len(rows),
        "formal_contact": sum(1 for row in rows if row.formal_contact_on),
        "prosecuted": sum(1 for row in rows if row.prosecuted_on),
        "convicted": sum(1 for row in rows if row.convicted_on),
        "sentenced": sum(1 for row in rows if row.sentenced_on),
    }
    return Funnel(criminal_case=case, rows=rows, totals=totals)


@dataclass
class ChargeView:
    """A charge with its decisions in the order of the chain (the last one stands)."""

    charge: Charge
    chain: list[CourtDecision]

    @property
    def standing(self) -> CourtDecision | None:
        return self.chain[-1] if self.chain else None


@dataclass
class DefendantProcess:
    suspect: Suspect
    funnel: FunnelRow
    charges: list[ChargeView]


def _decisions() -> QuerySet[CourtDecision]:
    return CourtDecision.objects.select_related("court", "convicted_provision").order_by("decided_on", "pk")


def case_process(user: User, criminal_case: CriminalCase) -> list[DefendantProcess]:
    """Per defendant of a case the user sees: the funnel row and the charges with their chains of decisions. The
    decisions only if the user may see the case's decisions (an empty chain otherwise). Four queries."""
    may_see_decisions = CourtDecision.objects.restrict(user, "view").filter(criminal_case=criminal_case)
    decisions = list(_decisions().filter(pk__in=may_see_decisions.values("pk")))
    by_charge: dict[int, list[CourtDecision]] = {}
    for decision in decisions:
        by_charge.setdefault(decision.charge_id, []).append(decision)
    funnel = {row.suspect.pk: row for row in case_funnel(user, criminal_case).rows}
    suspects = (
        Suspect.objects.filter(criminal_case=criminal_case)
        .order_by("pk")
        .prefetch_related(
            Prefetch(
                "charges", queryset=Charge.objects.select_related("provision", "offence").order_by("charged_on", "pk")
            )
        )
    )
    result = []
    for suspect in suspects:
        views = [ChargeView(charge, decision_chain(by_charge.get(charge.pk, []))) for charge in suspect.charges.all()]
        result.append(DefendantProcess(suspect=suspect, funnel=funnel[suspect.pk], charges=views))
    return result


def provisions_for_case(criminal_case: CriminalCase) -> QuerySet[LegalProvision]:
    """The active legal provisions of the case's country, for charging."""
    return LegalProvision.objects.filter(country=criminal_case.country, is_active=True).order_by("law", "article")


def offences_for_case(criminal_case: CriminalCase) -> QuerySet[Offence]:
    return Offence.objects.filter(criminal_case=criminal_case).order_by("date_from", "pk")


def charge_list(user: User, criminal_case: Any = None) -> QuerySet[Charge]:
    """The charges of the cases the user may see (of one case when it is given)."""
    charges = Charge.objects.filter(criminal_case__in=CriminalCase.objects.restrict(user, "view").values("pk"))
    if criminal_case is not None:
        charges = charges.filter(criminal_case_id=criminal_case)
    return charges.select_related("provision")


def decision_list(user: User, criminal_case: Any = None, charge: Any = None) -> QuerySet[CourtDecision]:
    """The court decisions the user may see, of one case or one charge when given."""
    decisions = CourtDecision.objects.restrict(user, "view")
    if criminal_case is not None:
        decisions = decisions.filter(criminal_case_id=criminal_case)
    if charge is not None:
        decisions = decisions.filter(charge_id=charge)
    return decisions.select_related("court", "convicted_provision")


def may_record_decisions(user: User, criminal_case: CriminalCase, action: str = "add") -> bool:
    """Whether the user may record ("add") or correct ("change") court decisions in this case (a prosecutor, a
    judiciary liaison of it)."""
    return decision_cases(user, action).filter(pk=criminal_case.pk).exists()


def charges_to_decide(criminal_case: CriminalCase) -> QuerySet[Charge]:
    """The charges of the case not withdrawn, for the decision form."""
    return (
        Charge.objects.filter(criminal_case=criminal_case, withdrawn_on__isnull=True)
        .select_related("provision", "suspect")
        .order_by("suspect_id", "charged_on", "pk")
    )
