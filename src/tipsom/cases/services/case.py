"""Registering, changing, deciding on and closing victim cases. Each service checks permission and audits."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from tipsom.accounts.models import User
from tipsom.audit.reveal import reveal_record
from tipsom.audit.services import audit_record, describe_changes
from tipsom.cases.models import (
    CLOSED_STATUSES,
    POSSIBLE_VICTIM,
    Case,
    CaseNumberCounter,
    CaseType,
    ChildProtection,
    Screening,
    SomVulnerability,
    StatusDecision,
    TraffickingAct,
)
from tipsom.core import validation as check
from tipsom.core.errors import ApplicationError, NotFound
from tipsom.core.permissions import access_by_id, require_permission, scope_allows_organization
from tipsom.organizations import geography
from tipsom.people.models import BirthDatePrecision, Person
from tipsom.people.services import person_create

STALE = gettext_noop("Someone else changed this case after you opened it. Reload it and apply your change again.")
ADULT_AGE = 18

# What case_update may change, and the HTCDS code list of each list field.
CASE_LIST_FIELDS = {
    "exploitation_types": "vic_TypeOfExploitation",
    "industries": "vic_ForcedLabourIndustry",
    "sex_exploitation_types": "vic_TypeOfSexExploitation",
    "means_of_control": "vic_MethodsOfControl",
    "recruitment_methods": "vic_MethodOfRecruitment",
    "relationship_to_recruiter": "vic_RelationshipToTrafficker",
    "recruitment_websites": "vic_RecruitmentWebsitesAndApps",
    "exploitation_websites": "vic_ExploitationWebsitesAndApps",
    "vulnerabilities": "vic_Vulnerabilities",
}
CASE_FIELDS = (
    "case_type",
    "identified_on",
    "region",
    "origin_country",
    "transit_countries",
    "destination_country",
    "case_owner",
    *CASE_LIST_FIELDS,
)


def approval_required(kind: str) -> bool:
    """Whether this country has supervisors approve `kind` ("actual_victim" or "closure")."""
    return kind in settings.TIPSOM_CASE_APPROVALS


def earliest_birth(person: Person) -> date | None:
    """The first day the person can have been born, from the precision of what is known."""
    if not person.birth_date:
        return None
    parts = [int(part) for part in person.birth_date.split("-")]
    return date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def latest_birth(person: Person) -> date | None:
    """The last day the person can have been born, from the precision of what is known."""
    if not person.birth_date:
        return None
    parts = [int(part) for part in person.birth_date.split("-")]
    if person.birth_date_precision in (BirthDatePrecision.YEAR, BirthDatePrecision.ESTIMATED) or len(parts) == 1:
        return date(parts[0], 12, 31)
    if len(parts) == 2:
        return date(parts[0], parts[1], calendar.monthrange(parts[0], parts[1])[1])
    return date(parts[0], parts[1], parts[2])


def is_child_at(person: Person, on: date) -> bool:
    """Under 18 on `on`, or possibly so: an uncertain age counts as a child until it is assessed. With a year
    (or a month) only, the person is a child unless 18 whatever the day of birth: until the 18th anniversary of
    the last day they can have been born. Raises ValueError for a birth date that does not exist."""
    if person.is_presumed_minor:
        return True
    born = latest_birth(person)
    if born is None:
        return False
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return age < ADULT_AGE


def case_fields_validate(
    data: dict[str, Any], errors: check.Errors, *, country: str, person: Person | None
) -> dict[str, Any]:
    """The case fields of `data` (CASE_FIELDS but the owner) checked and cleaned, problems added to `errors`; used by
    case_register, case_update and cases_bulk_import."""
    clean: dict[str, Any] = {}
    if "case_type" in data:
        clean["case_type"] = check.choice(errors, "case_type", CaseType, data["case_type"])
    if "identified_on" in data:
        born = earliest_birth(person) if person is not None else None
        clean["identified_on"] = check.a_date(
            errors,
            "identified_on",
            data["identified_on"],
            not_before=born,
            not_before_message=_("The identification cannot be dated before the person's birth."),
        )
    if "region" in data:
        region = str(data["region"] or "").strip().upper()
        if region and not geography.is_region(country, region):
            errors["region"] = _("Unknown region for this country (use ISO 3166-2).")
        clean["region"] = region
    for name in ("origin_country", "destination_country"):
        if name in data:
            clean[name] = geography.valid_country(errors, name, data[name])
    if "transit_countries" in data:
        clean["transit_countries"] = geography.valid_countries(errors, "transit_countries", data["transit_countries"])
    for name, list_name in CASE_LIST_FIELDS.items():
        if name in data:
            clean[name] = check.codes(errors, name, list_name, data[name])
    return clean


def _case_owner(actor: User | None, value: Any, organization_id: int, errors: check.Errors) -> Any:
    if value in (None, ""):
        return None
    owner_id = getattr(value, "pk", value)
    owner = User.objects.filter(pk=owner_id, organization_id=organization_id, is_active=True).first()
    if owner is None:
        errors["case_owner"] = _("The case owner must be an active user of the case's organization.")
    return owner


def case_number_next(country: str, year: int) -> str:
    """The next case number of a country and year (the counter row stays locked until the transaction ends)."""
    return case_numbers_next(country, year, 1)[0]


def case_numbers_next(country: str, year: int, count: int) -> list[str]:
    """The next `count` case numbers of a country and year, in order, taken at once (a bulk import)."""
    counter, _created = CaseNumberCounter.objects.select_for_update().get_or_create(country=country, year=year)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    return [f"{country}-{year}-{number:06d}" for number in range(first, counter.last + 1)]


def screening_recommendation(
    *, acts: list[str], means: list[str], purposes: list[str], som_vulnerabilities: list[str], is_child: bool
) -> str:
    """The interview's recommendation. It advises the identifier; the status decision stays a person's."""
    if acts and purposes and (means or is_child):
        return Screening.Recommendation.LIKELY_CHILD_VICTIM if is_child else Screening.Recommendation.LIKELY_VICTIM
    if acts or means or purposes:
        return Screening.Recommendation.POSSIBLE_VICTIM
    if som_vulnerabilities:
        return Screening.Recommendation.VULNERABLE_MIGRANT
    return Screening.Recommendation.NO_INDICATORS


def screening_fields_validate(
    data: dict[str, Any],
    errors: check.Errors,
    *,
    identified_on: date | None,
    born: date | None = None,
    case_type: str | None = None,
) -> dict[str, Any]:
    """The screening's answers checked and cleaned, problems added to `errors` (as "screening.<field>"); with
    `case_type`, the vulnerabilities of a smuggled migrant are refused for a case of another type. Used by
    case_register, cases_bulk_import and the import of registers."""
    check.reject_unknown(data, ("screened_on", "acts", "means", "purposes", "som_vulnerabilities", "notes"))
    acts = data.get("acts") or []
    if not isinstance(acts, (list, tuple)) or not all(item in TraffickingAct.values for item in acts):
        errors["screening.acts"] = _("Unknown codes: %(codes)s.") % {"codes": ", ".join(map(str, acts))[:200]}
        acts = []
    som = data.get("som_vulnerabilities") or []
    if not isinstance(som, (list, tuple)) or not all(item in SomVulnerability.values for item in som):
        errors["screening.som_vulnerabilities"] = _("Unknown codes: %(codes)s.") % {
            "codes": ", ".join(map(str, som))[:200]
        }
        som = []
    if som and case_type is not None and case_type not in SOM_CASE_TYPES:
        errors["screening.som_vulnerabilities"] = _(
            "The vulnerabilities of a smuggled migrant apply only to a case of smuggling of migrants."
        )
    return {
        "screened_on": check.a_date(
            errors,
            "screening.screened_on",
            data.get("screened_on") or identified_on,
            not_before=born,
            not_before_message=_("The screening cannot be dated before the person's birth."),
        ),
        "acts": list(dict.fromkeys(acts)),
        "means": check.codes(errors, "screening.means", "vic_MethodsOfControl", data.get("means")),
        "purposes": check.codes(errors, "screening.purposes", "vic_TypeOfExploitation", data.get("purposes")),
        "som_vulnerabilities": list(dict.fromkeys(som)),
        "notes": check.text(errors, "screening.notes", data.get("notes")),
    }


# The vulnerabilities of a smuggled migrant are asked, and kept, only for these types of case.
SOM_CASE_TYPES = (CaseType.SOM, CaseType.BOTH)


@transaction.atomic
def case_register(
    *,
    actor: User | None,
    organization: Any,
    person: dict[str, Any] | None = None,
    person_id: int | None = None,
    screening: dict[str, Any] | None = None,
    **data: Any,
) -> Case:
    """Register a victim case for a new person (`person`: the person_create fields) or one already in the
    registry (`person_id`), with the identification screening when one was held. The case starts Active and
    "Possible victim"; a child (or a presumed one) starts the child track."""
    if actor is not None:
        require_permission(actor, "add", Case)
        if not scope_allows_organization(actor, "add", Case, organization):
            raise NotFound()
    check.reject_unknown(data, CASE_FIELDS)
    if (person is None) == (person_id is None):
        message = _("Give either a new person or an existing one.")
        raise ApplicationError("invalid", message, {"fields": {"person": message}})
    errors = check.Errors()
    registered: Person | None = None
    if person_id is not None:
        if actor is not None:
            registered = access_by_id(Person, actor, person_id, "change")
        else:
            registered = Person.objects.filter(pk=check.pk_of(person_id)).first()
            if registered is None:
                raise NotFound()
    elif not isinstance(person, dict):
        message = _("Give the person's details.")
        raise ApplicationError("invalid", message, {"fields": {"person": message}})
    elif "names" not in person:
        errors["names"] = _("At least one name is required.")
    else:
        try:
            registered = person_create(actor=actor, organization=organization, **person)
        except ApplicationError as error:
            # Report the person's bad fields together with the case's (nothing of the person was saved).
            if error.code != "invalid" or not error.extra.get("fields"):
                raise
            errors.update(error.extra["fields"])
    if "case_type" not in data:
        errors["case_type"] = _("This field is required.")
    if "identified_on" not in data:
        errors["identified_on"] = _("This field is required.")
    fields = case_fields_validate(data, errors, country=organization.country, person=registered)
    owner = None
    if "case_owner" in data:
        owner = _case_owner(actor, data["case_owner"], organization.pk, errors)
    elif actor is not None and actor.organization_id == organization.pk and actor.is_active:
        owner = actor  # by default the identifier owns the case they register in their own organization
    identified_on = fields.get("identified_on")
    is_child = identified_on is not None and registered is not None and is_child_at(registered, identified_on)
    if screening is not None and not isinstance(screening, dict):
        errors["screening"] = _("Give the screening's answers.")
        screening = None
    screening_data = (
        screening_fields_validate(
            screening,
            errors,
            identified_on=identified_on,
            born=earliest_birth(registered) if registered else None,
            case_type=fields.get("case_type") or "",
        )
        if screening
        else None
    )
    errors.raise_if_any()
    assert registered is not None and identified_on is not None  # noqa: S101 (both checked above)
    case = Case.objects.create(
        person=registered,
        owner_organization=organization,
        country=organization.country,
        case_number=case_number_next(organization.country, identified_on.year),
        is_child=is_child,
        case_owner=owner,
        created_by=actor,
        **fields,
    )
    StatusDecision.objects.create(
        case=case,
        created_by=actor,
        status=POSSIBLE_VICTIM,
        decided_on=identified_on,
        deciding_organization_type=deciding_type_of(organization),
        basis="",
        approval=StatusDecision.Approval.NOT_NEEDED,
    )
    if is_child:
        ChildProtection.objects.create(
            case=case,
            age_assessment=age_assessment_initial(registered),
        )
    changes = describe_changes(case, ["case_number", "person", "owner_organization", "is_child", *fields])
    if screening_data:
        recommendation = screening_recommendation(
            is_child=is_child, **{k: screening_data[k] for k in ("acts", "means", "purposes", "som_vulnerabilities")}
        )
        Screening.objects.create(case=case, created_by=actor, recommendation=recommendation, **screening_data)
        changes["screening"] = recommendation
    audit_record(actor=actor, action="case.create", target=case, organization=organization, changes=changes)
    return case


def deciding_type_of(organization: Any) -> str:
    """The HTCDS type of deciding organization that best fits an organization's functions."""
    functions = set(organization.functions or [])
    if functions & {"police", "border_guard"}:
        return "Police"
    if functions & {"prosecution", "judiciary"}:
        return "CourtOrProsecution"
    if organization.type == "NGO":
        return "NGO"
    return "NonPoliceGovernmentalOrganization"


def access_case(actor: User, case_id: Any, action: str = "change", *, lock: bool = True) -> Case:
    queryset = Case.objects.select_related("owner_organization", "person")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return access_by_id(Case, actor, case_id, action, queryset=queryset)


def require_open(case: Case) -> None:
    if case.is_closed:
        raise ApplicationError("case_closed", _("This case is closed. Reopen it before changing it."), status=409)


@transaction.atomic
def case_update(*, actor: User, case_id: Any, version: int | None, **data: Any) -> Case:
    """Change the case's facts (type, dates, route, exploitation). A stale `version` answers 409."""
    case = access_case(actor, case_id)
    check.check_version(case, version, _(STALE))
    require_open(case)
    check.reject_unknown(data, CASE_FIELDS)
    errors = check.Errors()
    fields = case_fields_validate(data, errors, country=case.country, person=case.person)
    if "case_owner" in data:
        fields["case_owner"] = _case_owner(actor, data["case_owner"], case.owner_organization_id, errors)
    errors.raise_if_any()
    if "identified_on" in fields:
        fields["is_child"] = _child_on(case, fields["identified_on"])
    update = check.model_update(case, fields)
    if not update:
        return case
    if case.is_child and not ChildProtection.objects.filter(case=case).exists():
        # An earlier identification date can make the person a child then: the child track starts.
        ChildProtection.objects.create(case=case, age_assessment=age_assessment_initial(case.person))
    changes = describe_changes(case, update.fields, update.before)
    audit_record(
        actor=actor, action="case.update", target=case, organization=case.owner_organization_id, changes=changes
    )
    return case


# The person fields whose change can make a case a child's.
AGE_FIELDS = ("birth_date", "birth_date_precision", "is_presumed_minor")


def cases_follow_person(*, actor: User, person: Person, changed: Iterable[str] = AGE_FIELDS) -> None:
    """After a person's birth date or presumed-minor flag changed: each open case of theirs recomputes whether it
    is a child's, and a case that becomes one starts the child track. Registered as a `person_changed` hook, so
    people.services.person_update calls it without knowing cases."""
    if not set(AGE_FIELDS) & set(changed):
        return
    for case in Case.objects.select_for_update().filter(person=person).exclude(status__in=CLOSED_STATUSES):
        case.person = person
        is_child = _child_on(case, case.identified_on)
        if is_child == case.is_child:
            _age_assessment_follow(actor, case, person)
            continue
        case.is_child = is_child
        if is_child and not ChildProtection.objects.filter(case=case).exists():
            ChildProtection.objects.create(case=case, age_assessment=age_assessment_initial(person))
        case.version += 1
        case.save(update_fields=["is_child", "version", "updated_at"])
        audit_record(
            actor=actor,
            action="case.update",
            target=case,
            organization=case.owner_organization_id,
            changes={"is_child": [not is_child, is_child]},
        )


@transaction.atomic
def case_text_reveal(*, actor: User, case_id: Any, part: str, reason: str) -> Case:
    """Allow the identifying free text of one part of a case (journal, screenings, ...) to be shown through the
    API: the user must be allowed to reveal the case (else NotFound) and give a reason, which the audit log keeps
    with the part's name, never the text. The case page shows the text to the team without this step."""
    case = access_by_id(Case, actor, case_id, "reveal")
    reveal_record(actor=actor, target=case, parts=[part], reason=reason)
    return case


def _age_assessment_follow(actor: User, case: Case, person: Person) -> None:
    """A child whose age became an estimate ("about 15" typed on the person's record): an age assessment that was
    not needed is pending now."""
    if not case.is_child or age_assessment_initial(person) != ChildProtection.AgeAssessment.PENDING:
        return
    pending = ChildProtection.AgeAssessment.PENDING
    not_needed = ChildProtection.AgeAssessment.NOT_NEEDED
    if ChildProtection.objects.filter(case=case, age_assessment=not_needed).update(age_assessment=pending):
        case_touch(case)
        audit_record(
            actor=actor,
            action="case.child_update",
            target=case,
            organization=case.owner_organization_id,
            changes={"age_assessment": [not_needed, pending]},
        )


def age_assessment_initial(person: Person) -> str:
    """Pending while the age is estimated: a presumed minor, or a birth date that is not exact (an age such as
    "about 15", a year or a month only)."""
    estimated = bool(person.birth_date) and person.birth_date_precision != BirthDatePrecision.EXACT
    if person.is_presumed_minor or estimated:
        return ChildProtection.AgeAssessment.PENDING
    return ChildProtection.AgeAssessment.NOT_NEEDED


def _child_on(case: Case, identified_on: date) -> bool:
    """Whether the case is a child's with this identification date; an age assessment has the last word."""
    track = ChildProtection.objects.filter(case=case).first()
    if track is not None and track.age_assessment == ChildProtection.AgeAssessment.ADULT:
        return False
    if track is not None and track.age_assessment == ChildProtection.AgeAssessment.MINOR:
        return True
    return is_child_at(case.person, identified_on)


def case_touch(case: Case) -> None:
    """Every change to a case's parts moves its version on, so a form opened before it is stale."""
    case.version += 1
    case.save(update_fields=["version", "updated_at"])


@transaction.atomic
def case_team_set(*, actor: User, case_id: Any, version: int | None, user_ids: list[int | str]) -> Case:
    """The case's team: users of the owner organization or of an organization working on the case."""
    case = access_case(actor, case_id)
    check.check_version(case, version, _(STALE))
    require_open(case)
    allowed_orgs = {case.owner_organization_id, *case.organizations.values_list("organization_id", flat=True)}
    if not isinstance(user_ids, (list, tuple)):
        raise ApplicationError("invalid", _("Give a list of users."), {"fields": {"team": _("Give a list of users.")}})
    ids = {check.pk_of(user_id) for user_id in user_ids}
    users = list(User.objects.filter(pk__in=ids - {0}, organization_id__in=allowed_orgs, is_active=True))
    if 0 in ids or len(users) != len(ids):
        message = _("Team members must be active users of an organization working on the case.")
        raise ApplicationError("invalid", message, {"fields": {"team": message}})
    case.team.set(users)
    case_touch(case)
    audit_record(
        actor=actor,
        action="case.team",
        target=case,
        organization=case.owner_organization_id,
        changes={"team": sorted(user.pk for user in users)},
    )
    return case
