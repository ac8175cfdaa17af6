"""Reads of the service directory: search, pathway suggestions for a case, and the warnings a referral to a
service raises. Always narrowed to the user's country first (the service_search index leads with it)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case as CaseWhen
from django.db.models import F, IntegerField, Q, QuerySet, Value, When, Window
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tipsom.accounts.models import User
from tipsom.cases.models import Case, CaseType
from tipsom.cases.services.case import earliest_birth, latest_birth
from tipsom.core.errors import ApplicationError
from tipsom.core.fields import encrypted_fields
from tipsom.core.permissions import access_by_id, user_can, user_scopes
from tipsom.organizations.models import Organization
from tipsom.people.models import GENDER_UNKNOWN
from tipsom.referrals.filters import (
    ServiceFilterSet,
    covers_region,
    serves_ages,
    serves_case_type,
    serves_sex,
)
from tipsom.referrals.models import Pathway, ResponseTime, Service, ServiceType, Urgency

SUGGESTIONS_PER_TYPE = 3
ADULT_AGE = 18

WARNING_MESSAGES: dict[str, Any] = {
    "no_places": _("The service reports no free places."),
    "sex": _("The service does not serve persons of this sex."),
    "age": _("The person's age is outside the ages the service serves."),
    "case_type": _("The service does not serve this type of case."),
    "region": _("The service does not cover the region of the case."),
    "inactive": _("The service is no longer active."),
}


# --- Search ----------------------------------------------------------------------------------------------------
def _organization_identifying() -> list[str]:
    return [f"organization__{field.name}" for field in encrypted_fields(Organization)]


def service_list(*, user: User, action: str = "view") -> QuerySet[Service]:
    """The services of the user's country the user may `action`, with their organization (no confidential
    address read)."""
    organization = getattr(user, "organization", None)
    if organization is None:
        return Service.objects.none()
    return (
        Service.objects.filter(country=organization.country)
        .restrict(user, action)
        .select_related("organization")
        .defer(*_organization_identifying())
    )


def service_search(*, user: User, filters: Any) -> QuerySet[Service]:
    """The services matching `filters` (ServiceFilterSet's fields, as a dict or QueryDict), active ones only
    unless include_inactive. Unordered: the API pages it by keyset on id, the screen too. Bad filters: 400."""
    filterset = ServiceFilterSet(filters, queryset=service_list(user=user))
    if not filterset.is_valid():
        fields = {name: " ".join(str(message) for message in errors) for name, errors in filterset.errors.items()}
        raise ApplicationError("invalid", str(_("Some filters are not valid.")), {"fields": fields})
    return filterset.qs


def access_service_by_id(user: User, service_id: Any, action: str = "view") -> Service:
    return access_by_id(Service, user, service_id, action, queryset=service_list(user=user, action=action))


def service_allows(user: User, service: Service, action: str) -> bool:
    """Whether the user may `action` this service (buttons; the services check again when acting)."""
    return Service.objects.restrict(user, action).filter(pk=service.pk).exists()


def service_organization_choices(*, user: User) -> QuerySet[Organization]:
    """Organizations the user may list services for: any active one of the country with a national
    permission, else their own."""
    organization = getattr(user, "organization", None)
    if organization is None or not user_can(user, "add", Service):
        return Organization.objects.none()
    if "national" in user_scopes(user, "add", Service):
        return (
            Organization.objects.restrict(user, "view")
            .filter(country=organization.country, is_active=True)
            .defer(*(field.name for field in encrypted_fields(Organization)))
            .order_by("name")
        )
    return Organization.objects.filter(pk=organization.pk)


# --- Pathways and response times -------------------------------------------------------------------------------
def pathway_list(*, user: User) -> QuerySet[Pathway]:
    organization = getattr(user, "organization", None)
    if organization is None:
        return Pathway.objects.none()
    return Pathway.objects.restrict(user, "view").filter(country=organization.country).order_by("priority", "pk")


def access_pathway_by_id(user: User, pathway_id: Any, action: str = "view") -> Pathway:
    return access_by_id(Pathway, user, pathway_id, action)


@dataclass(frozen=True)
class ResponseTimeRow:
    urgency: str
    label: str
    hours: int
    configured: bool  # False: the deployment's default applies


def response_time_table(*, user: User) -> list[ResponseTimeRow]:
    """Hours to answer per urgency in the user's country, the country's own or the default."""
    from django.conf import settings

    organization = getattr(user, "organization", None)
    if organization is None:
        return []
    rows = dict(
        ResponseTime.objects.restrict(user, "view").filter(country=organization.country).values_list("urgency", "hours")
    )
    return [
        ResponseTimeRow(
            urgency=urgency,
            label=str(label),
            hours=rows.get(urgency, int(settings.TIPSOM_REFERRAL_RESPONSE_HOURS[urgency])),
            configured=urgency in rows,
        )
        for urgency, label in Urgency.choices
    ]


# --- A case's profile ------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Profile:
    """What eligibility reads of a case: coded facts only."""

    country: str
    sex: str  # "" when not known
    youngest: int | None  # the age range the person can be of today; None when no birth data
    oldest: int | None
    case_type: str
    region: str
    is_child: bool
    is_foreign: bool
    exploitation_types: tuple[str, ...]


def _age_on(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def case_profile(case: Case) -> Profile:
    """The case's eligibility facts. A person with no citizenship recorded is not foreign; a child presumed a
    minor without a birth date is taken to be 0 to 17."""
    person = case.person
    today = timezone.localdate()
    youngest = oldest = None
    try:
        first, last = earliest_birth(person), latest_birth(person)
    except ValueError:
        first = last = None
    if first is not None and last is not None:
        youngest, oldest = _age_on(last, today), _age_on(first, today)
    elif person.birth_year:
        youngest, oldest = today.year - person.birth_year - 1, today.year - person.birth_year
    elif person.is_presumed_minor:
        youngest, oldest = 0, ADULT_AGE - 1
    citizenships = person.citizenships or []
    return Profile(
        country=case.country,
        sex="" if person.gender in ("", GENDER_UNKNOWN) else person.gender,
        youngest=max(youngest, 0) if youngest is not None else None,
        oldest=oldest,
        case_type=case.case_type,
        region=case.region,
        is_child=case.is_child,
        is_foreign=bool(citizenships) and case.country not in citizenships,
        exploitation_types=tuple(case.exploitation_types or ()),
    )


def serves_profile(profile: Profile) -> Q:
    """The services that serve the profile: sex, age, type of case and region (what is unknown is not checked)."""
    condition = serves_case_type(profile.case_type)
    if profile.sex:
        condition &= serves_sex(profile.sex)
    if profile.youngest is not None and profile.oldest is not None:
        condition &= serves_ages(profile.youngest, profile.oldest)
    if profile.region:
        condition &= covers_region(profile.region)
    return condition


def _applies(rule: str, fact: bool) -> bool:
    return rule == Pathway.Applies.ANY or (rule == Pathway.Applies.YES) == fact


def pathway_matches(pathway: Pathway, profile: Profile) -> bool:
    if not (_applies(pathway.child, profile.is_child) and _applies(pathway.foreign, profile.is_foreign)):
        return False
    if pathway.case_types:
        kinds = {profile.case_type}
        if profile.case_type == CaseType.BOTH:
            kinds |= {CaseType.TIP, CaseType.SOM}
        if not kinds & set(pathway.case_types):
            return False
    return not pathway.exploitation_types or bool(set(pathway.exploitation_types) & set(profile.exploitation_types))


def pathway_suggestions(*, user: User, case: Case) -> list[dict[str, Any]]:
    """The service types the country's pathways suggest for the case, in order (the first pathway's first), each
    with up to three services that serve the case's profile, those with free places first:

        [{"service_type": "child_protection", "label": "Child protection", "reason": "Child victims",
          "pathways": ["Child victims", ...], "services": [Service, ...]}, ...]

    `reason` names the first pathway that suggested the type; `elsewhere` is True when no service in the case's
    region fits and the services listed are in other regions of the country. Two queries whatever the number of
    pathways and services (the services of every type come from one windowed query), three when some type needs
    services from elsewhere."""
    profile = case_profile(case)
    pathways = [
        pathway
        for pathway in Pathway.objects.filter(country=profile.country, is_active=True).order_by("priority", "pk")
        if pathway_matches(pathway, profile)
    ]
    labels = dict(ServiceType.choices)
    suggestions: dict[str, dict[str, Any]] = {}
    for pathway in pathways:
        for service_type in pathway.service_types:
            if service_type not in labels:
                continue
            entry = suggestions.setdefault(
                service_type,
                {
                    "service_type": service_type,
                    "label": str(labels[service_type]),
                    "reason": pathway.name,
                    "pathways": [],
                    "services": [],
                },
            )
            if pathway.name not in entry["pathways"]:
                entry["pathways"].append(pathway.name)
    if not suggestions:
        return []
    # Free places first, then services not counted in places, full ones last.
    fullness = CaseWhen(
        When(capacity_available__gt=0, then=Value(0)),
        When(capacity_available__isnull=True, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    for service in _ranked(user, profile, list(suggestions), fullness):
        suggestions[service.service_type]["services"].append(service)
    _elsewhere(user, profile, suggestions, fullness)
    return list(suggestions.values())


def _ranked(user: User, profile: Profile, service_types: list[str], fullness: Any) -> QuerySet[Service]:
    """The active services of these types in the profile's country that the user may see and that serve the
    profile, the first SUGGESTIONS_PER_TYPE of each type by free places (then by age)."""
    return (
        Service.objects.filter(country=profile.country, service_type__in=service_types, is_active=True)
        .restrict(user, "view")
        .filter(serves_profile(profile))
        .annotate(
            fullness=fullness,
            rank=Window(RowNumber(), partition_by=[F("service_type")], order_by=[fullness.asc(), F("pk").asc()]),
        )
        .filter(rank__lte=SUGGESTIONS_PER_TYPE)
        .select_related("organization")
        .defer(*_organization_identifying())
        .order_by("service_type", "rank")
    )


def _elsewhere(user: User, profile: Profile, suggestions: dict[str, dict[str, Any]], fullness: Any) -> None:
    """For the suggested types no service in the case's region serves: the country's services of that type in
    other regions that serve the rest of the profile ("elsewhere": True). Nationwide services already count as
    in the region. tipsom has no distances between regions, so these are listed by free places, not by nearness;
    the screen also offers a referral by letter to a provider not in the directory. One more query at most."""
    empty = [service_type for service_type, entry in suggestions.items() if not entry["services"]]
    for entry in suggestions.values():
        entry["elsewhere"] = False
    if not empty or not profile.region:
        return
    anywhere = Profile(**{**profile.__dict__, "region": ""})
    for service in _ranked(user, anywhere, empty, fullness):
        entry = suggestions[service.service_type]
        entry["services"].append(service)
        entry["elsewhere"] = True


def service_warnings(service: Service, case: Case) -> list[str]:
    """Why referring this case to this service may not work, as codes (WARNING_MESSAGES translates them):
    inactive, no_places, sex, age, case_type, region. What is unknown about the person raises no warning."""
    profile = case_profile(case)
    warnings: list[str] = []
    if not service.is_active:
        warnings.append("inactive")
    if service.capacity_available == 0:
        warnings.append("no_places")
    if profile.sex and service.sexes and profile.sex not in service.sexes:
        warnings.append("sex")
    if profile.youngest is not None and profile.oldest is not None:
        too_young = service.age_min is not None and profile.oldest < service.age_min
        too_old = service.age_max is not None and profile.youngest > service.age_max
        if too_young or too_old:
            warnings.append("age")
    served: dict[str, bool] = {CaseType.TIP: service.serves_tip, CaseType.SOM: service.serves_som}
    if not served.get(profile.case_type, service.serves_tip or service.serves_som):
        warnings.append("case_type")
    if profile.region and service.regions and profile.region not in service.regions:
        warnings.append("region")
    return warnings


def warning_messages(codes: list[str]) -> list[str]:
    return [str(WARNING_MESSAGES[code]) for code in codes if code in WARNING_MESSAGES]
